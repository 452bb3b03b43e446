package dev.jns.os;

/**
 * A system call failed. Carries the call, the arguments that matter, and the errno
 * (number, symbolic name and the C library's text), so that callers can both branch on
 * {@link #errno()} and print a message a person can act on.
 */
public final class SyscallException extends RuntimeException {
    private final String call;
    private final String detail;
    private final int errno;

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

    /** The system call's name, e.g. {@code setns}. */
    public String call() { return call; }

    /** The arguments that matter, as text (may be empty). */
    public String detail() { return detail; }

    public int errno() { return errno; }

    /** The symbolic errno, e.g. {@code EPERM}. */
    public String errnoName() { return Errno.name(errno); }

    /** The C library's text for the errno, e.g. "Operation not permitted". */
    public String strerror() { return Errno.describe(errno); }
}
