package dev.jns.seccomp;

/**
 * What a seccomp filter does with a system call ({@code seccomp(2)}'s {@code SECCOMP_RET_*}
 * values, as libseccomp spells them).
 */
public sealed interface SeccompAction {
    /**
     * The 32-bit return value of the filter.
     *
     * @return the value
     */
    int code();

    /** An action without an argument. */
    SeccompAction ALLOW = new Simple("allow", 0x7fff0000);
    /** Kills the whole process, as by SIGSYS that cannot be caught (Linux 4.14+). */
    SeccompAction KILL_PROCESS = new Simple("kill-process", 0x80000000);
    /** Sends SIGSYS, which the program may catch. */
    SeccompAction TRAP = new Simple("trap", 0x00030000);
    /** Allows the call and logs it (Linux 4.14+). */
    SeccompAction LOG = new Simple("log", 0x7ffc0000);
    /** Hands the call to a supervisor listening on the filter's notification fd (Linux 5.0+). */
    SeccompAction NOTIFY = new Simple("notify", 0x7fc00000);

    /**
     * The call fails with {@code errno} and does nothing.
     *
     * @param errno the errno
     * @return the action
     */
    static SeccompAction errno(int errno) {
        return new Errno(errno);
    }

    /**
     * An action without an argument.
     *
     * @param name the name
     * @param code the filter's return value
     */
    record Simple(String name, int code) implements SeccompAction {}

    /**
     * The call fails with {@code errno}.
     *
     * @param errno the errno
     */
    record Errno(int errno) implements SeccompAction {
        /** The call fails with {@code errno}. */
        public Errno {
            if (errno < 0 || errno > 0xffff) throw new IllegalArgumentException("not an errno: " + errno);
        }

        public int code() {
            return 0x00050000 | errno;
        }
    }
}
