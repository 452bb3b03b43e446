package dev.jns.spawn;

import dev.jns.ids.IdMap;
import dev.jns.ns.NamespaceType;
import dev.jns.plan.LaunchPlan;
import dev.jns.plan.Op;
import dev.jns.plan.Side;
import dev.jns.spawn.NamespacedProcessBuilder.Clock;
import dev.jns.spawn.NamespacedProcessBuilder.IdMapWriter;
import dev.jns.spawn.NamespacedProcessBuilder.PidNamespaceEntry;
import dev.jns.spawn.NamespacedProcessBuilder.Propagation;
import dev.jns.spawn.NamespacedProcessBuilder.Setgroups;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static dev.jns.ns.NamespaceType.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Plan compilation: pure logic, no root and no kernel needed. */
class PlanCompilerTest {

    private static NamespacedProcessBuilder rootless(String... cmd) {
        return new NamespacedProcessBuilder(cmd)
                .newNamespaces(USER, PID, MNT, UTS, IPC, NET)
                .uidMap(IdMap.single(0, 1000)).gidMap(IdMap.single(0, 1000)).setgroups(Setgroups.DENY);
    }

    @Test
    void rootlessSandboxWritesSetgroupsBeforeGidMapFromTheParentThenSetsUpInside() {
        // Run by root, the map of uid 1000 is someone else's: the parent must write it.
        LaunchPlan plan = PlanCompiler.compile(rootless("true").mountProc(Path.of("/proc")).hostname("box"),
                new CallerIds(0, 0));

        assertThat(plan.ops()).extracting(Op::getClass).map(Class::getSimpleName).containsExactly(
                "ForwardSignals", "Clone", "WriteSetgroups", "WriteIdMap", "WriteIdMap",
                "SetPropagation", "Mount", "SetHostname", "LoopbackUp", "ParentDeathSignal", "Exec");
        assertThat(plan.cloneOp().namespaceFlags()).isEqualTo(
                NamespaceType.cloneFlags(List.of(USER, PID, MNT, UTS, IPC, NET)));
        assertThat(plan.opsOf(Op.WriteIdMap.class)).extracting(Op.WriteIdMap::kind)
                .containsExactly(Op.IdKind.UID, Op.IdKind.GID);
        assertThat(plan.opsOf(Op.WriteIdMap.class)).allMatch(o -> o.side() == Side.PARENT);
        assertThat(plan.opsOf(Op.SetPropagation.class).getFirst().flags())
                .isEqualTo(PlanCompiler.MS_REC | PlanCompiler.MS_PRIVATE);
        assertThat(plan.opsOf(Op.Mount.class).getFirst())
                .isEqualTo(new Op.Mount("proc", "/proc", "proc",
                        PlanCompiler.MS_NOSUID | PlanCompiler.MS_NODEV | PlanCompiler.MS_NOEXEC, ""));
    }

    @Test
    void mappingOnlyItsOwnIdsTheChildSetsUpItsUserNamespaceAlone() {
        LaunchPlan plan = PlanCompiler.compile(rootless("true"), new CallerIds(1000, 1000));
        assertThat(plan.ops()).extracting(Op::getClass).map(Class::getSimpleName).containsExactly(
                "ForwardSignals", "Clone", "WriteOwnSetgroups", "WriteOwnIdMap", "WriteOwnIdMap",
                "SetPropagation", "LoopbackUp", "ParentDeathSignal", "Exec");
        assertThat(plan.ops()).filteredOn(o -> o.side() == Side.PARENT).isEmpty();
        assertThat(plan.opsOf(Op.WriteOwnIdMap.class)).containsExactly(
                new Op.WriteOwnIdMap(Op.IdKind.UID, IdMap.single(0, 1000)), new Op.WriteOwnIdMap(Op.IdKind.GID, IdMap.single(0, 1000)));

        // A gid map needs setgroups denied to be written from inside; a range never can be.
        assertThat(PlanCompiler.compile(rootless("true").setgroups(Setgroups.ALLOW), new CallerIds(1000, 1000))
                .opsOf(Op.WriteIdMap.class)).hasSize(2);
        assertThat(PlanCompiler.compile(rootless("true").uidMap(new IdMap(0, 1000, 2)), new CallerIds(1000, 1000))
                .opsOf(Op.WriteOwnIdMap.class)).isEmpty();
        // With owner() the owner's ids are the ones that create the namespace.
        assertThat(PlanCompiler.compile(rootless("true").owner(1000, 1000), new CallerIds(0, 0))
                .opsOf(Op.WriteOwnIdMap.class)).hasSize(2);
    }

