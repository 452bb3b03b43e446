package dev.jns.plan;

import dev.jns.spec.LaunchSpec;
import dev.jns.spec.Step;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.List;

/**
 * A launch plan while the compiler's stages append to it: the ops so far, and the helper's
 * descriptor slots handed out so far.
 */
final class PlanDraft {
    /** The helper's slot table size (src/main/c/helper.h, MAX_SLOTS). */
    static final int MAX_SLOTS = 64;

    final LaunchSpec spec;
    final CallerIds caller;
    private final List<PlannedOp> planned = new ArrayList<>();
    /** The slot each filesystem step's bytes were received into before the clone (by identity: steps may be equal). */
    final Map<Step, Integer> received = new IdentityHashMap<>();
    /** The op that made each id-mapped bind's tree before the clone (its slot is in {@link #received}). */
    final Map<Step, Integer> idmappedAt = new IdentityHashMap<>();
    private int slots;

    PlanDraft(LaunchSpec spec, CallerIds caller) {
        this.spec = spec;
        this.caller = caller;
    }

    /** Appends an op and returns its index. */
    int add(Side side, Op op, Step from) {
        return add(new PlannedOp(side, op, from));
    }

    int add(PlannedOp op) {
        planned.add(op);
        return planned.size() - 1;
    }

    /** A fresh slot for a descriptor the helper holds. */
    int slot() {
        if (slots == MAX_SLOTS) throw new IllegalStateException("the launch needs more than " + MAX_SLOTS + " descriptors");
        return slots++;
    }

    LaunchPlan finish() {
        return new LaunchPlan(planned, spec.program().environment());
    }
}
