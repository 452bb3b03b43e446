package dev.jns.cgroup;

import dev.jns.os.Errno;
import dev.jns.os.SyscallException;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * cgroup v1 for real, on this machine's v1 hierarchies (root; skipped where the layout is v2):
 * every cgroup is made below the test's own cgroup in each hierarchy and removed.
 */
class CgroupV1Test {
    @RegisterExtension
    final LeakCheck leaks = LeakCheck.asRoot("create cgroup v1 cgroups (v1 has no delegation)");
    private CgroupLayout layout;

    @BeforeEach
    void v1Root() {
        Privilege.requireRoot("create cgroup v1 cgroups (v1 has no delegation)");
        layout = CgroupLayout.detect();
        assumeThat(layout.version()).as("skipped: this machine's cgroups are v2").isEqualTo(1);
    }

    @Test
    void aCgroupIsMadeInEveryHierarchyBelowTheCallersOwnAndRemovedWithItsParent() throws Exception {
        String path = TestCgroups.freshPath("c1");
        Map<String, Path> dirs;
        try (Cgroup cg = layout.create(path); GatedProcess p = GatedProcess.start("exec sleep 60")) {
            dirs = cg.directories();
            assertThat(dirs).containsKeys("memory", "pids", "freezer", "cpu", "cpuset");
            TestCgroups.assertPresent(dirs);
            String ownMemory = GatedProcess.cgroupOf(ProcessHandle.current().pid(), "memory");
            assertThat(GatedProcess.cgroupOf(ProcessHandle.current().pid(), "memory")).isEqualTo(ownMemory);
            assertThat(dirs.get("memory")).isEqualTo(Path.of("/sys/fs/cgroup/memory" + ownMemory + "/" + path));
            // a new cpuset got its parent's CPUs and nodes, or no task could join it
            assertThat(Files.readString(dirs.get("cpuset").resolve("cpuset.cpus")).trim()).isNotEmpty();

            cg.place(p.pid());
            p.release();
            assertThat(cg.pids()).containsExactly(p.pid());
            assertThat(cg.populated()).isTrue();
            assertThat(GatedProcess.cgroupOf(p.pid(), "memory")).isEqualTo(ownMemory + "/" + path);
            assertThat(GatedProcess.cgroupOf(p.pid(), "pids")).endsWith("/" + path);
        }
        TestCgroups.assertGone(dirs);
    }

    @Test
    void aMemoryLimitOomKillsTheProcessAndTheStatsShowIt() throws Exception {
        long limit = 16L << 20;
        try (Cgroup cg = layout.create(TestCgroups.freshPath("oom"));
             GatedProcess p = GatedProcess.start("exec awk 'BEGIN { s = \"x\"; while (1) s = s s }'")) {
            cg.apply(CgroupResources.NONE.withMemory(CgroupResources.Memory.limit(limit).withSwap(limit)));
            assertThat(Files.readString(cg.directories().get("memory").resolve("memory.limit_in_bytes")).trim())
                    .isEqualTo(Long.toString(limit));
            cg.place(p.pid());
            p.release();
            assertThat(p.waitFor()).as("awk's status: killed by SIGKILL").isEqualTo(128 + 9);
            CgroupStats.Memory m = cg.stats().memory();
            assertThat(m.oomKills()).isGreaterThanOrEqualTo(1);
            assertThat(m.limit()).isEqualTo(limit);
            assertThat(m.maxUsage()).isGreaterThan(limit / 2).isLessThanOrEqualTo(limit);
        }
    }

    @Test
    void aPidsLimitMakesForkFail() throws Exception {
        try (Cgroup cg = layout.create(TestCgroups.freshPath("pids"));
             GatedProcess p = GatedProcess.start("for i in 1 2 3 4 5 6 7 8; do sleep 30 & done; echo forked >&2; kill $(jobs -p); wait")) {
            cg.apply(CgroupResources.NONE.withPids(new CgroupResources.Pids(4)));
            cg.place(p.pid());
            p.release();
            p.waitFor();
            String stderr = p.stderr();
            assertThat(stderr).as("the shell's complaint").containsAnyOf("fork", "Resource temporarily unavailable");
            CgroupStats.Pids pids = cg.stats().pids();
            assertThat(pids.limit()).isEqualTo(4);
        }
    }

