package dev.jns.seccomp;

import dev.jns.os.Errno;

/**
 * The seccomp profile container runtimes apply by default, in the classes they block:
 * pushing input into a terminal ({@code TIOCSTI}, {@code TIOCLINUX}: CVE-2017-5226,
 * CVE-2019-10063, the high bits of the request masked off so that a 64-bit value with junk
 * above the ioctl number cannot slip past), the kernel keyring, tracing other processes,
 * loading kernels and modules, and, where asked, new user namespaces.
 */
public final class ContainerProfile {
    private static final long TIOCSTI = 0x5412, TIOCLINUX = 0x541C, LOW_32_BITS = 0xFFFFFFFFL;
    private static final long CLONE_NEWUSER = 0x10000000;

    private ContainerProfile() {}

    /**
     * The profile: everything else allowed, the blocked calls failing with EPERM (so programs
     * see an ordinary error rather than die).
     *
     * @param blockUserNamespaces refuse {@code unshare} and {@code clone} with CLONE_NEWUSER,
     *                            and {@code clone3} (whose flags a filter cannot read) with
     *                            ENOSYS, which makes the C library fall back to {@code clone}
     * @return the filter
     */
    public static SeccompFilter filter(boolean blockUserNamespaces) {
        SeccompAction refuse = SeccompAction.errno(Errno.EPERM);
        SeccompFilter f = SeccompFilter.allowingAllBut()
                .withRule("ioctl", refuse, ArgumentCheck.maskedEqual(1, LOW_32_BITS, TIOCSTI))
                .withRule("ioctl", refuse, ArgumentCheck.maskedEqual(1, LOW_32_BITS, TIOCLINUX));
        for (String call : new String[] {"keyctl", "add_key", "request_key", "ptrace", "process_vm_readv",
                "process_vm_writev", "kexec_load", "kexec_file_load", "init_module", "finit_module", "delete_module",
                "acct", "swapon", "swapoff", "reboot", "syslog", "uselib"}) {
            f = f.withRule(call, refuse);
        }
        if (blockUserNamespaces) {
            f = f.withRule("unshare", refuse, ArgumentCheck.maskedEqual(0, CLONE_NEWUSER, CLONE_NEWUSER))
                    .withRule("clone", refuse, ArgumentCheck.maskedEqual(0, CLONE_NEWUSER, CLONE_NEWUSER))
                    .withRule("clone3", SeccompAction.errno(Errno.ENOSYS));
        }
        return f;
    }
}