    @Test
    void mapRootToCurrentUserIsUnshareDashRForWhoeverRunsIt() {
        CallerIds me = CallerIds.current();
        NamespacedProcessBuilder b = new NamespacedProcessBuilder("true").newNamespaces(PID).mapRootToCurrentUser();
        assertThat(b.newNamespaces()).containsExactlyInAnyOrder(USER, PID);
        LaunchPlan plan = PlanCompiler.compile(b, me);
        assertThat(plan.ops()).containsSubsequence(
                new Op.WriteOwnIdMap(Op.IdKind.UID, IdMap.single(0, me.euid())),
                new Op.WriteOwnIdMap(Op.IdKind.GID, IdMap.single(0, me.egid())));
        assertThat(plan.ops()).extracting(Op::getClass).map(Class::getSimpleName).contains("WriteOwnSetgroups");
    }

    @Test
    void aNewNetworkNamespaceGetsLoopbackUpUnlessTurnedOff() {
        assertThat(new NamespacedProcessBuilder("true").newNamespaces(NET).plan().opsOf(Op.LoopbackUp.class)).hasSize(1);
        assertThat(new NamespacedProcessBuilder("true").newNamespaces(NET).loopbackUp(false).plan()
                .opsOf(Op.LoopbackUp.class)).isEmpty();
        assertThat(new NamespacedProcessBuilder("true").newNamespaces(UTS).plan().opsOf(Op.LoopbackUp.class)).isEmpty();
    }

    @Test
    void ignoredSignalsAreBlockedInTheHelperAndNotForwarded() {
        LaunchPlan plan = new NamespacedProcessBuilder("true").newNamespaces(UTS).ignoreSignals(List.of(2)).plan();
        assertThat(plan.opsOf(Op.ForwardSignals.class).getFirst().signals()).doesNotContain(2).contains(15);
        assertThat(plan.opsOf(Op.IgnoreSignals.class)).containsExactly(new Op.IgnoreSignals(List.of(2)));
        assertThat(plan.opsOf(Op.IgnoreSignals.class).getFirst().side()).isEqualTo(Side.HELPER);
    }

    @Test
    void execLooksUpABareProgramInPathAndPassesTheEnvironmentSorted() {
        NamespacedProcessBuilder b = new NamespacedProcessBuilder("ls", "-l").newNamespaces(NET);
        b.environment().clear();
        b.environment().put("PATH", "/bin:/usr/bin");
        b.environment().put("B", "2");
        b.environment().put("A", "1");
        Op.Exec exec = (Op.Exec) b.plan().ops().getLast();
        assertThat(exec).isEqualTo(new Op.Exec("ls", List.of("/bin", "/usr/bin"), List.of("ls", "-l"),
                List.of("A=1", "B=2", "PATH=/bin:/usr/bin")));

        Op.Exec absolute = (Op.Exec) new NamespacedProcessBuilder("/bin/ls").plan().ops().getLast();
        assertThat(absolute.searchPath()).isEmpty();
    }

    @Test
    void timeNamespaceIsUnsharedByTheChildSoOffsetsCanBeWrittenBeforeExec() {
        LaunchPlan plan = rootless("uptime").newNamespaces(TIME)
                .timeOffset(Clock.BOOTTIME, Duration.ofDays(1)).persist(TIME, Path.of("/run/t")).plan();
        assertThat(plan.cloneOp().namespaceFlags() & TIME.cloneFlag()).isZero();
        assertThat(plan.opsOf(Op.Unshare.class)).containsExactly(new Op.Unshare(TIME.cloneFlag()));
        assertThat(plan.opsOf(Op.SetTimeOffsets.class))
                .containsExactly(new Op.SetTimeOffsets(Duration.ZERO, Duration.ofDays(1)));
        assertThat(plan.opsOf(Op.PersistNamespace.class))
                .containsExactly(new Op.PersistNamespace("time_for_children", "/run/t"));
    }

