package dev.jns.ids;

import java.util.OptionalLong;

/**
 * A block of ids someone asked to map into a user namespace: {@code count} ids from
 * {@code outside} in the parent. {@code inside} is where they start in the namespace, or
 * empty for util-linux's "auto" blocks, which start at 0 and make room for a single
 * mapping ({@code -r}, {@code --map-user}) given with them.
 */
public record IdRange(OptionalLong inside, long outside, long count) {
    public static IdRange of(IdMap map) {
        return new IdRange(OptionalLong.of(map.inside()), map.outside(), map.count());
    }

    /** A block whose inside start is decided by {@link IdMapAssembly}. */
    public static IdRange auto(long outside, long count) {
        return new IdRange(OptionalLong.empty(), outside, count);
    }

    /** The same ids inside as outside. */
    public static IdRange identity(long start, long count) {
        return new IdRange(OptionalLong.of(start), start, count);
    }
}
