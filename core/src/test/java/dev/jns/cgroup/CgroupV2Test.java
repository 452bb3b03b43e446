package dev.jns.cgroup;

import dev.jns.testing.LeakCheck;
import dev.jns.testing.Privilege;
import dev.jns.testing.RunAs;
import dev.jns.testing.Tool;
import dev.jns.testing.ToolResult;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * cgroup v2 for real (root): on {@code /sys/fs/cgroup} where that is cgroup2, else on the
 * hybrid layout's cgroup2 mount at {@code /sys/fs/cgroup/unified}, which has no controllers
 * to offer but freezing, killing, process lists and CPU statistics, which are v2's core.
 * Every cgroup is made below a {@code jns-test-*} parent and removed with it.
 */
class CgroupV2Test {
    @RegisterExtension
    final LeakCheck leaks = LeakCheck.asRoot("create cgroups in the cgroup2 hierarchy's root");
    private CgroupLayout.Unified layout;

    @BeforeEach
    void v2Root() {
        Privilege.requireRoot("create cgroups in the cgroup2 hierarchy's root");
        CgroupLayout detected = CgroupLayout.detect();
        if (detected instanceof CgroupLayout.Unified u) {
            layout = u;
        } else {
            Path hybrid = Path.of("/sys/fs/cgroup/unified");
            assumeThat(hybrid.resolve("cgroup.procs")).as("skipped: no cgroup2 mount").exists();
            layout = CgroupLayout.Unified.at(hybrid);
        }
    }

    @Test
    void aCgroupIsMadePlacedIntoListedAndRemovedWithItsParent() throws Exception {
        String path = TestCgroups.freshPath("c1");
        Map<String, Path> dirs;
        try (Cgroup cg = layout.create(path); GatedProcess p = GatedProcess.start("exec sleep 60")) {
            assertThat(cg.version()).isEqualTo(2);
            dirs = cg.directories();
            assertThat(dirs).containsOnlyKeys("unified");
            assertThat(dirs.get("unified")).isEqualTo(Paths.directory(layout.mount(), Paths.resolve(layout.ownPath(), path)));
            TestCgroups.assertPresent(dirs);
            assertThat(cg.populated()).isFalse();
            cg.place(p.pid());
            p.release();
            assertThat(cg.pids()).containsExactly(p.pid());
            assertThat(cg.populated()).isTrue();
            assertThat(GatedProcess.cgroupOf(p.pid(), "")).isEqualTo(cg.path());
            Cgroup again = layout.open(dirs);
            assertThat(again.path()).isEqualTo(cg.path());
            assertThat(again.pids()).containsExactly(p.pid());
            assertThatThrownBy(() -> layout.open(Map.of("unified", layout.mount())))
                    .isInstanceOf(CgroupException.class).hasMessage(layout.mount() + " is not a cgroup below " + layout.mount());
        }
        TestCgroups.assertGone(dirs);
    }

    @Test
    void freezingStopsTheProcessAndThawingResumesIt() throws Exception {
        try (Cgroup cg = layout.create(TestCgroups.freshPath("freeze"));
             GatedProcess p = GatedProcess.start("while :; do :; done")) {
            cg.place(p.pid());
            p.release();
            CgroupV1Test.awaitState(p.pid(), "R");
            cg.freeze();
            assertThat(cg.frozen()).isTrue();
            assertThat(Files.readString(cg.directories().get("unified").resolve("cgroup.events"))).contains("frozen 1");
            // the v2 freezer parks a task in a signal-delivery trap: it sleeps (S) and gets no CPU time
            assertThat(GatedProcess.state(p.pid())).isEqualTo("S");
            long ticks = GatedProcess.cpuTicks(p.pid());
            Thread.sleep(300);
            assertThat(GatedProcess.cpuTicks(p.pid())).isEqualTo(ticks);
            cg.thaw();
            assertThat(cg.frozen()).isFalse();
            CgroupV1Test.awaitState(p.pid(), "R");
        }
    }

