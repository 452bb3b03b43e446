package dev.jns.plan;

import java.util.List;

/**
 * Everything the native helper does to start one process, as an ordered list of ops.
 * The plan is the whole decision: the helper executes it op by op and reports the first
 * failure by its index here. Plans are plain values, so tests can assert on them without
 * root or a kernel.
 *
 * @param ops the ops in execution order; exactly one {@link Op.Clone}, ending in {@link Op.Exec}
 */
public record LaunchPlan(List<Op> ops) {
    public LaunchPlan {
        ops = List.copyOf(ops);
        long clones = ops.stream().filter(o -> o instanceof Op.Clone).count();
        if (clones != 1) throw new IllegalArgumentException("a launch plan needs exactly one Clone op, has " + clones);
        if (ops.isEmpty() || !(ops.getLast() instanceof Op.Exec)) {
            throw new IllegalArgumentException("a launch plan must end with Exec");
        }
        boolean cloned = false;
        for (Op op : ops) {
            if (op instanceof Op.Clone) cloned = true;
            else if (cloned == (op.side() == Side.HELPER)) {
                throw new IllegalArgumentException(op + " runs on the " + op.side() + " side and cannot come "
                        + (cloned ? "after" : "before") + " Clone");
            }
        }
    }

    /** The ops of one type, in order. */
    public <T extends Op> List<T> opsOf(Class<T> type) {
        return ops.stream().filter(type::isInstance).map(type::cast).toList();
    }

    /** The single Clone op. */
    public Op.Clone cloneOp() {
        return opsOf(Op.Clone.class).getFirst();
    }
}
