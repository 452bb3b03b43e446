package dev.jns.cgroup;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The OCI resources as cgroup v2 files, on a stand-in directory tree: this machine's cgroup2
 * mount has no memory, cpu, pids or io controller to offer (they are bound to its v1
 * hierarchies), so the real kernel cannot check these mappings here. Each file starts empty,
 * and one value is written to each, as the kernel's files take them.
 */
class CgroupV2MappingTest {
    @TempDir
    Path mount;
    private Path dir;
    private Cgroup cg;

    @BeforeEach
    void standIn() throws IOException {
        dir = Files.createDirectories(mount.resolve("jns/c"));
        Files.writeString(dir.resolve("cgroup.controllers"), "cpuset cpu io memory hugetlb pids\n");
        for (String f : List.of("cgroup.procs", "memory.max", "memory.low", "memory.swap.max", "cpu.weight", "cpu.idle",
                "cpuset.cpus", "cpuset.mems", "pids.max", "io.weight", "io.max", "hugetlb.2MB.max", "memory.high")) {
            Files.writeString(dir.resolve(f), "");
        }
        Files.writeString(dir.resolve("cpu.max"), "max 100000");
        cg = new CgroupLayout.Unified(mount, "/").open("jns/c");
    }

    private String read(String file) throws IOException {
        return Files.readString(dir.resolve(file));
    }

    @Test
    void memoryLimitsAndTheSpecsMemoryPlusSwapBecomeSwapAlone() throws IOException {
        cg.apply(CgroupResources.NONE.withMemory(CgroupResources.Memory.limit(100 << 20).withSwap(150 << 20).withReservation(50 << 20)));
        assertThat(read("memory.max")).isEqualTo(Long.toString(100 << 20));
        assertThat(read("memory.swap.max")).isEqualTo(Long.toString(50 << 20));
        assertThat(read("memory.low")).isEqualTo(Long.toString(50 << 20));
    }

    @Test
    void unlimitedIsMax() throws IOException {
        cg.apply(CgroupResources.NONE.withMemory(CgroupResources.Memory.limit(-1).withSwap(-1))
                .withPids(new CgroupResources.Pids(-1)));
        assertThat(read("memory.max")).isEqualTo("max");
        assertThat(read("memory.swap.max")).isEqualTo("max");
        assertThat(read("pids.max")).isEqualTo("max");
    }

    @Test
    void whatV2CannotExpressIsRefusedByName() {
        assertThatThrownBy(() -> cg.apply(CgroupResources.NONE.withMemory(new CgroupResources.Memory(null, null, 200L, null, null, null, null))))
                .isInstanceOf(CgroupException.class).hasMessage("memory.swap: a memory+swap limit needs a memory limit on cgroup v2");
        assertThatThrownBy(() -> cg.apply(CgroupResources.NONE.withMemory(CgroupResources.Memory.limit(300).withSwap(200))))
                .isInstanceOf(CgroupException.class).hasMessage("memory.swap: the memory+swap limit (200) is below the memory limit (300)");
        assertThatThrownBy(() -> cg.apply(CgroupResources.NONE.withMemory(CgroupResources.Memory.limit(300).withSwappiness(10))))
                .isInstanceOf(CgroupException.class).hasMessage("memory.swappiness: cgroup v2 has no per-cgroup swappiness");
        assertThatThrownBy(() -> cg.apply(CgroupResources.NONE.withMemory(CgroupResources.Memory.limit(300).withDisableOomKiller(true))))
                .isInstanceOf(CgroupException.class).hasMessage("memory.disableOOMKiller: cgroup v2 cannot turn the OOM killer off");
        assertThatThrownBy(() -> cg.apply(CgroupResources.NONE.withCpu(new CgroupResources.Cpu(null, null, null, null, 950000L, 1000000L, null, null, null))))
                .isInstanceOf(CgroupException.class).hasMessage("cpu.realtimeRuntime/realtimePeriod: cgroup v2 has no real-time CPU limits");
    }

