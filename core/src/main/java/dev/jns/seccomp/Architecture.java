package dev.jns.seccomp;

/**
 * The architectures a filter can speak for ({@code AUDIT_ARCH_*} tokens): a program may make
 * system calls through another architecture's entry (x86 code on x86_64, say), each with its
 * own numbers, so a filter names the ones it covers; calls from the others get its
 * bad-architecture action.
 */
public enum Architecture {
    /** 64-bit x86. */
    X86_64(0xc000003e),
    /** 32-bit x86. */
    X86(0x40000003),
    /** The x32 ABI on x86_64. */
    X32(0x4000003e),
    /** 64-bit ARM. */
    AARCH64(0xc00000b7),
    /** 32-bit ARM. */
    ARM(0x40000028);

    private final int token;

    Architecture(int token) { this.token = token; }

    /**
     * The {@code AUDIT_ARCH_*} value the kernel gives a filter as {@code seccomp_data.arch}.
     *
     * @return the value
     */
    public int token() { return token; }
}
