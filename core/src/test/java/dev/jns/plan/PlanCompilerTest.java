package dev.jns.plan;

import dev.jns.caps.Capability;
import dev.jns.ids.IdMap;
import dev.jns.mount.Propagation;
import dev.jns.os.Signals;
import dev.jns.spawn.NamespacedProcessBuilder;
import dev.jns.spec.Capabilities;
import dev.jns.spec.Clock;
import dev.jns.spec.Credentials;
import dev.jns.spec.Filesystem;
import dev.jns.spec.FsStep;
import dev.jns.spec.IdMapWriter;
import dev.jns.spec.Joins;
import dev.jns.spec.LaunchSpec;
import dev.jns.spec.NewNamespaces;
import dev.jns.spec.PerTypeSetup;
import dev.jns.spec.PidNamespaceEntry;
import dev.jns.spec.Program;
import dev.jns.spec.Setgroups;
import dev.jns.spec.Supervision;
import dev.jns.spec.UserNamespace;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

import static dev.jns.mount.MountFlags.*;
import static dev.jns.ns.NamespaceType.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Plan compilation: what ops a spec becomes, in what order, on which side. Pure logic: no root, no kernel. */
class PlanCompilerTest {
    private static final CallerIds ROOT = new CallerIds(0, 0), ALICE = new CallerIds(1000, 1000);
    private static final Kernel KERNEL = new Kernel(6, 18);
    private static final long PROC_FLAGS = MS_NOSUID | MS_NODEV | MS_NOEXEC;

    private static NamespacedProcessBuilder rootless(String... cmd) {
        return new NamespacedProcessBuilder(cmd)
                .newNamespaces(USER, PID, MNT, UTS, IPC, NET)
                .uidMap(IdMap.single(0, 1000)).gidMap(IdMap.single(0, 1000)).setgroups(Setgroups.DENY);
    }

    private static LaunchPlan compile(NamespacedProcessBuilder b, CallerIds caller) {
        return PlanCompiler.compile(b.spec(), caller, KERNEL);
    }

    private static List<String> names(LaunchPlan plan) {
        return plan.ops().stream().map(o -> o.getClass().getSimpleName()).toList();
    }

    @Test
    void rootlessSandboxWritesSetgroupsBeforeTheGidMapFromTheParentThenSetsUpInside() {
        // Run by root, the map of uid 1000 is someone else's: the parent must write it.
        LaunchPlan plan = compile(rootless("true").mountProc(Path.of("/proc")).hostname("box"), ROOT);

        assertThat(names(plan)).containsExactly("BecomeSubreaper", "ForwardSignals", "Clone",
                "WriteFile", "WriteFile", "WriteFile", "Mount", "Mount", "SetHostname", "LinkUp", "DeathSignal", "Exec");
        assertThat(plan.cloneOp().namespaceFlags()).isEqualTo(
                dev.jns.ns.NamespaceType.cloneFlags(List.of(USER, PID, MNT, UTS, IPC, NET)));
        assertThat(plan.planned()).filteredOn(s -> s.op() instanceof Op.WriteFile)
                .extracting(PlannedOp::side, PlannedOp::op).containsExactly(
                        org.assertj.core.groups.Tuple.tuple(Side.PARENT, new Op.WriteFile("/proc/child/setgroups", "deny")),
                        org.assertj.core.groups.Tuple.tuple(Side.PARENT, new Op.WriteFile("/proc/child/uid_map", "0 1000 1\n")),
                        org.assertj.core.groups.Tuple.tuple(Side.PARENT, new Op.WriteFile("/proc/child/gid_map", "0 1000 1\n")));
        assertThat(plan.opsOf(Op.Mount.class)).containsExactly(new Op.Mount("none", "/", null, MS_REC | MS_PRIVATE, null),
                new Op.Mount("proc", "/proc", "proc", PROC_FLAGS, null));
        // every op names what was asked for
        assertThat(plan.planned().get(plan.ops().indexOf(new Op.Mount("proc", "/proc", "proc", PROC_FLAGS, null))).from())
                .isEqualTo(new FsStep.Proc(Path.of("/proc")));
    }

    @Test
    void mappingOnlyItsOwnIdsTheChildSetsUpItsUserNamespaceAlone() {
        LaunchPlan plan = compile(rootless("true"), ALICE);
        assertThat(names(plan)).containsExactly("BecomeSubreaper", "ForwardSignals", "Clone",
                "WriteFile", "WriteFile", "WriteFile", "Mount", "LinkUp", "DeathSignal", "Exec");
        assertThat(plan.planned()).filteredOn(s -> s.side() == Side.PARENT).isEmpty();

        // A gid map needs setgroups denied to be written from inside; a range never can be.
        assertThat(compile(rootless("true").setgroups(Setgroups.ALLOW), ALICE).planned())
                .filteredOn(s -> s.side() == Side.PARENT).hasSize(3);
        assertThat(compile(rootless("true").uidMap(new IdMap(0, 1000, 2)), ALICE).planned())
                .filteredOn(s -> s.side() == Side.PARENT).hasSize(3);
        // With owner() the owner's ids are the ones that create the namespace.
        LaunchPlan owned = compile(rootless("true").owner(1000, 1000), ROOT);
        assertThat(owned.planned()).filteredOn(s -> s.side() == Side.PARENT).isEmpty();
        assertThat(names(owned)).containsSubsequence("BecomeOwner", "Clone");
    }

    @Test
    void setgroupsWithoutANewUserNamespaceIsTheProgramsOwnAsInUtilLinux() {
        LaunchPlan plan = compile(new NamespacedProcessBuilder("true").setgroups(Setgroups.ALLOW), ROOT);
        assertThat(plan.planned()).filteredOn(s -> s.op() instanceof Op.WriteFile).singleElement()
                .satisfies(s -> assertThat(s.side()).isEqualTo(Side.CHILD))
                .satisfies(s -> assertThat(s.op()).isEqualTo(new Op.WriteFile("/proc/child/setgroups", "allow")));
    }

    @Test
    void aNewNetworkNamespaceGetsLoopbackUpUnlessTurnedOff() {
        assertThat(PlanCompiler.compile(new NamespacedProcessBuilder("true").newNamespaces(NET).spec()).opsOf(Op.LinkUp.class))
                .containsExactly(new Op.LinkUp("lo"));
        assertThat(PlanCompiler.compile(new NamespacedProcessBuilder("true").newNamespaces(NET).loopbackUp(false).spec()).opsOf(Op.LinkUp.class)).isEmpty();
        assertThat(PlanCompiler.compile(new NamespacedProcessBuilder("true").newNamespaces(UTS).spec()).opsOf(Op.LinkUp.class)).isEmpty();
    }

