package dev.jns.plan;

import java.util.List;

/**
 * Everything the native helper does to start one process: an ordered list of low-level ops,
 * each placed on a side, and the program's environment. The plan is the whole decision: the
 * helper executes it op by op and reports the first failure by its index here. Plans are plain
 * values, so tests assert on them without root or a kernel.
 *
 * @param planned     the ops in execution order, each placed on its side; exactly one {@link Op.Clone}, helper ops
 *                    before it, parent and child ops after it, ending in the child's {@link Op.Exec}
 * @param environment the program's environment, {@code NAME=value} in the order given
 */
public record LaunchPlan(List<PlannedOp> planned, List<String> environment) {
    public LaunchPlan {
        planned = List.copyOf(planned);
        environment = List.copyOf(environment);
        int clones = 0;
        for (PlannedOp s : planned) if (s.op() instanceof Op.Clone) clones++;
        if (clones != 1) throw new IllegalArgumentException("a launch plan needs exactly one Clone op, has " + clones);
        PlannedOp last = planned.getLast();
        if (!(last.op() instanceof Op.Exec) || last.side() != Side.CHILD) {
            throw new IllegalArgumentException("a launch plan must end with the child's Exec");
        }
        boolean cloned = false;
        for (int i = 0; i < planned.size(); i++) {
            PlannedOp s = planned.get(i);
            if (s.op() instanceof Op.Clone) {
                if (s.side() != Side.HELPER) throw new IllegalArgumentException("Clone runs on the helper side");
                cloned = true;
            } else if (cloned == (s.side() == Side.HELPER)) {
                throw new IllegalArgumentException(s.op() + " runs on the " + s.side() + " side and cannot come "
                        + (cloned ? "after" : "before") + " Clone");
            }
            // A condition reads what this process remembers: its own earlier ops, or the helper's before the clone.
            PlannedOp.Condition c = s.onlyIf();
            if (c != null && (c.opIndex() >= i || (planned.get(c.opIndex()).side() != s.side()
                    && planned.get(c.opIndex()).side() != Side.HELPER))) {
                throw new IllegalArgumentException("op " + i + " depends on op " + c.opIndex()
                        + ", which its process does not see");
            }
        }
    }

    /** The ops alone, in order. */
    public List<Op> ops() {
        return planned.stream().map(PlannedOp::op).toList();
    }

    /** The ops of one type, in order. */
    public <T extends Op> List<T> opsOf(Class<T> type) {
        return planned.stream().map(PlannedOp::op).filter(type::isInstance).map(type::cast).toList();
    }

    /** The single Clone op. */
    public Op.Clone cloneOp() {
        return opsOf(Op.Clone.class).getFirst();
    }
}
