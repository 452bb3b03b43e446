package dev.jns.spec;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A compiled seccomp filter: classic BPF, an array of 8-byte {@code struct sock_filter} in
 * the machine's byte order. Installed in the order given: after everything else, just before
 * exec, under no_new_privs; without it before the credential change (the kernel wants
 * CAP_SYS_ADMIN then).
 *
 * <p>A program that can return {@code SECCOMP_RET_USER_NOTIF} ({@link #notifies()}) is installed
 * with a notification listener, which the started process hands to its caller.
 *
 * @param bpf the instructions
 */
public record SeccompProgram(ByteBuffer bpf) implements Step {
    /** Checks the program is whole instructions; {@link IllegalArgumentException} otherwise. */
    public SeccompProgram {
        if (bpf.remaining() == 0 || bpf.remaining() % 8 != 0) {
            throw new IllegalArgumentException("a BPF program is a non-empty array of 8-byte instructions, not "
                    + bpf.remaining() + " bytes");
        }
        bpf = bpf.asReadOnlyBuffer();
    }

    /** {@code BPF_RET | BPF_K}: return the constant k. */
    private static final int RET_K = 0x06;
    /** {@code SECCOMP_RET_ACTION_FULL} and {@code SECCOMP_RET_USER_NOTIF}. */
    private static final int ACTION_FULL = 0xffff0000, USER_NOTIF = 0x7fc00000;

    /**
     * Whether the program can hand a call to a listener: whether one of its {@code ret}
     * instructions returns {@code SECCOMP_RET_USER_NOTIF}. (A {@code ret A} of a computed
     * value is not looked into; libseccomp writes none.)
     *
     * @return whether the filter needs a notification listener
     */
    public boolean notifies() {
        ByteBuffer b = bpf.duplicate().order(ByteOrder.nativeOrder());
        for (int i = b.position(); i < b.limit(); i += 8) {
            if ((b.getShort(i) & 0xffff) == RET_K && (b.getInt(i + 4) & ACTION_FULL) == USER_NOTIF) return true;
        }
        return false;
    }
}