    @Test
    void ignoredSignalsAreBlockedInTheHelperAndNotForwarded() {
        LaunchPlan plan = PlanCompiler.compile(new NamespacedProcessBuilder("true").newNamespaces(UTS).ignoreSignals(List.of(2)).spec());
        assertThat(plan.opsOf(Op.ForwardSignals.class).getFirst().signals()).doesNotContain(2).contains(15);
        assertThat(plan.opsOf(Op.BlockSignals.class)).containsExactly(new Op.BlockSignals(List.of(2)));
        assertThat(plan.planned()).filteredOn(s -> s.op() instanceof Op.BlockSignals).extracting(PlannedOp::side)
                .containsExactly(Side.HELPER);
    }

    @Test
    void execLooksUpABareProgramInPathAndPassesTheEnvironmentInItsOrder() {
        NamespacedProcessBuilder b = new NamespacedProcessBuilder("ls", "-l").newNamespaces(NET);
        b.environment().clear();
        b.environment().put("PATH", "/bin:/usr/bin");
        b.environment().put("B", "2");
        b.environment().put("A", "1");
        LaunchPlan plan = PlanCompiler.compile(b.spec());
        assertThat(plan.ops().getLast()).isEqualTo(new Op.Exec("ls", List.of("/bin", "/usr/bin"), List.of("ls", "-l")));
        assertThat(plan.environment()).containsExactly("PATH=/bin:/usr/bin", "B=2", "A=1");
        assertThat(((Op.Exec) PlanCompiler.compile(new NamespacedProcessBuilder("/bin/ls").spec()).ops().getLast()).searchPath()).isEmpty();
        assertThat(((Op.Exec) PlanCompiler.compile(new NamespacedProcessBuilder("sh").argv0("-sh").spec()).ops().getLast()).argv()).containsExactly("-sh");
    }

    @Test
    void timeNamespaceIsUnsharedByTheChildSoOffsetsCanBeWrittenBeforeExec() {
        LaunchPlan plan = PlanCompiler.compile(rootless("uptime").newNamespaces(TIME)
                .timeOffset(Clock.BOOTTIME, Duration.ofDays(1)).persist(TIME, Path.of("/run/t")).spec());
        assertThat(plan.cloneOp().namespaceFlags() & TIME.cloneFlag()).isZero();
        assertThat(plan.opsOf(Op.Unshare.class)).containsExactly(new Op.Unshare(TIME.cloneFlag()));
        assertThat(plan.opsOf(Op.WriteFile.class)).contains(
                new Op.WriteFile("/proc/child/timens_offsets", "monotonic 0 0\nboottime 86400 0\n"));
        // the file is made if missing, then the namespace is bind-mounted on it from outside
        assertThat(plan.planned()).filteredOn(s -> s.from() instanceof NewNamespaces.Persistence)
                .extracting(PlannedOp::side, PlannedOp::op).containsExactly(
                        org.assertj.core.groups.Tuple.tuple(Side.PARENT, new Op.CreateFile("/run/t", 0444)),
                        org.assertj.core.groups.Tuple.tuple(Side.PARENT,
                                new Op.Mount("/proc/child/ns/time_for_children", "/run/t", null, MS_BIND, null)));
    }

    @Test
    void pidNamespaceForChildrenOnlyIsUnsharedInsteadOfCloned() {
        LaunchPlan plan = PlanCompiler.compile(new NamespacedProcessBuilder("sh").newNamespaces(PID)
                .pidNamespaceEntry(PidNamespaceEntry.CHILDREN_ENTER).persist(PID, Path.of("/run/p"), false).spec());
        assertThat(plan.cloneOp().namespaceFlags()).isZero();
        assertThat(plan.opsOf(Op.Unshare.class)).containsExactly(new Op.Unshare(PID.cloneFlag()));
        assertThat(plan.opsOf(Op.Mount.class)).containsExactly(new Op.Mount("/proc/child/ns/pid_for_children", "/run/p", null, MS_BIND, null));
        assertThat(plan.opsOf(Op.CreateFile.class)).isEmpty();
    }

    @Test
    void credentialsComeLastAndTheDeathSignalAfterThem() {
        LaunchPlan plan = PlanCompiler.compile(rootless("id").uid(1000).gid(100).groups(List.of()).keepCapabilities(true)
                .noNewPrivileges(true).parentDeathSignal(Signals.SIGTERM).spec());
        assertThat(names(plan).subList(plan.ops().size() - 8, plan.ops().size())).containsExactly("SetGroups", "SetGid",
                "KeepCapsAcrossSetuid", "SetUid", "AmbientFromPermitted", "NoNewPrivileges", "DeathSignal", "Exec");
        assertThat(plan.opsOf(Op.DeathSignal.class)).containsExactly(new Op.DeathSignal(Signals.SIGTERM));
    }

    @Test
    void shadowUtilsMapsRunNewuidmapAndNewgidmapOnTheChild() {
        LaunchPlan plan = PlanCompiler.compile(rootless("true").idMapWriter(IdMapWriter.SHADOW_UTILS).uidMap(new IdMap(0, 100000, 65536)).spec());
        assertThat(plan.opsOf(Op.RunForChild.class)).containsExactly(
                new Op.RunForChild("/usr/bin/newuidmap", List.of("0", "100000", "65536")),
                new Op.RunForChild("/usr/bin/newgidmap", List.of("0", "1000", "1")));
        assertThat(plan.opsOf(Op.WriteFile.class)).containsExactly(new Op.WriteFile("/proc/child/setgroups", "deny"));
    }

    @Test
    void propagationThenMountsThenTheRootChangeThenTheDirectoryThenProcInside() {
        LaunchPlan plan = PlanCompiler.compile(new NamespacedProcessBuilder("true").newNamespaces(MNT).propagation(Propagation.SLAVE)
                .bindMount(Path.of("/usr"), Path.of("/srv/root/usr"), true).root(Path.of("/srv/root"))
                .mountProc(Path.of("/proc")).directory(Path.of("/tmp")).spec());
        assertThat(plan.ops()).containsSubsequence(
                new Op.Mount("none", "/", null, MS_REC | MS_SLAVE, null),
                new Op.Bind("/usr", "/srv/root/usr", true, MOUNT_ATTR_RDONLY),
                new Op.ChangeRoot("/srv/root"), new Op.ChangeDirectory("/"),
                // util-linux unshare's order: a relative proc path is taken from the new directory.
                new Op.ChangeDirectory("/tmp"),
                new Op.Mount("proc", "/proc", "proc", PROC_FLAGS, null));
        assertThat(plan.opsOf(Op.ChangeDirectory.class)).as("entered once").containsExactly(
                new Op.ChangeDirectory("/"), new Op.ChangeDirectory("/tmp"));
        assertThat(PlanCompiler.compile(new NamespacedProcessBuilder("true").newNamespaces(MNT).propagation(Propagation.UNCHANGED)
                .spec()).opsOf(Op.Mount.class)).isEmpty();
    }

