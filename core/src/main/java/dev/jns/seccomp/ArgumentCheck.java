package dev.jns.seccomp;

/**
 * A condition on one system call argument, all 64 bits compared unsigned (libseccomp's
 * {@code struct scmp_arg_cmp}).
 *
 * @param index the argument, 0 to 5
 * @param mask  for {@link Comparison#MASKED_EQ}: the bits compared ({@code (arg & mask) == value})
 * @param op the comparison
 * @param value the value compared with
 */
public record ArgumentCheck(int index, Comparison op, long value, long mask) {
    /** libseccomp's {@code enum scmp_compare}, numbered as there. */
    public enum Comparison {
        NE(1), LT(2), LE(3), EQ(4), GE(5), GT(6), MASKED_EQ(7);

        private final int code;

        Comparison(int code) { this.code = code; }

        /** libseccomp's {@code scmp_compare} value. */
        public int code() { return code; }
    }

    /** Checks the index; {@link IllegalArgumentException} unless 0 to 5. */
    public ArgumentCheck {
        if (index < 0 || index > 5) throw new IllegalArgumentException("a system call has arguments 0 to 5, not " + index);
    }

    /**
     * {@code arg == value}.
     *
     * @param index the link's index
     * @param value the value compared with
     */
    public static ArgumentCheck equal(int index, long value) {
        return new ArgumentCheck(index, Comparison.EQ, value, 0);
    }

    /**
     * {@code (arg & mask) == value}.
     *
     * @param index the link's index
     * @param mask the bits compared
     * @param value the value compared with
     * @return the check
     */
    public static ArgumentCheck maskedEqual(int index, long mask, long value) {
        return new ArgumentCheck(index, Comparison.MASKED_EQ, value, mask);
    }
}