    @Test
    void killAllKillsAProcessTreeThroughCgroupKill() throws Exception {
        Map<String, Path> dirs;
        try (GatedProcess p = GatedProcess.start("sleep 60 & sleep 60 & sh -c 'sleep 60 & wait' & wait")) {
            Cgroup cg = layout.create(TestCgroups.freshPath("kill"));
            dirs = cg.directories();
            cg.place(p.pid());
            p.release();
            CgroupV1Test.awaitPids(cg, 5);
            List<Long> pids = new ArrayList<>(cg.pids());
            cg.killAll();
            assertThat(p.waitFor()).isEqualTo(128 + 9);
            cg.remove();
            for (long pid : pids) CgroupV1Test.awaitDead(pid);
        }
        TestCgroups.assertGone(dirs);
    }

    @Test
    void aSignalReachesEveryProcessAndLeavesTheCgroupAsItWas() throws Exception {
        try (Cgroup cg = layout.create(TestCgroups.freshPath("signal"));
             GatedProcess p = GatedProcess.start("trap 'echo got-usr1 >&2; exit 7' USR1; sleep 60 & wait")) {
            cg.place(p.pid());
            p.release();
            CgroupV1Test.awaitPids(cg, 2);
            cg.signalAll(dev.jns.os.Signals.SIGUSR1);
            assertThat(p.waitFor()).isEqualTo(7);
            assertThat(p.stderr()).contains("got-usr1");
            assertThat(cg.frozen()).isFalse();
        }
    }

    @Test
    void aControllerTheRootDoesNotDelegateIsAClearErrorAndTheRootIsLeftAlone() throws Exception {
        Path rootControl = layout.mount().resolve("cgroup.subtree_control");
        String before = Files.readString(rootControl);
        assumeThat(before).as("skipped: the root delegates pids here").doesNotContain("pids");
        try (Cgroup cg = layout.create(TestCgroups.freshPath("pids"))) {
            assertThatThrownBy(() -> cg.apply(CgroupResources.NONE.withPids(new CgroupResources.Pids(10))))
                    .isInstanceOf(CgroupException.class)
                    .hasMessageStartingWith("cgroup v2 " + cg.directories().get("unified") + ": controller pids not available here");
        }
        assertThat(Files.readString(rootControl)).isEqualTo(before);
    }

    @Test
    void unifiedSettingsAreWrittenAsTheyAreAndBadKeysRefused() throws Exception {
        try (Cgroup cg = layout.create(TestCgroups.freshPath("unified"))) {
            Path dir = cg.directories().get("unified");
            cg.apply(CgroupResources.NONE.withUnified(Map.of("cgroup.max.descendants", "3")));
            assertThat(Files.readString(dir.resolve("cgroup.max.descendants")).trim()).isEqualTo("3");
            assertThatThrownBy(() -> cg.apply(CgroupResources.NONE.withUnified(Map.of("../cgroup.procs", "1"))))
                    .isInstanceOf(CgroupException.class).hasMessage("unified: \"../cgroup.procs\" is not a cgroup file name");
            assertThatThrownBy(() -> cg.apply(CgroupResources.NONE.withUnified(Map.of("cgroup.max.depth", "x"))))
                    .isInstanceOfSatisfying(dev.jns.os.SyscallException.class,
                            e -> assertThat(e.getMessage()).isEqualTo("write " + dir.resolve("cgroup.max.depth")
                                    + " \"x\": EINVAL (Invalid argument)"));
        }
    }

    @Test
    void deviceRulesBecomeABpfProgramThatAnUpdateReplaces() throws Exception {
        String probe = "head -c 1 /dev/zero >/dev/null 2>&1 && echo zero; head -c 1 /dev/urandom >/dev/null 2>&1 && echo urandom;"
                + " (: > /dev/full) 2>/dev/null && echo full; true";
        var denyAll = new CgroupResources.DeviceRule(false, 'a', null, null, "rwm");
        var nullRw = new CgroupResources.DeviceRule(true, 'c', 1L, 3L, "rw");
        var zeroR = new CgroupResources.DeviceRule(true, 'c', 1L, 5L, "r");
        var anyCharR = new CgroupResources.DeviceRule(true, 'c', null, null, "r");
        var urandomDenied = new CgroupResources.DeviceRule(false, 'c', 1L, 9L, "rwm");
        try (Cgroup cg = layout.create(TestCgroups.freshPath("devices"))) {
            assertThat(runIn(cg, probe)).as("no rules: every device").isEqualTo("zero\nurandom\nfull\n");
            cg.apply(CgroupResources.NONE.withDevices(List.of(denyAll, nullRw, zeroR)));
            assertThat(runIn(cg, probe)).isEqualTo("zero\n");
            // later rules win: any char device readable, then urandom denied again
            cg.apply(CgroupResources.NONE.withDevices(List.of(denyAll, nullRw, anyCharR, urandomDenied)));
            assertThat(runIn(cg, probe)).isEqualTo("zero\n");
            cg.apply(CgroupResources.NONE.withDevices(List.of(denyAll, nullRw, anyCharR)));
            assertThat(runIn(cg, probe)).isEqualTo("zero\nurandom\n");
            int dirFd = dev.jns.sys.LibC.open(cg.directories().get("unified").toString(), dev.jns.sys.LibC.O_RDONLY | dev.jns.sys.LibC.O_DIRECTORY);
            try {
                assertThat(dev.jns.sys.Bpf.attachedCgroupDevicePrograms(dirFd, "test")).as("one program, the last").hasSize(1);
            } finally {
                dev.jns.sys.LibC.close(dirFd);
            }
        }
    }

