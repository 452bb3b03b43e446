package dev.jns.ids;

/**
 * One line of a user namespace's {@code uid_map} or {@code gid_map}: ids
 * {@code inside .. inside+count-1} in the namespace are ids {@code outside ..} in its parent.
 * (The kernel's file order is inside, outside, count.)
 *
 * @param inside the first id inside
 * @param outside the first id outside, in the parent
 * @param count how many ids
 */
public record IdMap(long inside, long outside, long count) {
    /** Checks the line: ids are 32-bit, the count positive; {@link IllegalArgumentException} otherwise. */
    public IdMap {
        if (inside < 0 || outside < 0 || count <= 0 || inside + count - 1 > 0xFFFFFFFFL
                || outside + count - 1 > 0xFFFFFFFFL) {
            throw new IllegalArgumentException("invalid id map " + inside + " " + outside + " " + count);
        }
    }

    /**
     * The single-id map of {@code inside} to {@code outside}.
     *
     * @param inside the first id inside
     * @param outside the first id outside, in the parent
     * @return the map
     */
    public static IdMap single(long inside, long outside) {
        return new IdMap(inside, outside, 1);
    }

    /**
     * The line as the kernel takes it in {@code /proc/PID/uid_map}.
     *
     * @return {@code inside outside count}
     */
    public String toProcLine() {
        return inside + " " + outside + " " + count;
    }
}
