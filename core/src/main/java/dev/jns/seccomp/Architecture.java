package dev.jns.seccomp;

/**
 * The architectures a filter can speak for ({@code AUDIT_ARCH_*} tokens): a program may make
 * system calls through another architecture's entry (x86 code on x86_64, say), each with its
 * own numbers, so a filter names the ones it covers; calls from the others get its
 * bad-architecture action.
 */
public enum Architecture {
    X86_64(0xc000003e), X86(0x40000003), X32(0x4000003e), AARCH64(0xc00000b7), ARM(0x40000028);

    private final int token;

    Architecture(int token) { this.token = token; }

    /** The {@code AUDIT_ARCH_*} value the kernel gives a filter as {@code seccomp_data.arch}. */
    public int token() { return token; }
}
