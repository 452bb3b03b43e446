package dev.jns.cgroup;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Detecting the layout from mountinfo and /proc/PID/cgroup texts, the cgroupsPath rule and the value conversions. */
class CgroupLayoutTest {
    private static final String HYBRID_MOUNTINFO = """
            30 22 0:26 / /sys/fs/cgroup ro,nosuid,nodev,noexec shared:9 - tmpfs tmpfs ro,mode=755
            31 30 0:27 / /sys/fs/cgroup/unified rw,nosuid,nodev,noexec,relatime shared:10 - cgroup2 cgroup2 rw
            32 30 0:28 / /sys/fs/cgroup/systemd rw,nosuid shared:11 - cgroup cgroup rw,xattr,name=systemd
            35 30 0:31 / /sys/fs/cgroup/cpu,cpuacct rw,nosuid shared:16 - cgroup cgroup rw,cpu,cpuacct
            36 30 0:32 / /sys/fs/cgroup/memory rw,nosuid shared:17 - cgroup cgroup rw,memory
            37 30 0:33 /lxc /sys/fs/cgroup/pids rw,nosuid shared:18 - cgroup cgroup rw,pids
            """;
    private static final String HYBRID_CGROUP = """
            12:pids:/lxc/job
            4:memory:/process_api/abc
            3:cpu,cpuacct:/
            1:name=systemd:/user.slice
            0::/user.slice
            """;

    @Test
    void aHybridMachineUsesV1WithEachHierarchyAndTheCallersCgroupInIt() {
        CgroupLayout layout = CgroupLayout.detect(HYBRID_MOUNTINFO, HYBRID_CGROUP);
        assertThat(layout.version()).isEqualTo(1);
        var hierarchies = ((CgroupLayout.Legacy) layout).hierarchies();
        assertThat(hierarchies).containsExactly(
                new CgroupLayout.Hierarchy(Set.of("cpu", "cpuacct"), Path.of("/sys/fs/cgroup/cpu,cpuacct"), "/"),
                new CgroupLayout.Hierarchy(Set.of("memory"), Path.of("/sys/fs/cgroup/memory"), "/process_api/abc"),
                // mounted from /lxc: the caller's /lxc/job is /job below that mount
                new CgroupLayout.Hierarchy(Set.of("pids"), Path.of("/sys/fs/cgroup/pids"), "/job"));
        assertThat(hierarchies.getFirst().name()).isEqualTo("cpu,cpuacct");
    }

    @Test
    void aMachineWithCgroup2OnSysFsCgroupIsUnified() {
        String mountinfo = "29 22 0:26 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:4 - cgroup2 cgroup2 rw,nsdelegate\n";
        CgroupLayout layout = CgroupLayout.detect(mountinfo, "0::/user.slice/user-1000.slice/session-2.scope\n");
        assertThat(layout).isEqualTo(new CgroupLayout.Unified(Path.of("/sys/fs/cgroup"), "/user.slice/user-1000.slice/session-2.scope"));
    }

    @Test
    void noCgroupMountIsAClearError() {
        assertThatThrownBy(() -> CgroupLayout.detect("22 1 0:21 / /proc rw - proc proc rw\n", "0::/\n"))
                .isInstanceOf(CgroupException.class).hasMessageContaining("no cgroup hierarchy is mounted");
    }

    @Test
    void relativePathsAreBelowTheCallersCgroupAndAbsoluteOnesFromTheRoot() {
        assertThat(Paths.resolve("/process_api/abc", "jns/ctr1")).isEqualTo("/process_api/abc/jns/ctr1");
        assertThat(Paths.resolve("/", "jns/ctr1")).isEqualTo("/jns/ctr1");
        assertThat(Paths.resolve("/process_api/abc", "/machine/ctr1")).isEqualTo("/machine/ctr1");
        assertThat(Paths.resolve("/a", "x//y/")).isEqualTo("/a/x/y");
    }

    @Test
    void aPathMayNeitherClimbNorNameTheRoot() {
        assertThatThrownBy(() -> Paths.resolve("/a", "../b")).isInstanceOf(CgroupException.class)
                .hasMessage("cgroup path ../b: '..' is not allowed");
        assertThatThrownBy(() -> Paths.resolve("/a", "/")).isInstanceOf(CgroupException.class)
                .hasMessage("cgroup path / names the hierarchy's root");
        assertThatThrownBy(() -> Paths.resolve("/a", "")).isInstanceOf(CgroupException.class)
                .hasMessage("cgroup path is empty");
    }

    @Test
    void sharesBecomeWeightsOnTheCurveRuncAndCrunUse() {
        assertThat(Shares.cpuWeight(0)).isZero();
        assertThat(Shares.cpuWeight(2)).isEqualTo(1);
        assertThat(Shares.cpuWeight(1024)).isEqualTo(100);
        assertThat(Shares.cpuWeight(262144)).isEqualTo(10000);
        // runc 1.4's documented example: --cpu-shares 2000 gives cpu.weight 170
        assertThat(Shares.cpuWeight(2000)).isEqualTo(170);
        assertThat(Shares.ioWeight(10)).isEqualTo(1);
        assertThat(Shares.ioWeight(1000)).isEqualTo(10000);
        assertThat(Shares.ioWeight(500)).isEqualTo(4950);
    }

    @Test
    void hugePageSizesAreSpelledAsTheCgroupFilesSpellThem() {
        assertThat(HugePages.spelled(2048)).isEqualTo("2MB");
        assertThat(HugePages.spelled(1048576)).isEqualTo("1GB");
        assertThat(HugePages.spelled(64)).isEqualTo("64KB");
    }

    @Test
    void deviceRulesReadInTheV1Syntax() {
        assertThat(new CgroupResources.DeviceRule(true, 'c', 1L, 3L, "rwm").v1Syntax()).isEqualTo("c 1:3 rwm");
        assertThat(new CgroupResources.DeviceRule(false, 'a', null, null, null).v1Syntax()).isEqualTo("a *:* rwm");
        assertThatThrownBy(() -> new CgroupResources.DeviceRule(true, 'x', null, null, "r"))
                .hasMessage("device rule: type must be a, b or c, not 'x'");
        assertThatThrownBy(() -> new CgroupResources.DeviceRule(true, 'c', 1L, 3L, "rwx"))
                .hasMessage("device rule: access must be made of r, w and m, not \"rwx\"");
    }
}
