package dev.jns.plan;

import dev.jns.ns.NamespaceType;
import dev.jns.spec.Joins;
import dev.jns.spec.Step;

import java.util.ArrayList;
import java.util.List;

import static dev.jns.ns.NamespaceType.PID;
import static dev.jns.ns.NamespaceType.USER;

/**
 * Joins existing namespaces the way util-linux nsenter does, as ops: every file (and the
 * target's pidfd) opened first, so each path names what the caller sees; then two passes. The
 * first joins all but the user namespace and lets failures pass; the second joins what the
 * first could not, the user namespace included, and fails at the first error. So a privileged
 * caller enters the user namespace last (dropping privilege) and an unprivileged one first
 * (gaining the privilege the others need).
 */
final class JoinPasses {
    private record Target(int slot, int types, Step from) {}

    private JoinPasses() {}

    /**
     * @param pidfdSetns     whether the kernel joins a process's namespaces through its pidfd (5.8+);
     *                       otherwise through its {@code /proc/PID/ns} files
     * @param pidForChildren leave a joined pid namespace out: the child joins it for its children
     */
    static void append(PlanDraft d, Joins j, boolean pidfdSetns, boolean pidForChildren) {
        List<Target> targets = new ArrayList<>();
        if (j.process().isPresent()) {
            Joins.JoinedProcess p = j.process().get();
            int types = 0;
            for (NamespaceType t : NamespaceType.JOIN_ORDER) {
                if (!p.types().contains(t) || (pidForChildren && t == PID)) continue;
                if (pidfdSetns) {
                    types |= t.cloneFlag();
                } else {
                    int slot = d.slot();
                    d.add(Side.HELPER, Op.Open.path(slot, "/proc/" + p.pid() + "/ns/" + t.procName(), Op.Open.O_RDONLY), p);
                    targets.add(new Target(slot, t.cloneFlag(), p));
                }
            }
            if (types != 0) {
                int slot = d.slot();
                d.add(Side.HELPER, new Op.OpenPidfd(slot, p.pid(), p.pidfdInode()), p);
                targets.addFirst(new Target(slot, types, p));
            }
        }
        for (Joins.JoinedFile f : j.files()) {
            if (pidForChildren && f.type() == PID) continue;
            int slot = d.slot();
            d.add(Side.HELPER, Op.Open.path(slot, f.file().toString(), Op.Open.O_RDONLY), f);
            targets.add(new Target(slot, f.type().cloneFlag(), f));
        }
        // Descriptors the caller handed over (received before the joins, in BeforeClone).
        for (Joins.JoinedDescriptor f : j.descriptors()) {
            if (pidForChildren && f.type() == PID) continue;
            targets.add(new Target(d.received.get(f), f.type().cloneFlag(), f));
        }

        int[] firstPass = new int[targets.size()];
        for (int i = 0; i < targets.size(); i++) {
            Target t = targets.get(i);
            int withoutUser = t.types() & ~USER.cloneFlag();
            firstPass[i] = withoutUser == 0 ? -1
                    : d.add(new PlannedOp(Side.HELPER, new Op.Setns(t.slot(), withoutUser), t.from(), PlannedOp.ANY_ERROR, null));
        }
        for (int i = 0; i < targets.size(); i++) {
            Target t = targets.get(i);
            boolean user = (t.types() & USER.cloneFlag()) != 0;
            if (firstPass[i] < 0) {
                d.add(Side.HELPER, new Op.Setns(t.slot(), t.types()), t.from());
                continue;
            }
            // What the first pass joined is not joined again: after it, only the user namespace is left.
            if (user) {
                d.add(new PlannedOp(Side.HELPER, new Op.Setns(t.slot(), USER.cloneFlag()), t.from(), 0,
                        new PlannedOp.Condition(firstPass[i], true)));
            }
            d.add(new PlannedOp(Side.HELPER, new Op.Setns(t.slot(), t.types()), t.from(), 0,
                    new PlannedOp.Condition(firstPass[i], false)));
        }
    }
}
