package dev.jns.ids;

import java.util.OptionalLong;

/**
 * A block of ids someone asked to map into a user namespace: {@code count} ids from
 * {@code outside} in the parent. {@code inside} is where they start in the namespace, or
 * empty for util-linux's "auto" blocks, which start at 0 and make room for a single
 * mapping ({@code -r}, {@code --map-user}) given with them.
 *
 * @param inside the first id inside, or empty to have it chosen
 * @param outside the first id outside, in the parent
 * @param count how many ids
 */
public record IdRange(OptionalLong inside, long outside, long count) {
    /**
     * The block of a map line: the same ids inside and outside.
     *
     * @param map the map line
     * @return the block
     */
    public static IdRange of(IdMap map) {
        return new IdRange(OptionalLong.of(map.inside()), map.outside(), map.count());
    }

    /**
     * A block whose inside start is decided by {@link IdMapAssembly}.
     *
     * @param outside the first id outside, in the parent
     * @param count how many ids
     * @return the block
     */
    public static IdRange auto(long outside, long count) {
        return new IdRange(OptionalLong.empty(), outside, count);
    }

    /**
     * The same ids inside as outside.
     *
     * @param start the first id
     * @param count how many ids
     * @return the block
     */
    public static IdRange identity(long start, long count) {
        return new IdRange(OptionalLong.of(start), start, count);
    }
}