    @Test
    void pidNamespaceForChildrenOnlyIsUnsharedInsteadOfCloned() {
        LaunchPlan plan = new NamespacedProcessBuilder("sh").newNamespaces(PID)
                .pidNamespaceEntry(PidNamespaceEntry.CHILDREN_ENTER).persist(PID, Path.of("/run/p")).plan();
        assertThat(plan.cloneOp().namespaceFlags()).isZero();
        assertThat(plan.opsOf(Op.Unshare.class)).containsExactly(new Op.Unshare(PID.cloneFlag()));
        assertThat(plan.opsOf(Op.PersistNamespace.class))
                .containsExactly(new Op.PersistNamespace("pid_for_children", "/run/p"));
    }

    @Test
    void credentialsComeLastAndTheDeathSignalAfterThem() {
        LaunchPlan plan = rootless("id").uid(1000).gid(100).groups(List.of()).keepCapabilities(true)
                .noNewPrivileges(true).parentDeathSignal(Signals.SIGTERM).plan();
        List<String> tail = plan.ops().subList(plan.ops().size() - 8, plan.ops().size()).stream()
                .map(o -> o.getClass().getSimpleName()).toList();
        assertThat(tail).containsExactly("SetGroups", "SetGid", "KeepCapsAcrossSetuid", "SetUid",
                "RaiseAmbientCaps", "NoNewPrivileges", "ParentDeathSignal", "Exec");
        assertThat(plan.opsOf(Op.ParentDeathSignal.class)).containsExactly(new Op.ParentDeathSignal(Signals.SIGTERM));
    }

    @Test
    void shadowUtilsMapsRunNewuidmapAndNewgidmap() {
        LaunchPlan plan = rootless("true").idMapWriter(IdMapWriter.SHADOW_UTILS)
                .uidMap(new IdMap(0, 100000, 65536)).plan();
        assertThat(plan.opsOf(Op.RunIdMapProgram.class)).extracting(Op::name).containsExactly("newuidmap", "newgidmap");
        assertThat(plan.opsOf(Op.WriteIdMap.class)).isEmpty();
    }

    @Test
    void propagationAndRootChangeOrder() {
        LaunchPlan plan = new NamespacedProcessBuilder("true").newNamespaces(MNT).propagation(Propagation.SLAVE)
                .bindMount(Path.of("/usr"), Path.of("/srv/root/usr"), true).root(Path.of("/srv/root"))
                .mountProc(Path.of("/proc")).directory(Path.of("/tmp")).plan();
        assertThat(plan.ops()).extracting(Op::getClass).map(Class::getSimpleName).containsSubsequence(
                "SetPropagation", "BindMount", "ChangeRoot", "Mount", "ChangeDirectory");
        assertThat(plan.opsOf(Op.SetPropagation.class).getFirst().flags())
                .isEqualTo(PlanCompiler.MS_REC | PlanCompiler.MS_SLAVE);
        assertThat(new NamespacedProcessBuilder("true").newNamespaces(MNT).propagation(Propagation.UNCHANGED)
                .plan().opsOf(Op.SetPropagation.class)).isEmpty();
    }

    @Test
    void binfmtMiscIsMountedAfterProcAndFixedFormatsAreRegisteredBeforeARootChange() {
        String plain = ":a:E::a::/bin/cat:", fixed = ":b:E::b::/bin/cat:F";
        LaunchPlan plan = PlanCompiler.compile(rootless("true").mountProc(Path.of("/proc"))
                .mountBinfmtMisc(Path.of("/proc/sys/fs/binfmt_misc")).registerBinaryFormat(plain)
                .registerBinaryFormat(fixed), new CallerIds(1000, 1000));
        assertThat(plan.ops()).extracting(Op::getClass).map(Class::getSimpleName).containsSubsequence(
                "SetPropagation", "Mount", "Mount", "RegisterBinaryFormat", "RegisterBinaryFormat", "ParentDeathSignal");
        assertThat(plan.opsOf(Op.Mount.class)).extracting(Op.Mount::fstype).containsExactly("proc", "binfmt_misc");
        assertThat(plan.opsOf(Op.RegisterBinaryFormat.class)).extracting(Op.RegisterBinaryFormat::definition)
                .containsExactly(plain, fixed);

        LaunchPlan rooted = PlanCompiler.compile(rootless("true").root(Path.of("/srv/root")).mountProc(Path.of("/proc"))
                .mountBinfmtMisc(Path.of("/proc/sys/fs/binfmt_misc")).registerBinaryFormat(plain)
                .registerBinaryFormat(fixed), new CallerIds(1000, 1000));
        assertThat(rooted.ops()).extracting(o -> o instanceof Op.Mount m ? "mount " + m.fstype() + " " + m.target()
                : o instanceof Op.RegisterBinaryFormat r ? "register " + r.definition() : o.getClass().getSimpleName())
                .containsSubsequence("mount binfmt_misc /proc/sys/fs/binfmt_misc", "register " + fixed, "ChangeRoot",
                        "mount proc /proc", "mount binfmt_misc /proc/sys/fs/binfmt_misc", "register " + plain);
        assertThat(rooted.opsOf(Op.RegisterBinaryFormat.class)).hasSize(2);
    }

