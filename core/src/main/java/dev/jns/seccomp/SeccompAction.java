package dev.jns.seccomp;

/**
 * What a seccomp filter does with a system call ({@code seccomp(2)}'s {@code SECCOMP_RET_*}
 * values, as libseccomp spells them).
 */
public sealed interface SeccompAction {
    /** The 32-bit return value of the filter. */
    int code();

    SeccompAction ALLOW = new Simple("allow", 0x7fff0000);
    /** Kills the whole process, as by SIGSYS that cannot be caught (Linux 4.14+). */
    SeccompAction KILL_PROCESS = new Simple("kill-process", 0x80000000);
    /** Sends SIGSYS, which the program may catch. */
    SeccompAction TRAP = new Simple("trap", 0x00030000);
    /** Allows the call and logs it (Linux 4.14+). */
    SeccompAction LOG = new Simple("log", 0x7ffc0000);
    /** Hands the call to a supervisor listening on the filter's notification fd (Linux 5.0+). */
    SeccompAction NOTIFY = new Simple("notify", 0x7fc00000);

    /** The call fails with {@code errno} and does nothing. */
    static SeccompAction errno(int errno) {
        return new Errno(errno);
    }

    record Simple(String name, int code) implements SeccompAction {}

    record Errno(int errno) implements SeccompAction {
        public Errno {
            if (errno < 0 || errno > 0xffff) throw new IllegalArgumentException("not an errno: " + errno);
        }

        public int code() {
            return 0x00050000 | errno;
        }
    }
}
