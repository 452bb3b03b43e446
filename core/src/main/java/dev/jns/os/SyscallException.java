package dev.jns.os;

/**
 * A system call failed. Carries the call, the arguments that matter, and the errno
 * (number, symbolic name and the C library's text), so that callers can both branch on
 * {@link #errno()} and print a message a person can act on.
 */
public final class SyscallException extends RuntimeException {
    /** The system call's name. */
    private final String call;
    /** The arguments that matter, as text. */
    private final String detail;
    /** The errno it failed with. */
    private final int errno;

    /**
     * A failed call; the message reads {@code call detail: ENAME (text)}.
     *
     * @param call   the system call's name, e.g. {@code setns}
     * @param detail the arguments that matter, as text (null or empty for none)
     * @param errno  the errno it failed with
     */
    public SyscallException(String call, String detail, int errno) {
        super(format(call, detail, errno));
        this.call = call;
        this.detail = detail;
        this.errno = errno;
    }

    private static String format(String call, String detail, int errno) {
        String what = detail == null || detail.isEmpty() ? call : call + " " + detail;
        return what + ": " + Errno.name(errno) + " (" + Errno.describe(errno) + ")";
    }

    /**
     * The system call's name, e.g. {@code setns}.
     *
     * @return the name
     */
    public String call() { return call; }

    /**
     * The arguments that matter, as text (may be empty).
     *
     * @return the text
     */
    public String detail() { return detail; }

    /**
     * The errno the call failed with, to compare with {@link Errno}'s constants.
     *
     * @return the number
     */
    public int errno() { return errno; }

    /**
     * The symbolic errno, e.g. {@code EPERM}.
     *
     * @return the name
     */
    public String errnoName() { return Errno.name(errno); }

    /**
     * The C library's text for the errno, e.g. "Operation not permitted".
     *
     * @return the text
     */
    public String strerror() { return Errno.describe(errno); }
}
