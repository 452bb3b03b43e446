package dev.jns.cgroup;

/**
 * A cgroup request that cannot be carried out for a reason other than a failed system call:
 * a setting this cgroup version or this machine's layout does not have, a path outside what
 * may be touched, no hierarchy mounted. Failed reads and writes of cgroup files throw
 * {@link dev.jns.os.SyscallException} instead, naming the file and the errno.
 */
public final class CgroupException extends RuntimeException {
    /**
     * A failure described by {@code message}.
     *
     * @param message what went wrong
     */
    public CgroupException(String message) {
        super(message);
    }

    /**
     * A failure described by {@code message}.
     *
     * @param message what went wrong
     * @param cause the underlying failure
     */
    public CgroupException(String message, Throwable cause) {
        super(message, cause);
    }
}
