package dev.jns.spec;

import java.nio.ByteBuffer;

/**
 * A compiled seccomp filter: classic BPF, an array of 8-byte {@code struct sock_filter} in
 * the machine's byte order. Installed in the order given: after everything else, just before
 * exec, under no_new_privs; without it before the credential change (the kernel wants
 * CAP_SYS_ADMIN then).
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
}
