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
        /** Not equal. */
        NE(1),
        /** Less than. */
        LT(2),
        /** Less than or equal. */
        LE(3),
        /** Equal. */
        EQ(4),
        /** Greater than or equal. */
        GE(5),
        /** Greater than. */
        GT(6),
        /** Equal after masking: {@code (arg & mask) == value}. */
        MASKED_EQ(7);

        private final int code;

        Comparison(int code) { this.code = code; }

        /**
         * libseccomp's {@code scmp_compare} value.
         *
         * @return the value
         */
        public int code() { return code; }
    }

    /** Checks the index; {@link IllegalArgumentException} unless 0 to 5. */
    public ArgumentCheck {
        if (index < 0 || index > 5) throw new IllegalArgumentException("a system call has arguments 0 to 5, not " + index);
    }

    /**
     * {@code arg == value}.
     *
     * @param index the argument, 0 to 5
     * @param value the value compared with
     * @return the check
     */
    public static ArgumentCheck equal(int index, long value) {
        return new ArgumentCheck(index, Comparison.EQ, value, 0);
    }

    /**
     * {@code (arg & mask) == value}.
     *
     * @param index the argument, 0 to 5
     * @param mask the bits compared
     * @param value the value compared with
     * @return the check
     */
    public static ArgumentCheck maskedEqual(int index, long mask, long value) {
        return new ArgumentCheck(index, Comparison.MASKED_EQ, value, mask);
    }
}