    @Test
    void freezingStopsTheProcessAndThawingResumesIt() throws Exception {
        try (Cgroup cg = layout.create(TestCgroups.freshPath("freeze"));
             GatedProcess p = GatedProcess.start("while :; do :; done")) {
            cg.place(p.pid());
            p.release();
            awaitState(p.pid(), "R");
            cg.freeze();
            assertThat(cg.frozen()).isTrue();
            // a task frozen by the v1 freezer shows as D (uninterruptible) and gets no CPU time
            assertThat(GatedProcess.state(p.pid())).isEqualTo("D");
            long ticks = GatedProcess.cpuTicks(p.pid());
            Thread.sleep(300);
            assertThat(GatedProcess.cpuTicks(p.pid())).isEqualTo(ticks);
            cg.thaw();
            assertThat(cg.frozen()).isFalse();
            awaitState(p.pid(), "R");
        }
    }

    @Test
    void killAllKillsAProcessTreeAndRemoveWaitsForIt() throws Exception {
        Map<String, Path> dirs;
        try (GatedProcess p = GatedProcess.start("sleep 60 & sleep 60 & sh -c 'sleep 60 & wait' & wait")) {
            Cgroup cg = layout.create(TestCgroups.freshPath("kill"));
            dirs = cg.directories();
            cg.place(p.pid());
            p.release();
            awaitPids(cg, 5);
            List<Long> pids = new ArrayList<>(cg.pids());
            assertThatThrownBy(() -> cg.remove(Duration.ofMillis(200)))
                    .isInstanceOfSatisfying(SyscallException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EBUSY))
                    .hasMessageContaining("(processes still in it after 0.2 s): EBUSY");
            cg.killAll();
            assertThat(p.waitFor()).isEqualTo(128 + 9);
            cg.remove();
            for (long pid : pids) awaitDead(pid);
        }
        TestCgroups.assertGone(dirs);
    }

    @Test
    void settingsLandInTheV1FilesAndBadValuesNameFileAndErrno() throws Exception {
        try (Cgroup cg = layout.create(TestCgroups.freshPath("set"))) {
            Map<String, Path> d = cg.directories();
            cg.apply(new CgroupResources(CgroupResources.Memory.limit(64L << 20).withReservation(32L << 20).withSwappiness(10),
                    CgroupResources.Cpu.NONE.withShares(512).withQuota(50_000, 100_000).withCpus("0").withMems("0"),
                    new CgroupResources.Pids(-1), null, List.of(),
                    List.of(new CgroupResources.DeviceRule(false, 'a', null, null, "rwm"),
                            new CgroupResources.DeviceRule(true, 'c', 1L, 3L, "rw")), Map.of()));
            assertThat(read(d.get("memory"), "memory.limit_in_bytes")).isEqualTo(Long.toString(64L << 20));
            assertThat(read(d.get("memory"), "memory.soft_limit_in_bytes")).isEqualTo(Long.toString(32L << 20));
            assertThat(read(d.get("memory"), "memory.swappiness")).isEqualTo("10");
            assertThat(read(d.get("cpu"), "cpu.shares")).isEqualTo("512");
            assertThat(read(d.get("cpu"), "cpu.cfs_quota_us")).isEqualTo("50000");
            assertThat(read(d.get("cpu"), "cpu.cfs_period_us")).isEqualTo("100000");
            assertThat(read(d.get("cpuset"), "cpuset.cpus")).isEqualTo("0");
            assertThat(read(d.get("pids"), "pids.max")).isEqualTo("max");
            assertThat(read(d.get("devices"), "devices.list")).isEqualTo("c 1:3 rw");

            assertThatThrownBy(() -> cg.apply(CgroupResources.NONE.withCpu(CgroupResources.Cpu.NONE.withCpus("4096"))))
                    .isInstanceOfSatisfying(SyscallException.class, e -> {
                        assertThat(e.call()).isEqualTo("write");
                        assertThat(e.errnoName()).isEqualTo("ERANGE");
                        assertThat(e.getMessage()).startsWith("write " + d.get("cpuset").resolve("cpuset.cpus") + " \"4096\": ERANGE");
                    });
            assertThatThrownBy(() -> cg.apply(CgroupResources.NONE.withUnified(Map.of("memory.high", "1M"))))
                    .isInstanceOf(CgroupException.class)
                    .hasMessage("unified: cgroup v2 settings (memory.high) cannot be applied on cgroup v1");
        }
    }

    @Test
    void statsReportCpuTimeAndTasks() throws Exception {
        try (Cgroup cg = layout.create(TestCgroups.freshPath("stats"));
             GatedProcess p = GatedProcess.start("i=0; while [ $i -lt 200000 ]; do i=$((i+1)); done; exec sleep 60")) {
            cg.place(p.pid());
            p.release();
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (!GatedProcess.state(p.pid()).equals("S") || cg.stats().cpu().totalNs() == 0) {
                assertThat(System.nanoTime()).isLessThan(deadline);
                Thread.sleep(20);
            }
            CgroupStats s = cg.stats();
            assertThat(s.cpu().totalNs()).isPositive();
            assertThat(s.cpu().perCpuNs()).isNotEmpty();
            assertThat(s.cpu().userNs() + s.cpu().kernelNs()).isPositive();
            assertThat(s.pids().current()).isEqualTo(1);
            assertThat(s.pids().limit()).isEqualTo(CgroupStats.UNLIMITED);
            assertThat(s.memory().usage()).isPositive();
        }
    }

    @Test
    void openFindsTheCgroupAgainAndRemovingItLeavesTheParentThatCreateMade() {
        String path = TestCgroups.freshPath("reopen");
        Map<String, Path> dirs;
        try (Cgroup made = layout.create(path)) {
            dirs = made.directories();
            Cgroup again = layout.open(path);
            assertThat(again.directories()).isEqualTo(made.directories());
            assertThat(layout.open(made.directories()).directories()).isEqualTo(made.directories());
            again.remove();
            assertThat(made.exists()).isFalse();
            made.directories().values().forEach(d -> assertThat(d.getParent()).exists());
        }
        // closing the handle that made the parent removes it, though its cgroup was already gone
        TestCgroups.assertGone(dirs);
        assertThatThrownBy(() -> layout.open(path)).isInstanceOf(CgroupException.class)
                .hasMessage("no cgroup " + path + " in any cgroup v1 hierarchy");
    }

    @Test
    void anUnprivilegedUserIsToldV1HasNoDelegation() {
        String path = TestCgroups.freshPath("nobody");
        ToolResult refused = Tool.run(RunAs.nobody(), CgroupV2Test.concat(CgroupV2Test.probe("detect"), path));
        assertThat(refused.exit()).as("%s", refused).isEqualTo(2);
        assertThat(refused.stdout().trim()).startsWith("cannot create cgroup /sys/fs/cgroup/")
                .endsWith(": Permission denied: cgroup v1 has no delegation: only root may create cgroups (running as uid 65534)");
        for (CgroupLayout.Hierarchy h : ((CgroupLayout.Legacy) layout).hierarchies()) {
            assertThat(Paths.directory(h.mount(), Paths.resolve(h.ownPath(), path)).getParent()).doesNotExist();
        }
    }

    static String read(Path dir, String file) throws Exception {
        return Files.readString(dir.resolve(file)).trim();
    }

    static void awaitState(long pid, String state) throws Exception {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!GatedProcess.state(pid).equals(state)) {
            assertThat(System.nanoTime()).as("waiting for state %s", state).isLessThan(deadline);
            Thread.sleep(10);
        }
    }

    /** Gone, or a zombie waiting for whoever adopted it to reap it: either way no longer running. */
    static void awaitDead(long pid) throws Exception {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (true) {
            try {
                if (GatedProcess.state(pid).equals("Z")) return;
            } catch (java.nio.file.NoSuchFileException e) {
                return;
            }
            assertThat(System.nanoTime()).as("waiting for %s to die", pid).isLessThan(deadline);
            Thread.sleep(10);
        }
    }

    static void awaitPids(Cgroup cg, int n) throws Exception {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (cg.pids().size() < n) {
            assertThat(System.nanoTime()).as("waiting for %s processes", n).isLessThan(deadline);
            Thread.sleep(10);
        }
    }
}