    @Test
    void binfmtMiscNeedsItsOwnUserAndMountNamespace() {
        assertThatThrownBy(() -> new NamespacedProcessBuilder("true").newNamespaces(MNT)
                .mountBinfmtMisc(Path.of("/b")).plan()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("needs a new user namespace");
        assertThatThrownBy(() -> rootless("true").registerBinaryFormat(":a:E::a::/bin/cat:").plan())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("needs mountBinfmtMisc");
    }

    @Test
    void namespaceHandlesMakeTheParentWaitForTheCallerBeforeExec() {
        LaunchPlan plan = new NamespacedProcessBuilder("true").newNamespaces(NET).openNamespaceHandles(true).plan();
        assertThat(plan.ops().get(plan.ops().size() - 3)).isEqualTo(new Op.AwaitCaller());
    }

    @Test
    void aBeforeExecStepWaitsOnceAfterTheChildIsSetUpAndBeforeTheDeathSignal() {
        LaunchPlan plan = new NamespacedProcessBuilder("true").newNamespaces(NET, UTS).hostname("h")
                .beforeExec((pid, ns) -> null).beforeExec((pid, ns) -> null).plan();
        assertThat(plan.ops()).extracting(Op::getClass).map(Class::getSimpleName).containsExactly(
                "ForwardSignals", "Clone", "SetHostname", "LoopbackUp", "AwaitCaller", "ParentDeathSignal", "Exec");
        assertThat(new NamespacedProcessBuilder("true").newNamespaces(NET).plan().opsOf(Op.AwaitCaller.class)).isEmpty();
    }

    @Test
    void settingsThatWouldChangeTheCallersOwnNamespacesAreRefused() {
        assertThatThrownBy(() -> new NamespacedProcessBuilder("true").mountProc(Path.of("/proc")).plan())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("mount namespace");
        assertThatThrownBy(() -> new NamespacedProcessBuilder("true").hostname("x").plan())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("UTS");
        assertThatThrownBy(() -> new NamespacedProcessBuilder("true").newNamespaces(NET)
                .timeOffset(Clock.MONOTONIC, Duration.ofSeconds(1)).plan())
                .hasMessageContaining("time namespace");
        assertThatThrownBy(() -> new NamespacedProcessBuilder("true").uidMap(IdMap.single(0, 0)).plan())
                .hasMessageContaining("user namespace");
        assertThatThrownBy(() -> new NamespacedProcessBuilder("true").persist(NET, Path.of("/run/x")).plan())
                .hasMessageContaining("not a new namespace");
        assertThatThrownBy(() -> new NamespacedProcessBuilder().plan()).hasMessageContaining("no command");
    }

    @Test
    void joinsComeBeforeTheCloneInCallOrder() {
        LaunchPlan plan = new NamespacedProcessBuilder("true").joinNamespace(Path.of("/run/netns/a"), NET)
                .joinNamespace(Path.of("/proc/1/ns/uts"), UTS).hostname("h").plan();
        Op.EnterNamespaces enter = plan.opsOf(Op.EnterNamespaces.class).getFirst();
        assertThat(enter.files()).containsExactly(
                new Op.JoinNamespace("/run/netns/a", NET.cloneFlag()), new Op.JoinNamespace("/proc/1/ns/uts", UTS.cloneFlag()));
        assertThat(plan.ops().indexOf(plan.cloneOp())).isGreaterThan(plan.ops().indexOf(enter));
    }
}