    @Test
    void pivotRootBindsTheDirectoryOntoItselfAndDetachesTheOldRoot() {
        LaunchPlan plan = PlanCompiler.compile(new NamespacedProcessBuilder("true").newNamespaces(MNT).pivotRoot(Path.of("/srv/r")).spec());
        assertThat(plan.ops()).containsSequence(new Op.Mount("/srv/r", "/srv/r", null, MS_BIND | MS_REC, null),
                new Op.ChangeDirectory("/srv/r"), new Op.PivotRoot(".", "."), new Op.Unmount(".", MNT_DETACH),
                new Op.ChangeDirectory("/"));
        // A tree that may still hold peers of the caller's mounts is made a slave before the old
        // root is detached, or the detach would unmount the caller's peers too.
        for (Propagation shared : List.of(Propagation.SHARED, Propagation.UNCHANGED)) {
            plan = PlanCompiler.compile(new NamespacedProcessBuilder("true").newNamespaces(MNT).propagation(shared)
                    .pivotRoot(Path.of("/srv/r")).spec());
            assertThat(plan.ops()).as(shared.name()).containsSequence(new Op.PivotRoot(".", "."),
                    new Op.Mount("none", ".", null, MS_REC | MS_SLAVE, null), new Op.Unmount(".", MNT_DETACH));
        }
    }

    @Test
    void binfmtMiscIsMountedAfterProcAndFixedFormatsAreRegisteredBeforeARootChange() {
        String plain = ":a:E::a::/bin/cat:", fixed = ":b:E::b::/bin/cat:F";
        LaunchPlan plan = compile(rootless("true").mountProc(Path.of("/proc"))
                .mountBinfmtMisc(Path.of("/proc/sys/fs/binfmt_misc")).registerBinaryFormat(plain)
                .registerBinaryFormat(fixed), ALICE);
        assertThat(plan.opsOf(Op.Mount.class)).extracting(Op.Mount::fstype).containsExactly(null, "proc", "binfmt_misc");
        // each definition: open the directory, open register in it, write: each its own message
        assertThat(plan.ops()).containsSubsequence(
                Op.Open.path(0, "/proc/sys/fs/binfmt_misc", Op.Open.O_PATH | Op.Open.O_DIRECTORY),
                new Op.Open(1, 0, "register", Op.Open.O_WRONLY, 0, 0), new Op.Write(1, plain),
                Op.Open.path(2, "/proc/sys/fs/binfmt_misc", Op.Open.O_PATH | Op.Open.O_DIRECTORY),
                new Op.Open(3, 2, "register", Op.Open.O_WRONLY, 0, 0), new Op.Write(3, fixed), new Op.DeathSignal(Signals.SIGKILL));

        LaunchPlan rooted = compile(rootless("true").root(Path.of("/srv/root")).mountProc(Path.of("/proc"))
                .mountBinfmtMisc(Path.of("/proc/sys/fs/binfmt_misc")).registerBinaryFormat(plain)
                .registerBinaryFormat(fixed), ALICE);
        assertThat(rooted.ops()).containsSubsequence(
                new Op.Mount("binfmt_misc", "/proc/sys/fs/binfmt_misc", "binfmt_misc", PROC_FLAGS, null), new Op.Write(1, fixed),
                new Op.ChangeRoot("/srv/root"),
                new Op.Mount("proc", "/proc", "proc", PROC_FLAGS, null),
                new Op.Mount("binfmt_misc", "/proc/sys/fs/binfmt_misc", "binfmt_misc", PROC_FLAGS, null), new Op.Write(3, plain));
        assertThat(rooted.opsOf(Op.Write.class)).hasSize(2);
    }

    @Test
    void binfmtMiscNeedsItsOwnUserAndMountNamespace() {
        assertThatThrownBy(() -> PlanCompiler.compile(new NamespacedProcessBuilder("true").newNamespaces(MNT).mountBinfmtMisc(Path.of("/b")).spec()))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("needs a new user namespace");
        assertThatThrownBy(() -> PlanCompiler.compile(rootless("true").registerBinaryFormat(":a:E::a::/bin/cat:").spec()))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("needs mountBinfmtMisc");
    }

    @Test
    void aBeforeExecStepWaitsOnceAfterTheChildIsSetUpAndBeforeTheDeathSignal() {
        LaunchPlan plan = PlanCompiler.compile(new NamespacedProcessBuilder("true").newNamespaces(NET, UTS).hostname("h")
                .beforeExec((pid, ns) -> null).beforeExec((pid, ns) -> null).spec());
        assertThat(names(plan)).containsExactly("BecomeSubreaper", "ForwardSignals", "Clone", "SetHostname", "LinkUp",
                "AwaitCaller", "DeathSignal", "Exec");
        assertThat(PlanCompiler.compile(new NamespacedProcessBuilder("true").newNamespaces(NET).spec()).opsOf(Op.AwaitCaller.class)).isEmpty();
        assertThat(PlanCompiler.compile(new NamespacedProcessBuilder("true").newNamespaces(NET).openNamespaceHandles(true).spec())
                .opsOf(Op.AwaitCaller.class)).hasSize(1);
    }

    @Test
    void settingsThatWouldChangeTheCallersOwnNamespacesAreRefused() {
        assertThatThrownBy(() -> PlanCompiler.compile(new NamespacedProcessBuilder("true").mountProc(Path.of("/proc")).spec()))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("mount namespace");
        assertThatThrownBy(() -> PlanCompiler.compile(new NamespacedProcessBuilder("true").hostname("x").spec()))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("UTS");
        assertThatThrownBy(() -> PlanCompiler.compile(new NamespacedProcessBuilder("true").newNamespaces(NET)
                .timeOffset(Clock.MONOTONIC, Duration.ofSeconds(1)).spec())).hasMessageContaining("time namespace");
        assertThatThrownBy(() -> PlanCompiler.compile(new NamespacedProcessBuilder("true").uidMap(IdMap.single(0, 0)).spec()))
                .hasMessageContaining("user namespace");
        assertThatThrownBy(() -> PlanCompiler.compile(new NamespacedProcessBuilder("true").persist(NET, Path.of("/run/x")).spec()))
                .hasMessageContaining("not a new namespace");
        assertThatThrownBy(() -> PlanCompiler.compile(new NamespacedProcessBuilder().spec())).hasMessageContaining("no command");
    }

