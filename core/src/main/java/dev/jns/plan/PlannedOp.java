package dev.jns.plan;

import dev.jns.spec.Step;

/**
 * An op in its place in a {@link LaunchPlan}: the side that runs it, the step of the spec it
 * came from (so a failure names what the user asked for, not only the system call), and when
 * it runs and what failure it may meet without failing the launch.
 *
 * @param tolerated 0: any failure fails the launch; {@link #ANY_ERROR}: none does; otherwise
 *                  the one errno that is no failure (EINVAL for "not a mount point", say)
 * @param onlyIf    null, or the condition under which the op runs at all
 */
public record PlannedOp(Side side, Op op, Step from, int tolerated, Condition onlyIf) {
    public static final int ANY_ERROR = -1;

    /**
     * Runs the op only if an earlier op of the same process succeeded ({@code succeeded}) or
     * failed (tolerated). nsenter's two passes need it: what the first pass could not join,
     * the second joins.
     */
    public record Condition(int opIndex, boolean succeeded) {}

    public PlannedOp(Side side, Op op, Step from) {
        this(side, op, from, 0, null);
    }
}