    /** What {@code script} prints when it runs inside {@code cg}. */
    private static String runIn(Cgroup cg, String script) throws Exception {
        try (GatedProcess p = GatedProcess.start(script)) {
            cg.place(p.pid());
            p.release();
            assertThat(p.waitFor()).isZero();
            return new String(p.process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    @Test
    void statsReportCpuTime() throws Exception {
        try (Cgroup cg = layout.create(TestCgroups.freshPath("stats"));
             GatedProcess p = GatedProcess.start("i=0; while [ $i -lt 200000 ]; do i=$((i+1)); done")) {
            cg.place(p.pid());
            p.release();
            assertThat(p.waitFor()).isZero();
            CgroupStats s = cg.stats();
            assertThat(s.cpu().totalNs()).isPositive();
            assertThat(s.cpu().userNs() + s.cpu().kernelNs()).isPositive();
        }
    }

    @Test
    void anUnprivilegedUserCannotCreateWithoutDelegationButCanBelowADelegatedCgroup() throws Exception {
        List<String> probe = probe(layout.mount().toString());

        String undelegated = TestCgroups.freshPath("nobody");
        ToolResult refused = Tool.run(RunAs.nobody(), concat(probe, undelegated));
        assertThat(refused.exit()).as("%s", refused).isEqualTo(2);
        Path parent = Paths.directory(layout.mount(), Paths.resolve(layout.ownPath(), undelegated)).getParent();
        assertThat(refused.stdout().trim()).isEqualTo("cannot create cgroup " + parent
                + ": Permission denied: the parent cgroup is not delegated to uid 65534 (cgroup v2 lets an unprivileged user"
                + " create cgroups only below one it owns, as systemd's Delegate=yes sets up)");
        assertThat(parent).doesNotExist();

        // Delegation as systemd does it: the directory and its cgroup.procs, subtree_control and threads owned by the user.
        String delegated = TestCgroups.freshPath("x");
        try (Cgroup cg = layout.create(delegated)) {
            Path dir = cg.directories().get("unified");
            for (Path f : List.of(dir, dir.resolve("cgroup.procs"), dir.resolve("cgroup.subtree_control"), dir.resolve("cgroup.threads"))) {
                Files.setAttribute(f, "unix:uid", 65534);
                Files.setAttribute(f, "unix:gid", 65534);
            }
            ToolResult made = Tool.run(RunAs.nobody(), concat(probe, delegated + "/job"));
            assertThat(made.exit()).as("%s", made).isZero();
            assertThat(made.stdout().trim()).isEqualTo(dir.resolve("job").toString());
            assertThat(dir.resolve("job")).doesNotExist();
        }
    }

    /** The command that runs {@link RootlessProbe} on {@code layout} from this build's classes. */
    static List<String> probe(String layout) {
        Path classes = Path.of("target/classes").toAbsolutePath();
        Path testClasses = Path.of("target/test-classes").toAbsolutePath();
        String java = ProcessHandle.current().info().command().orElseThrow();
        return List.of(java, "--enable-native-access=ALL-UNNAMED", "-cp", classes + ":" + testClasses,
                RootlessProbe.class.getName(), layout);
    }

    static List<String> concat(List<String> a, String b) {
        List<String> out = new ArrayList<>(a);
        out.add(b);
        return out;
    }
}
