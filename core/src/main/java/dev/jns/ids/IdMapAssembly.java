package dev.jns.ids;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * Turns requested id blocks plus an optional single mapping (the caller's own id to
 * {@code inside}, as {@code -r}, {@code -c} and {@code --map-user} ask) into the lines of a
 * {@code uid_map}/{@code gid_map}, the way util-linux's unshare does: auto blocks start at
 * inside id 0, and the single mapping goes first while each block gives up the one id
 * (inside and outside) that it would share with it, so no two lines overlap.
 */
public final class IdMapAssembly {
    private static final long NONE = 0xFFFF_FFFFL;

    private IdMapAssembly() {}

    /**
     * The map lines for the blocks and the single mapping.
     *
     * @param blocks       the requested blocks, in command-line order
     * @param callerId     the caller's id in the parent (the single mapping's outside id)
     * @param singleInside the inside id for the caller, or empty for no single mapping
     * @return the map lines, single mapping first, then each block's pieces in order
     */
    public static List<IdMap> assemble(List<IdRange> blocks, long callerId, OptionalLong singleInside) {
        long inner = singleInside.orElse(NONE);
        long outer = singleInside.isPresent() ? callerId : NONE;
        List<IdMap> out = new ArrayList<>();
        singleInside.ifPresent(in -> out.add(IdMap.single(in, callerId)));
        for (IdRange block : blocks) {
            long mOuter = block.outside();
            long mInner = block.inside().orElse(0);
            long mCount = block.count();
            // An auto block is placed after the single id instead of giving one up.
            if (block.inside().isPresent() && singleInside.isPresent()
                    && (within(outer, mOuter, mCount) || within(inner, mInner, mCount))) {
                mCount--;
            }
            long outerOffset = Math.min(outer > mOuter ? outer - mOuter : 0, mCount);
            long innerOffset = Math.min(inner > mInner ? inner - mInner : 0, mCount);

            long loCount = Math.min(innerOffset, outerOffset);
            long midOuter = skip(mOuter + loCount, outer);
            long midInner = skip(mInner + loCount, inner);
            long midCount = Math.abs(outerOffset - innerOffset);
            long hiOuter = skip(midOuter + midCount, outer);
            long hiInner = skip(midInner + midCount, inner);
            long hiCount = mCount - loCount - midCount;

            if (loCount > 0) out.add(new IdMap(mInner, mOuter, loCount));
            if (midCount > 0) out.add(new IdMap(midInner, midOuter, midCount));
            if (hiCount > 0) out.add(new IdMap(hiInner, hiOuter, hiCount));
        }
        return List.copyOf(out);
    }

    /** util-linux's overlap test includes the id just past the block; kept for identical maps. */
    private static boolean within(long id, long start, long count) {
        return id >= start && id <= start + count;
    }

    private static long skip(long id, long taken) {
        return id == taken ? id + 1 : id;
    }
}
