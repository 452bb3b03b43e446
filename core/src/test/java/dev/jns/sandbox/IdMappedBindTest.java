package dev.jns.sandbox;

import dev.jns.ids.IdMap;
import dev.jns.plan.LaunchPlan;
import dev.jns.plan.Op;
import dev.jns.plan.PlannedOp;
import dev.jns.plan.Side;
import dev.jns.spawn.SpawnException;
import dev.jns.spec.FsStep;
import dev.jns.testing.MachineState;
import dev.jns.testing.Privilege;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Id-mapped binds ({@link FsStep.IdMapping}): the plan (the tree made and mapped by the helper
 * before the clone, attached by the child, the parent's copy closed), and on the real kernel
 * what {@code stat} shows inside, as root and in a user namespace, and what a write stores.
 */
class IdMappedBindTest {
    /** Files stored as 1000 show as root's (0), and root's (0) are left out of the map. */
    private static final FsStep.IdMapping THOUSAND_AS_ROOT =
            new FsStep.IdMapping(List.of(new IdMap(1000, 0, 1)), List.of(new IdMap(1000, 0, 1)), false);

    @TempDir
    Path dir;

    private static Sandbox usr(String script) {
        return Sandbox.command("sh", "-c", script)
                .roBind("/usr", "/usr").symlink("usr/bin", "/bin").symlink("usr/lib", "/lib").symlink("usr/lib64", "/lib64")
                .proc("/proc").dev("/dev");
    }

    @Test
    void theHelperMapsTheTreeBeforeTheCloneTheChildAttachesItAndTheParentClosesItsCopy() {
        LaunchPlan plan = Sandbox.command("true").bindIdMapped("/srv/data", "/data", THOUSAND_AS_ROOT).plan();
        List<PlannedOp> ops = plan.planned();
        int made = indexOf(ops, Op.IdmapTree.class), clone = indexOf(ops, Op.Clone.class),
                attached = indexOf(ops, Op.AttachTree.class);
        Op.IdmapTree tree = (Op.IdmapTree) ops.get(made).op();
        assertThat(tree.source()).isEqualTo("/srv/data");
        assertThat(tree.recursive()).isFalse();
        int userns = indexOf(ops, Op.UserNamespaceWithMaps.class);
        assertThat(ops.get(userns).op()).isEqualTo(new Op.UserNamespaceWithMaps(tree.usernsSlot(), "1000 0 1\n", "1000 0 1\n"));
        assertThat(ops.get(userns).side()).isEqualTo(Side.HELPER);
        assertThat(userns).isLessThan(made);
        // the namespace's descriptor is closed before the clone: the tree holds it
        assertThat(ops.subList(made, clone)).extracting(PlannedOp::side, PlannedOp::op)
                .contains(org.assertj.core.groups.Tuple.tuple(Side.HELPER, new Op.Close(tree.usernsSlot())));
        assertThat(ops.get(made).side()).isEqualTo(Side.HELPER);
        assertThat(made).isLessThan(clone);
        int closed = indexOf(ops.subList(clone, ops.size()), Op.Close.class) + clone;
        assertThat(ops.get(closed)).extracting(PlannedOp::side, PlannedOp::op, PlannedOp::onlyIf)
                .containsExactly(Side.PARENT, new Op.Close(tree.slot()), null);
        Op.AttachTree attach = (Op.AttachTree) ops.get(attached).op();
        assertThat(ops.get(attached).side()).isEqualTo(Side.CHILD);
        assertThat(attach.slot()).isEqualTo(tree.slot());
        assertThat(attach.target()).isEqualTo("/data");
        assertThat(attach.make()).as("a target in the built root is made like the source").isTrue();
        // in the built root: resolved in its slot, never by a path from outside
        int root = plan.opsOf(Op.Open.class).stream().filter(o -> o.path().equals("/newroot")).findFirst().orElseThrow().slot();
        assertThat(attach.root()).isEqualTo(root);
        assertThat(plan.opsOf(Op.BindAt.class)).as("no plain bind of the source as well").isEmpty();
    }

    @Test
    void anOptionalIdMappedBindWhoseSourceIsMissingIsSkippedAndRidmapMapsEveryMount() {
        FsStep.IdMapping recursive = new FsStep.IdMapping(THOUSAND_AS_ROOT.uids(), THOUSAND_AS_ROOT.gids(), true);
        var spec = new dev.jns.spawn.NamespacedProcessBuilder("true").newNamespaces(dev.jns.ns.NamespaceType.MNT).spec();
        var fs = new dev.jns.spec.Filesystem(spec.filesystem().propagation(), List.of(
                new FsStep.Bind(Path.of("/nowhere"), Path.of("/mnt"), 0, true, java.util.Optional.of(recursive))));
        LaunchPlan plan = dev.jns.plan.PlanCompiler.compile(withFilesystem(spec, fs));
        List<PlannedOp> ops = plan.planned();
        int made = indexOf(ops, Op.IdmapTree.class), attached = indexOf(ops, Op.AttachTree.class);
        assertThat(ops.get(made).tolerated()).isEqualTo(dev.jns.os.Errno.ENOENT);
        assertThat(((Op.IdmapTree) ops.get(made).op()).recursive()).isTrue();
        assertThat(ops.get(attached).onlyIf()).isEqualTo(new PlannedOp.Condition(made, true));
        int clone = indexOf(ops, Op.Clone.class);
        assertThat(ops.get(indexOf(ops.subList(clone, ops.size()), Op.Close.class) + clone).onlyIf()).as("no tree, nothing to close")
                .isEqualTo(new PlannedOp.Condition(made, true));
        Op.AttachTree attach = (Op.AttachTree) ops.get(attached).op();
        assertThat(attach.root()).isEqualTo(Op.NO_ROOT);
        assertThat(attach.make()).as("outside a built root a target is never made: it would be made in the caller's tree").isFalse();
    }

    @Test
    void bindsWithTheSameMapsShareOneUserNamespace() {
        FsStep.IdMapping other = new FsStep.IdMapping(List.of(new IdMap(0, 100000, 65536)), List.of(new IdMap(0, 100000, 65536)), true);
        LaunchPlan plan = Sandbox.command("true").bindIdMapped("/srv/a", "/a", THOUSAND_AS_ROOT)
                .bindIdMapped("/srv/b", "/b", other).bindIdMapped("/srv/c", "/c", THOUSAND_AS_ROOT).plan();
        List<Op.UserNamespaceWithMaps> namespaces = plan.opsOf(Op.UserNamespaceWithMaps.class);
        assertThat(namespaces).extracting(Op.UserNamespaceWithMaps::uidMap).containsExactly("1000 0 1\n", "0 100000 65536\n");
        assertThat(plan.opsOf(Op.IdmapTree.class)).extracting(Op.IdmapTree::source, Op.IdmapTree::usernsSlot).containsExactly(
                org.assertj.core.groups.Tuple.tuple("/srv/a", namespaces.get(0).slot()),
                org.assertj.core.groups.Tuple.tuple("/srv/b", namespaces.get(1).slot()),
                org.assertj.core.groups.Tuple.tuple("/srv/c", namespaces.get(0).slot()));
    }

    @Test
    void anIdMappingNeedsBothMaps() {
        assertThatThrownBy(() -> new FsStep.IdMapping(List.of(), List.of(new IdMap(0, 0, 1)), false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("uid and gid maps");
    }

    @Test
    void asRootAFileStoredAs1000ShowsAsRootAndAWriteIsStoredAs1000() throws Exception {
        Privilege.requireRoot("id-map a mount");
        Path data = dev.jns.testing.IdMappedData.create(dir);
        MachineState before = MachineState.capture();
        Process p = usr("stat -c %u:%g /data/thousands /data/roots; touch /data/new && id -u")
                .unshare(dev.jns.ns.NamespaceType.PID).bindIdMapped(data.toString(), "/data", THOUSAND_AS_ROOT)
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as(out).isZero();
        // root's own files are not in the map: the overflow id
        assertThat(out).isEqualTo("0:0\n65534:65534\n0\n");
        assertThat(Files.getAttribute(data.resolve("new"), "unix:uid")).isEqualTo(1000);
        assertThat(Files.getAttribute(data.resolve("new"), "unix:gid")).isEqualTo(1000);
        assertThat(Files.getAttribute(data.resolve("thousands"), "unix:uid")).as("the file itself unchanged").isEqualTo(1000);
        MachineState.assertNothingLeakedSince(before);
    }

    @Test
    void inAUserNamespaceTheMountsMapComesFirstThenTheNamespaces() throws Exception {
        Privilege.requireRoot("id-map a mount");
        Path data = dev.jns.testing.IdMappedData.create(dir);
        MachineState before = MachineState.capture();
        // the sandbox's user namespace maps its uid 5 to root (0): stored 1000 -> 0 (mount) -> 5 (namespace)
        Process p = usr("cat /proc/self/uid_map; stat -c %u:%g /data/thousands /data/roots")
                .unshareAll().uid(5).gid(5).bindIdMapped(data.toString(), "/data", THOUSAND_AS_ROOT)
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as(out).isZero();
        assertThat(out.trim().split("\\s+")).containsExactly("5", "0", "1", "5:5", "65534:65534");
        MachineState.assertNothingLeakedSince(before);
    }

    @Test
    void anOptionalIdMappedBindOfAMissingSourceIsSkippedOnTheKernelToo() throws Exception {
        Privilege.requireRoot("id-map a mount");
        MachineState before = MachineState.capture();
        Sandbox s = usr("test -e /data && echo there || echo skipped");
        // the Sandbox has no -try form for it: the step is added to its spec directly
        var spec = s.spec();
        List<FsStep> steps = new java.util.ArrayList<>(spec.filesystem().steps());
        steps.add(new FsStep.Bind(dir.resolve("missing"), Path.of("/data"), 0, true, java.util.Optional.of(THOUSAND_AS_ROOT)));
        var launched = withFilesystem(spec, new dev.jns.spec.Filesystem(spec.filesystem().propagation(), steps));
        ProcessBuilder stdio = new ProcessBuilder().redirectErrorStream(true);
        Process p = dev.jns.spawn.Spawner.start(launched, stdio, List.of(), false);
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as(out).isZero();
        assertThat(out).isEqualTo("skipped\n");
        MachineState.assertNothingLeakedSince(before);
    }

    @Test
    void outsideABuiltRootTheTreeGoesOnTheExistingTargetAndTheSupervisingHelperDoesNotKeepItBusy() throws Exception {
        Privilege.requireRoot("id-map a mount");
        Path data = dev.jns.testing.IdMappedData.create(dir), target = Files.createDirectory(dir.resolve("target"));
        MachineState before = MachineState.capture();
        // a plain umount fails with EBUSY while any descriptor holds the mount: the helper's copy is closed
        var spec = new dev.jns.spawn.NamespacedProcessBuilder("sh", "-c",
                "stat -c %u " + target + "/thousands && umount " + target + " && echo unmounted")
                .newNamespaces(dev.jns.ns.NamespaceType.MNT).spec();
        var fs = new dev.jns.spec.Filesystem(spec.filesystem().propagation(),
                List.of(new FsStep.Bind(data, target, 0, false, java.util.Optional.of(THOUSAND_AS_ROOT))));
        Process p = dev.jns.spawn.Spawner.start(withFilesystem(spec, fs), new ProcessBuilder().redirectErrorStream(true), List.of(), false);
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as(out).isZero();
        assertThat(out).isEqualTo("0\nunmounted\n");
        assertThat(Files.readString(Path.of("/proc/self/mountinfo"))).as("nothing in the caller's namespace").doesNotContain(target.toString());
        MachineState.assertNothingLeakedSince(before);
    }

    @Test
    void aFilesystemThatCannotBeIdMappedFailsTheStartWithTheKernelsErrno() throws Exception {
        Privilege.requireRoot("id-map a mount");
        MachineState before = MachineState.capture();
        // proc cannot be id-mapped: mount_setattr says EINVAL
        assertThatThrownBy(() -> usr("true").bindIdMapped("/proc/self", "/data", THOUSAND_AS_ROOT).start())
                .isInstanceOf(SpawnException.class).hasMessageContaining("mount_setattr").hasMessageContaining("EINVAL")
                .hasMessageContaining("cannot be id-mapped");
        MachineState.assertNothingLeakedSince(before);
    }

    private static int indexOf(List<PlannedOp> ops, Class<? extends Op> type) {
        for (int i = 0; i < ops.size(); i++) if (type.isInstance(ops.get(i).op())) return i;
        throw new AssertionError("no " + type.getSimpleName() + " in " + ops);
    }

    private static dev.jns.spec.LaunchSpec withFilesystem(dev.jns.spec.LaunchSpec s, dev.jns.spec.Filesystem fs) {
        return new dev.jns.spec.LaunchSpec(s.program(), s.create(), s.join(), s.user(), fs, s.setup(), s.credentials(),
                s.capabilities(), s.supervision(), s.descriptors(), s.seccomp(), s.waitForCaller(), s.limits());
    }
}