    @Test
    void joinedFilesAreOpenedFirstThenJoinedBeforeTheCloneInCallOrder() {
        LaunchPlan plan = PlanCompiler.compile(new NamespacedProcessBuilder("true").joinNamespace(Path.of("/run/netns/a"), NET)
                .joinNamespace(Path.of("/proc/1/ns/uts"), UTS).hostname("h").spec());
        assertThat(plan.ops()).containsSubsequence(Op.Open.path(0, "/run/netns/a", Op.Open.O_RDONLY),
                Op.Open.path(1, "/proc/1/ns/uts", Op.Open.O_RDONLY), new Op.Setns(0, NET.cloneFlag()),
                new Op.Setns(1, UTS.cloneFlag()), new Op.Setns(0, NET.cloneFlag()), new Op.Setns(1, UTS.cloneFlag()),
                new Op.Clone(0), new Op.SetHostname("h"));
        assertThat(plan.planned()).filteredOn(s -> s.op() instanceof Op.Setns).extracting(PlannedOp::from)
                .containsExactly(new Joins.JoinedFile(Path.of("/run/netns/a"), NET), new Joins.JoinedFile(Path.of("/proc/1/ns/uts"), UTS),
                        new Joins.JoinedFile(Path.of("/run/netns/a"), NET), new Joins.JoinedFile(Path.of("/proc/1/ns/uts"), UTS));
    }

    @Test
    void filesForTheProgramAreOpenedBeforeTheJoinsAndPlacedJustBeforeExec() {
        LaunchPlan plan = PlanCompiler.compile(new NamespacedProcessBuilder("cat").openFile(Path.of("/etc/hostname"), Op.Open.O_RDONLY, 7)
                .joinNamespace(Path.of("/run/netns/a"), NET).spec());
        assertThat(plan.ops()).containsSubsequence(Op.Open.path(0, "/etc/hostname", Op.Open.O_RDONLY),
                Op.Open.path(1, "/run/netns/a", Op.Open.O_RDONLY), new Op.Clone(0), new Op.DeathSignal(Signals.SIGKILL),
                new Op.Dup(0, 7));
        assertThat(plan.ops().get(plan.ops().size() - 2)).isEqualTo(new Op.Dup(0, 7));
    }

    // ---- the container wave's shapes ---------------------------------------------------------

    /** What a bubblewrap-like sandbox asks for: an empty root with read-only binds, /proc, a minimal /dev, no capabilities. */
    private static LaunchSpec sandbox(Supervision supervision) {
        long roBind = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV;
        return new LaunchSpec(
                new Program(List.of("/usr/bin/python3", "job.py"), Optional.empty(), List.of("PATH=/usr/bin"), Optional.of(Path.of("/home"))),
                new NewNamespaces(EnumSet.of(USER, PID, MNT, UTS, IPC, NET, CGROUP), PidNamespaceEntry.PROGRAM_IS_PID_1, Map.of()),
                Joins.NONE,
                new UserNamespace(List.of(IdMap.single(1000, 1000)), List.of(IdMap.single(1000, 1000)), IdMapWriter.PROC_FILES,
                        IdMapWriter.PROC_FILES, Optional.of(Setgroups.DENY), Optional.empty()),
                new Filesystem(Propagation.PRIVATE, List.of(
                        new FsStep.TmpfsRoot(),
                        new FsStep.Bind(Path.of("/usr"), Path.of("/usr"), roBind, false),
                        new FsStep.Symlink("usr/bin", Path.of("/bin")),
                        new FsStep.Proc(Path.of("/proc")),
                        new FsStep.Dev(Path.of("/dev")),
                        new FsStep.Tmpfs(Path.of("/home"), 0755, OptionalLong.of(1 << 20)))),
                new PerTypeSetup(Optional.of("sandbox"), Optional.empty(), true, Map.of()),
                new Credentials(Optional.of(1000L), Optional.of(1000L), Optional.empty(), true, true),
                new Capabilities.Exactly(Set.of()),
                supervision, List.of(), List.of(), false);
    }

