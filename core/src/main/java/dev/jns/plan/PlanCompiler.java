package dev.jns.plan;

import dev.jns.ns.NamespaceType;
import dev.jns.spec.LaunchSpec;

/**
 * Turns a {@link LaunchSpec} into a {@link LaunchPlan}, stage by stage, each appending the ops
 * of one part of the launch in the order the kernel needs them: the helper alone (signals,
 * descriptors, joins, the clone), the new user namespace's maps, the child inside (pid and
 * time namespaces, the filesystem, per-type settings, credentials), and the hand-over (what
 * the parent does from outside, supervision, exec). All ordering rules live in the stages;
 * the helper keeps none.
 */
public final class PlanCompiler {
    private PlanCompiler() {}

    /**
     * The plan for {@code spec}, run by this JVM's user.
     *
     * @throws IllegalStateException if the spec contradicts itself (mounts without a mount
     *         namespace, a host name without a UTS namespace, ...)
     */
    public static LaunchPlan compile(LaunchSpec spec) {
        return compile(spec, CallerIds.current(), Kernel.running());
    }

    /**
     * The file under {@code /proc/CHILD/ns} that holds the child's new namespace of this type
     * while it waits before exec (where the caller opens handles on it).
     */
    public static String namespaceFileBeforeExec(LaunchSpec spec, NamespaceType type) {
        return HandoverStage.nsFileName(type, spec.create().pidForChildren());
    }

    public static LaunchPlan compile(LaunchSpec spec, CallerIds caller, Kernel kernel) {
        SpecCheck.check(spec);
        PlanDraft draft = new PlanDraft(spec, caller);
        BeforeClone.Pins pins = BeforeClone.append(draft, kernel);
        UserNamespaceStage.append(draft);
        InsideStage.appendNamespaces(draft, pins);
        FilesystemStage.append(draft);
        InsideStage.appendProcess(draft, pins);
        HandoverStage.append(draft, pins);
        return draft.finish();
    }
}