    @Test
    void cpuSharesBecomeAWeightAndQuotaAndPeriodOneCpuMax() throws IOException {
        cg.apply(CgroupResources.NONE.withCpu(CgroupResources.Cpu.NONE.withShares(1024).withQuota(50_000, 200_000).withCpus("0-1").withMems("0")));
        assertThat(read("cpu.weight")).isEqualTo("100");
        assertThat(read("cpu.max")).isEqualTo("50000 200000");
        assertThat(read("cpuset.cpus")).isEqualTo("0-1");
        assertThat(read("cpuset.mems")).isEqualTo("0");
    }

    @Test
    void aPeriodAloneKeepsTheQuotaThatIsSet() throws IOException {
        cg.apply(CgroupResources.NONE.withCpu(new CgroupResources.Cpu(null, null, null, 250_000L, null, null, null, null, null)));
        assertThat(read("cpu.max")).isEqualTo("max 250000");
    }

    @Test
    void blockIoWeightsAreRescaledAndThrottlesGoToIoMax() throws IOException {
        cg.apply(CgroupResources.NONE.withBlockIo(new CgroupResources.BlockIo(500, null, List.of(),
                List.of(new CgroupResources.ThrottleDevice(8, 0, 1048576)), List.of(), List.of(), List.of())));
        assertThat(read("io.weight")).isEqualTo("4950");
        assertThat(read("io.max")).isEqualTo("8:0 rbps=1048576");
    }

    @Test
    void hugepageLimitsAndUnifiedSettings() throws IOException {
        cg.apply(CgroupResources.NONE.withHugepageLimits(List.of(new CgroupResources.HugepageLimit("2MB", 4 << 21)))
                .withUnified(Map.of("memory.high", "64M")));
        assertThat(read("hugetlb.2MB.max")).isEqualTo(Integer.toString(4 << 21));
        assertThat(read("memory.high")).isEqualTo("64M");
        assertThatThrownBy(() -> cg.apply(CgroupResources.NONE.withUnified(Map.of("memory.oom.group", "1"))))
                .isInstanceOf(CgroupException.class)
                .hasMessage("unified: " + dir + " has no file memory.oom.group (is its controller enabled here?)");
    }

    @Test
    void statsReadTheV2Files() throws IOException {
        Files.writeString(dir.resolve("memory.current"), "1048576\n");
        Files.writeString(dir.resolve("memory.peak"), "2097152\n");
        Files.writeString(dir.resolve("memory.max"), "4194304\n");
        Files.writeString(dir.resolve("memory.events"), "low 0\nhigh 0\nmax 7\noom 2\noom_kill 1\n");
        Files.writeString(dir.resolve("memory.stat"), "anon 4096\nfile 8192\n");
        Files.writeString(dir.resolve("cpu.stat"), "usage_usec 1500\nuser_usec 1000\nsystem_usec 500\nnr_periods 4\nnr_throttled 2\nthrottled_usec 30\n");
        Files.writeString(dir.resolve("memory.swap.max"), "max\n");
        Files.writeString(dir.resolve("pids.current"), "3\n");
        Files.writeString(dir.resolve("pids.max"), "max\n");
        Files.writeString(dir.resolve("io.stat"), "8:0 rbytes=4096 wbytes=8192 rios=1 wios=2 dbytes=0 dios=0\n");
        CgroupStats s = cg.stats();
        assertThat(s.memory()).isEqualTo(new CgroupStats.Memory(1048576, 2097152, 4194304, 7, 0, CgroupStats.UNLIMITED, 8192, 2, 1,
                Map.of("anon", 4096L, "file", 8192L)));
        assertThat(s.cpu()).isEqualTo(new CgroupStats.Cpu(1_500_000, 1_000_000, 500_000, List.of(), 4, 2, 30_000));
        assertThat(s.pids()).isEqualTo(new CgroupStats.Pids(3, CgroupStats.UNLIMITED));
        assertThat(s.blockIo()).containsExactly(
                new CgroupStats.BlockIoEntry("ioServiceBytes", 8, 0, "Read", 4096),
                new CgroupStats.BlockIoEntry("ioServiceBytes", 8, 0, "Write", 8192),
                new CgroupStats.BlockIoEntry("ioServiced", 8, 0, "Read", 1),
                new CgroupStats.BlockIoEntry("ioServiced", 8, 0, "Write", 2));
    }
}