    @Test
    void aSandboxIsBuiltInAFreshTmpfsRootFromTheCallersTreeAndEnteredLast() {
        LaunchPlan plan = PlanCompiler.compile(sandbox(new Supervision.Leashed(Signals.SIGKILL, Signals.FORWARDED_BY_DEFAULT,
                List.of())), ALICE, KERNEL);
        long devBind = MOUNT_ATTR_NOSUID;
        Op.Open openRoot = plan.opsOf(Op.Open.class).stream().filter(o -> o.path().equals("/newroot")).findFirst().orElseThrow();
        int root = openRoot.slot(), source = root + 1;
        assertThat(openRoot).isEqualTo(new Op.Open(root, -1, "/newroot", Op.Open.O_PATH | Op.Open.O_DIRECTORY, 0,
                Op.Open.RESOLVE_NO_SYMLINKS));
        assertThat(plan.ops()).containsSubsequence(
                new Op.Clone(dev.jns.ns.NamespaceType.cloneFlags(List.of(USER, PID, MNT, UTS, IPC, NET, CGROUP))),
                new Op.WriteFile("/proc/child/setgroups", "deny"),
                new Op.Mount("none", "/", null, MS_REC | MS_PRIVATE, null),
                // the base: a tmpfs holding the new root, with the caller's tree moved under it
                new Op.Mount("tmpfs", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755"),
                new Op.MakeDirectory("/tmp/newroot", 0755),
                new Op.Mount("tmpfs", "/tmp/newroot", "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755"),
                new Op.MakeDirectory("/tmp/oldroot", 0755),
                new Op.PivotRoot("/tmp", "/tmp/oldroot"), new Op.ChangeDirectory("/"),
                // the new root held open: every target below is resolved inside it, never by a path from outside
                openRoot,
                // binds from the caller's tree into the new root, read-only on every submount
                Op.Open.path(source, "/oldroot/usr", Op.Open.O_PATH),
                new Op.BindAt(source, root, "/usr", true, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV, 0755),
                new Op.Symlink(root, "usr/bin", "/bin"),
                new Op.MakeDirectory(root, "/proc", 0755, 0755),
                new Op.MountAt(root, "/proc", "proc", "proc", MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC, List.of()),
                // a minimal /dev: the caller's nodes bound in (nosuid, but devices work), a private devpts
                new Op.MountAt(root, "/dev", "tmpfs", "tmpfs", MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV, List.of("mode=0755")),
                Op.Open.path(source, "/oldroot/dev/null", Op.Open.O_PATH),
                new Op.BindAt(source, root, "/dev/null", false, devBind, 0755),
                new Op.BindAt(source, root, "/dev/tty", false, devBind, 0755),
                new Op.Symlink(root, "/proc/self/fd", "/dev/fd"),
                new Op.MountAt(root, "/dev/pts", "devpts", "devpts", MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC,
                        List.of("newinstance", "ptmxmode=0666", "mode=620")),
                new Op.Symlink(root, "pts/ptmx", "/dev/ptmx"),
                new Op.MountAt(root, "/home", "tmpfs", "tmpfs", MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV,
                        List.of("mode=0755", "size=1048576")),
                // the caller's tree detached, the new root entered
                new Op.Unmount("/oldroot", MNT_DETACH), new Op.ChangeDirectory("/newroot"), new Op.PivotRoot(".", "."),
                new Op.Unmount(".", MNT_DETACH), new Op.ChangeDirectory("/"),
                new Op.ChangeDirectory("/home"), new Op.SetHostname("sandbox"), new Op.LinkUp("lo"),
                new Op.NewSession(), new Op.SetGid(1000), new Op.KeepCapsAcrossSetuid(), new Op.SetUid(1000),
                // no capability left in any set, the bounding set included
                new Op.SetCapabilities(0, 0, 0, 0, 0), new Op.NoNewPrivileges(),
                new Op.DeathSignal(Signals.SIGKILL), new Op.Exec("/usr/bin/python3", List.of(), List.of("/usr/bin/python3", "job.py")));
        assertThat(plan.opsOf(Op.BindAt.class)).hasSize(11); // /usr, four old parts of proc, six device nodes
        // proc's old parts are covered read-only only where the program could write to them, as bwrap does
        assertThat(plan.planned()).filteredOn(s -> s.op() instanceof Op.BindAt b && b.target().startsWith("/proc/"))
                .allMatch(s -> s.onlyIf() != null && s.onlyIf().succeeded()
                        && plan.planned().get(plan.planned().get(s.onlyIf().opIndex()).onlyIf().opIndex()).op() instanceof Op.Access);
        assertThat(plan.opsOf(Op.Bind.class)).as("no bind by a path from outside the root").isEmpty();
        assertThat(plan.planned()).filteredOn(s -> s.op() instanceof Op.BindAt b && b.target().startsWith("/dev/"))
                .extracting(PlannedOp::from).containsOnly(new FsStep.Dev(Path.of("/dev")));
        // everything after the clone happens inside: the caller's own mount table is never touched
        assertThat(plan.planned()).filteredOn(s -> s.side() == Side.PARENT).isEmpty();
    }

    @Test
    void keptCapabilitiesAreInEverySetIncludingAmbient() {
        LaunchSpec s = sandbox(new Supervision.Leashed(Signals.SIGKILL, List.of(), List.of()));
        LaunchSpec netAdmin = new LaunchSpec(s.program(), s.create(), s.join(), s.user(), s.filesystem(), s.setup(),
                s.credentials(), new Capabilities.Exactly(Set.of(Capability.NET_ADMIN, Capability.CHOWN)), s.supervision(),
                s.descriptors(), s.seccomp(), false);
        long m = Capability.NET_ADMIN.bit() | Capability.CHOWN.bit();
        assertThat(PlanCompiler.compile(netAdmin, ALICE, KERNEL).opsOf(Op.SetCapabilities.class))
                .containsExactly(new Op.SetCapabilities(m, m, m, m, m));
    }

    @Test
    void aDetachedProgramIsLeftWaitingAtItsFifoAndTheHelperLeaves() {
        Path fifo = Path.of("/run/jns-oci/c1/exec.fifo");
        LaunchPlan plan = PlanCompiler.compile(sandbox(new Supervision.Detached(Optional.of(fifo), Optional.empty())), ALICE, KERNEL);
        // no supervisor: no subreaper, no forwarded signals, no death signal
        assertThat(plan.opsOf(Op.BecomeSubreaper.class)).isEmpty();
        assertThat(plan.opsOf(Op.ForwardSignals.class)).isEmpty();
        List<PlannedOp> tail = plan.planned().subList(plan.planned().size() - 5, plan.planned().size());
        int fifoSlot = 3; // 0 pins the fifo's directory; 1 and 2 hold the new root and a bind's source while the root is built
        assertThat(tail).extracting(PlannedOp::side, PlannedOp::op).containsExactly(
                org.assertj.core.groups.Tuple.tuple(Side.CHILD, new Op.DeathSignal(0)),
                org.assertj.core.groups.Tuple.tuple(Side.PARENT, new Op.Detach()),
                org.assertj.core.groups.Tuple.tuple(Side.CHILD, new Op.Open(fifoSlot, 0, "exec.fifo", Op.Open.O_WRONLY, 0, 0)),
                org.assertj.core.groups.Tuple.tuple(Side.CHILD, new Op.Write(fifoSlot, "0")),
                org.assertj.core.groups.Tuple.tuple(Side.CHILD, new Op.Exec("/usr/bin/python3", List.of(), List.of("/usr/bin/python3", "job.py"))));
        // the fifo's directory is pinned before the clone: after a root change its path names nothing
        assertThat(plan.planned()).extracting(PlannedOp::side, PlannedOp::op).contains(org.assertj.core.groups.Tuple.tuple(
                Side.HELPER, Op.Open.path(0, "/run/jns-oci/c1", Op.Open.O_PATH | Op.Open.O_DIRECTORY)));
        // without a fifo the program execs as soon as the helper has left
        LaunchPlan now = PlanCompiler.compile(sandbox(new Supervision.Detached(Optional.empty(), Optional.empty())), ALICE, KERNEL);
        assertThat(names(now).subList(now.ops().size() - 3, now.ops().size())).containsExactly("DeathSignal", "Detach", "Exec");
    }

    @Test
    void aMinimalDevNeedsANewRootToBindTheCallersNodesFrom() {
        LaunchSpec s = sandbox(new Supervision.Leashed(Signals.SIGKILL, List.of(), List.of()));
        LaunchSpec devOnly = new LaunchSpec(s.program(), s.create(), s.join(), s.user(),
                new Filesystem(Propagation.PRIVATE, List.of(new FsStep.Dev(Path.of("/dev")))), s.setup(), s.credentials(),
                s.capabilities(), s.supervision(), s.descriptors(), s.seccomp(), false);
        assertThatThrownBy(() -> PlanCompiler.compile(devOnly, ROOT, KERNEL)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("TmpfsRoot");
    }

    private static int indexOf(LaunchPlan plan, Op op) {
        int i = plan.ops().indexOf(op);
        assertThat(i).as("%s in %s", op, plan.ops()).isNotNegative();
        return i;
    }

    @Test
    void namespacesOfTheCallersDescriptorsAreReceivedInOneMessageAndJoinedUserFirstBeforeTheClone() {
        LaunchPlan plan = PlanCompiler.compile(dev.jns.sandbox.Sandbox.command("true").joinUserNamespace(11)
                .joinPidNamespace(12).spec(), ROOT, KERNEL);
        Op.ReceiveFds received = plan.opsOf(Op.ReceiveFds.class).getLast();
        assertThat(received.callerFds()).containsExactly(11, 12);
        int user = received.firstSlot(), pid = user + 1;
        // the pid namespace tried first (root may), the user namespace, then the pid namespace if it was not joined yet
        int joinUser = indexOf(plan, new Op.Setns(user, USER.cloneFlag()));
        assertThat(plan.planned().get(indexOf(plan, new Op.Setns(pid, PID.cloneFlag()))).tolerated()).isEqualTo(PlannedOp.ANY_ERROR);
        assertThat(plan.ops().lastIndexOf(new Op.Setns(pid, PID.cloneFlag()))).isGreaterThan(joinUser);
        assertThat(joinUser).isLessThan(plan.ops().indexOf(plan.cloneOp()));
        // no new user or pid namespace: the clone lands in the joined ones
        assertThat(plan.cloneOp().namespaceFlags() & (USER.cloneFlag() | PID.cloneFlag())).isZero();
        // the program keeps the ids it has in the joined user namespace
        assertThat(plan.opsOf(Op.SetUid.class)).isEmpty();
        assertThat(plan.opsOf(Op.SetGroups.class)).isEmpty();
    }

    @Test
    void aNewPidNamespaceInAJoinedOneIsMadeByTheChildAndEnteredByAFork() {
        LaunchPlan plan = PlanCompiler.compile(dev.jns.sandbox.Sandbox.command("true").joinPidNamespace(12)
                .unshare(PID).spec(), ROOT, KERNEL);
        assertThat(plan.cloneOp().namespaceFlags() & PID.cloneFlag()).isZero();
        int unshare = indexOf(plan, new Op.Unshare(PID.cloneFlag()));
        assertThat(plan.planned().get(unshare).side()).isEqualTo(Side.CHILD);
        assertThat(plan.ops().get(unshare + 1)).isInstanceOf(Op.ForkReaper.class);
        // before the filesystem (its /proc is the new namespace's), and the program is still PID 2 under a reaper
        assertThat(unshare).isLessThan(plan.ops().indexOf(plan.opsOf(Op.PivotRoot.class).getFirst()));
        assertThat(plan.opsOf(Op.ForkReaper.class)).hasSize(2);
    }

    @Test
    void lockFilesAreOpenedAndLockedInsideThenKeptByAReaperForkedForThemEvenWithoutAPidNamespace() {
        LaunchPlan plan = PlanCompiler.compile(dev.jns.sandbox.Sandbox.command("true").lockFile("/run/a")
                .lockFile("b").spec(), ROOT, KERNEL);
        assertThat(plan.cloneOp().namespaceFlags() & PID.cloneFlag()).as("no pid namespace asked for").isZero();
        List<Op.LockFile> locks = plan.opsOf(Op.LockFile.class);
        assertThat(locks).hasSize(2);
        Op.ForkReaper reaper = plan.opsOf(Op.ForkReaper.class).getFirst();
        assertThat(reaper.lockSlots()).containsExactly(locks.get(0).slot(), locks.get(1).slot());
        assertThat(plan.opsOf(Op.Open.class)).contains(Op.Open.path(locks.get(0).slot(), "/run/a", Op.Open.O_RDONLY),
                Op.Open.path(locks.get(1).slot(), "b", Op.Open.O_RDONLY));
        // inside the built root, after the credentials and the death signal (which the reaper keeps)
        int lock = plan.ops().indexOf(locks.getFirst());
        assertThat(lock).isGreaterThan(plan.ops().indexOf(plan.opsOf(Op.PivotRoot.class).getFirst()))
                .isGreaterThan(plan.ops().indexOf(plan.opsOf(Op.DeathSignal.class).getFirst()))
                .isLessThan(plan.ops().indexOf(reaper));
        // as PID 1 nothing would hold them
        assertThatThrownBy(() -> dev.jns.sandbox.Sandbox.command("true").unshare(PID).asPid1().lockFile("/x").spec())
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aUserNamespaceToSwitchToIsEnteredByTheChildOnceTheRootIsBuiltBeforeItsCapabilitiesAreSet() {
        LaunchPlan plan = PlanCompiler.compile(dev.jns.sandbox.Sandbox.command("true").unshare(USER)
                .switchUserNamespace(13).spec(), ROOT, KERNEL);
        int slot = plan.opsOf(Op.ReceiveFds.class).getLast().firstSlot();
        int setns = indexOf(plan, new Op.Setns(slot, USER.cloneFlag()));
        assertThat(plan.planned().get(setns).side()).isEqualTo(Side.CHILD);
        assertThat(setns).isGreaterThan(plan.ops().indexOf(plan.opsOf(Op.PivotRoot.class).getFirst()))
                .isLessThan(plan.ops().indexOf(plan.opsOf(Op.SetCapabilities.class).getFirst()));
    }

    @Test
    void withoutADirectoryTheSandboxTriesTheCallersThenHomeThenTheRootAndSetsPwdToTheOneEntered() {
        dev.jns.sandbox.Sandbox sandbox = dev.jns.sandbox.Sandbox.command("true");
        sandbox.environment().put("HOME", "/home/alice");
        LaunchPlan plan = PlanCompiler.compile(sandbox.spec(), ROOT, KERNEL);
        String cwd = System.getProperty("user.dir");
        int first = indexOf(plan, new Op.ChangeDirectory(cwd)), home = indexOf(plan, new Op.ChangeDirectory("/home/alice"));
        int root = plan.ops().lastIndexOf(new Op.ChangeDirectory("/"));
        assertThat(plan.planned().get(first).tolerated()).isEqualTo(PlannedOp.ANY_ERROR);
        assertThat(plan.planned().get(first + 1)).isEqualTo(new PlannedOp(Side.CHILD, new Op.SetEnv("PWD", cwd),
                plan.planned().get(first).from(), 0, new PlannedOp.Condition(first, true)));
        assertThat(plan.planned().get(home).onlyIf()).isEqualTo(new PlannedOp.Condition(first, false));
        assertThat(plan.planned().get(root).onlyIf()).isEqualTo(new PlannedOp.Condition(home, false));
        assertThat(plan.planned().get(root).tolerated()).isZero();
        assertThat(plan.ops().get(root + 1)).isEqualTo(new Op.SetEnv("PWD", "/"));
        // a directory asked for is entered or the launch fails
        LaunchPlan chosen = PlanCompiler.compile(dev.jns.sandbox.Sandbox.command("true").directory("/tmp").spec(), ROOT, KERNEL);
        assertThat(chosen.planned().get(indexOf(chosen, new Op.ChangeDirectory("/tmp"))).tolerated()).isZero();
        assertThat(chosen.opsOf(Op.SetEnv.class)).containsExactly(new Op.SetEnv("PWD", "/tmp"));
    }

    @Test
    void disabledUserNamespacesAreANestedOneUnderALimitOfOneEnteredAfterTheRootChangeThenChecked() {
        LaunchPlan plan = PlanCompiler.compile(dev.jns.sandbox.Sandbox.command("true").unshare(USER).uid(5).gid(6)
                .disableUserNamespaces().spec(), ROOT, KERNEL);
        Op.Open proc = plan.opsOf(Op.Open.class).stream().filter(o -> o.path().equals("/proc")).findFirst().orElseThrow();
        assertThat(plan.ops().indexOf(proc)).isLessThan(plan.ops().indexOf(plan.cloneOp()));
        List<Op> after = plan.ops().subList(plan.ops().indexOf(plan.opsOf(Op.PivotRoot.class).getFirst()), plan.ops().size());
        List<Op.Open> through = plan.opsOf(Op.Open.class).stream().filter(o -> o.dirSlot() == proc.slot()).toList();
        assertThat(through).extracting(Op.Open::path).containsExactly("sys/user/max_user_namespaces", "self/uid_map", "self/gid_map");
        assertThat(after).containsSubsequence(through.get(0), new Op.Write(through.get(0).slot(), "1"),
                new Op.Unshare(USER.cloneFlag()), through.get(1), new Op.Write(through.get(1).slot(), "5 5 1\n"),
                through.get(2), new Op.Write(through.get(2).slot(), "6 6 1\n"), new Op.UnshareRefused(USER.cloneFlag()));
        assertThat(plan.ops().indexOf(new Op.UnshareRefused(USER.cloneFlag())))
                .isLessThan(plan.ops().indexOf(plan.opsOf(Op.SetCapabilities.class).getFirst()));
        // only the check, without a nested namespace
        LaunchPlan check = PlanCompiler.compile(dev.jns.sandbox.Sandbox.command("true").requireUserNamespacesDisabled().spec(),
                ROOT, KERNEL);
        assertThat(check.opsOf(Op.UnshareRefused.class)).hasSize(1);
        assertThat(check.opsOf(Op.Unshare.class)).isEmpty();
    }

    @Test
    void theProgramWaitsOnTheCallersDescriptorLastAfterItsCredentials() {
        LaunchPlan plan = PlanCompiler.compile(dev.jns.sandbox.Sandbox.command("true").blockOn(5).spec(), ROOT, KERNEL);
        Op.ReceiveFds received = plan.opsOf(Op.ReceiveFds.class).getLast();
        assertThat(received.callerFds()).containsExactly(5);
        int wait = indexOf(plan, new Op.ReadByte(received.firstSlot()));
        assertThat(plan.planned().get(wait).side()).isEqualTo(Side.CHILD);
        assertThat(wait).isGreaterThan(plan.ops().indexOf(plan.opsOf(Op.SetCapabilities.class).getLast()))
                .isLessThan(plan.ops().indexOf(plan.opsOf(Op.Exec.class).getFirst()));
    }

    @Test
    void aContainersSetupBecomesRootInsideOnceTheMapsAreWrittenWhereTheyMapIt() {
        LaunchSpec s = sandbox(new Supervision.Leashed(Signals.SIGKILL, List.of(), List.of()));
        // root creates it; its own id 0 is not mapped (runtime-tools' linux_uid_mappings)
        UserNamespace ranges = new UserNamespace(List.of(new IdMap(0, 1000, 2000)), List.of(new IdMap(0, 3000, 3000)),
                IdMapWriter.PROC_FILES, IdMapWriter.PROC_FILES, Optional.empty(), Optional.empty());
        LaunchPlan plan = PlanCompiler.compile(withUser(s, ranges.withSetupIds(UserNamespace.SetupIds.ROOT)), ROOT, KERNEL);
        int gidMap = indexOf(plan, new Op.WriteFile("/proc/child/gid_map", "0 3000 3000\n"));
        int setgid = indexOf(plan, new Op.SetGid(0)), setuid = indexOf(plan, new Op.SetUid(0));
        assertThat(plan.planned().get(gidMap).side()).isEqualTo(Side.PARENT);
        assertThat(plan.planned().get(setgid).side()).isEqualTo(Side.CHILD);
        assertThat(plan.planned().get(setuid).side()).isEqualTo(Side.CHILD);
        // after both maps, gid first, and before anything is mounted or made
        assertThat(gidMap).isLessThan(setgid);
        assertThat(setgid).isLessThan(setuid);
        assertThat(setuid).isLessThan(plan.ops().indexOf(plan.opsOf(Op.Mount.class).getFirst()))
                .isLessThan(plan.ops().indexOf(plan.opsOf(Op.MakeDirectory.class).getFirst()));
        // the program's own ids are still taken last
        assertThat(plan.opsOf(Op.SetUid.class)).containsExactly(new Op.SetUid(0), new Op.SetUid(1000));

        // a map without 0 leaves that id alone
        UserNamespace noRootGroup = new UserNamespace(List.of(new IdMap(0, 1000, 2000)), List.of(new IdMap(1, 3000, 3000)),
                IdMapWriter.PROC_FILES, IdMapWriter.PROC_FILES, Optional.empty(), Optional.empty());
        LaunchPlan partial = PlanCompiler.compile(withUser(s, noRootGroup.withSetupIds(UserNamespace.SetupIds.ROOT)), ROOT, KERNEL);
        assertThat(partial.opsOf(Op.SetGid.class)).containsExactly(new Op.SetGid(1000));
        assertThat(partial.ops().indexOf(new Op.SetUid(0)))
                .isLessThan(partial.ops().indexOf(partial.opsOf(Op.Mount.class).getFirst()));

        // util-linux's and bubblewrap's way (the default): no id change until the program's own
        LaunchPlan creators = PlanCompiler.compile(withUser(s, ranges), ROOT, KERNEL);
        assertThat(creators.opsOf(Op.SetUid.class)).containsExactly(new Op.SetUid(1000));
        assertThat(creators.opsOf(Op.SetGid.class)).containsExactly(new Op.SetGid(1000));
    }

    @Test
    void aNamespaceTheCallerMapsWaitsRightAfterTheCloneWithNoMapsOfItsOwn() {
        LaunchSpec s = withUser(sandbox(new Supervision.Leashed(Signals.SIGKILL, List.of(), List.of())),
                UserNamespace.mappedByCaller(UserNamespace.Nested.ALLOWED, 7));
        LaunchPlan plan = PlanCompiler.compile(s, ALICE, KERNEL);
        // jns writes neither setgroups nor a map
        assertThat(plan.opsOf(Op.WriteFile.class)).noneMatch(w -> w.path().startsWith("/proc/child/"));
        assertThat(plan.opsOf(Op.RunForChild.class)).isEmpty();
        // the caller's descriptor comes in before the clone; the parent tells the pid, then the child waits on it
        Op.ReceiveFds received = plan.opsOf(Op.ReceiveFds.class).getLast();
        assertThat(received.callerFds()).containsExactly(7);
        int clone = plan.ops().indexOf(plan.cloneOp());
        assertThat(plan.ops().indexOf(received)).isLessThan(clone);
        assertThat(plan.planned().get(clone + 1)).extracting(PlannedOp::side, PlannedOp::op)
                .containsExactly(Side.PARENT, new Op.AwaitCaller());
        assertThat(plan.planned().get(clone + 2)).extracting(PlannedOp::side, PlannedOp::op)
                .containsExactly(Side.CHILD, new Op.ReadByte(received.firstSlot()));
        // and before anything that needs the ids mapped
        assertThat(clone + 2).isLessThan(plan.ops().indexOf(plan.opsOf(Op.Mount.class).getFirst()));

        // not without a new user namespace, nor with nested ones disabled (that nests one jns maps)
        LaunchSpec noUser = new LaunchSpec(s.program(), new NewNamespaces(EnumSet.of(MNT), PidNamespaceEntry.PROGRAM_IS_PID_1,
                Map.of()), s.join(), s.user(), s.filesystem(), new PerTypeSetup(Optional.empty(), Optional.empty(), false, Map.of()), s.credentials(), s.capabilities(),
                s.supervision(), s.descriptors(), s.seccomp(), false);
        assertThatThrownBy(() -> PlanCompiler.compile(noUser, ALICE, KERNEL)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("new user namespace");
        LaunchSpec disabled = withUser(s, UserNamespace.mappedByCaller(UserNamespace.Nested.DISABLED, 7));
        assertThatThrownBy(() -> PlanCompiler.compile(disabled, ALICE, KERNEL)).isInstanceOf(IllegalStateException.class);
        // and jns writes no maps of its own beside the caller's
        assertThatThrownBy(() -> new UserNamespace(List.of(IdMap.single(0, 0)), List.of(), IdMapWriter.PROC_FILES,
                IdMapWriter.PROC_FILES, Optional.empty(), Optional.empty(), UserNamespace.Nested.ALLOWED,
                UserNamespace.SetupIds.CREATORS, java.util.OptionalInt.of(7))).isInstanceOf(IllegalArgumentException.class);
    }

    private static LaunchSpec withUser(LaunchSpec s, UserNamespace user) {
        return new LaunchSpec(s.program(), s.create(), s.join(), user, s.filesystem(), s.setup(), s.credentials(),
                s.capabilities(), s.supervision(), s.descriptors(), s.seccomp(), s.waitForCaller(), s.limits());
    }

    /** One instruction: {@code ret k}. */
    private static dev.jns.spec.SeccompProgram returning(int k) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(8).order(java.nio.ByteOrder.nativeOrder());
        b.putShort(0, (short) 0x06).putInt(4, k);
        return new dev.jns.spec.SeccompProgram(b);
    }

    @Test
    void aFilterThatNotifiesIsInstalledWithAListenerAndOnlyThatOne() {
        dev.jns.spec.SeccompProgram notify = returning(0x7fc00000), allow = returning(0x7fff0000);
        assertThat(notify.notifies()).isTrue();
        assertThat(allow.notifies()).isFalse();
        assertThat(returning(0x00050000 | 0x7fc0).notifies()).as("an errno that looks like it in the low bits").isFalse();
        LaunchPlan plan = compile(new NamespacedProcessBuilder("true").newNamespaces(UTS).noNewPrivileges(true)
                .seccomp(allow).seccomp(notify), ROOT);
        List<Op.InstallSeccomp> installs = plan.opsOf(Op.InstallSeccomp.class);
        assertThat(installs).extracting(Op.InstallSeccomp::listener).containsExactly(false, true);
        assertThat(installs.get(1).args()).containsExactly(Integer.toString(installs.get(1).slot()), "listener");
        assertThat(installs.get(0).args()).containsExactly(Integer.toString(installs.get(0).slot()));
        assertThat(names(plan).subList(names(plan).size() - 3, names(plan).size()))
                .as("last before exec, under no_new_privs").containsExactly("InstallSeccomp", "InstallSeccomp", "Exec");
    }

    @Test
    void aDetachedProgramGetsItsNotifyingFilterBeforeTheParentLeaves() {
        LaunchSpec b = new NamespacedProcessBuilder("true").newNamespaces(UTS).noNewPrivileges(true).seccomp(returning(0x7fc00000)).spec();
        LaunchSpec detached = new LaunchSpec(b.program(), b.create(), b.join(), b.user(), b.filesystem(), b.setup(), b.credentials(),
                b.capabilities(), new Supervision.Detached(Optional.empty(), Optional.empty()), b.descriptors(), b.seccomp(),
                b.waitForCaller());
        List<String> ops = names(PlanCompiler.compile(detached, ROOT, KERNEL));
        assertThat(ops.indexOf("InstallSeccomp")).as("the listener leaves with the parent's report").isLessThan(ops.indexOf("Detach"));
        LaunchSpec plain = new LaunchSpec(b.program(), b.create(), b.join(), b.user(), b.filesystem(), b.setup(), b.credentials(),
                b.capabilities(), detached.supervision(), b.descriptors(), List.of(returning(0x7fff0000)), b.waitForCaller());
        List<String> plainOps = names(PlanCompiler.compile(plain, ROOT, KERNEL));
        assertThat(plainOps.indexOf("InstallSeccomp")).as("without a listener: last before exec").isEqualTo(plainOps.size() - 2);
    }
}
