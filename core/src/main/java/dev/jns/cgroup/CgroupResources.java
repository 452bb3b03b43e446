package dev.jns.cgroup;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a cgroup may use: the OCI runtime spec's {@code linux.resources}, field by field. A
 * {@code null} field (or an empty list or map) is not set: applying leaves that setting as it
 * is, so the same record serves creation and {@code update}. Values are the spec's, in the
 * spec's units; each cgroup version maps them onto its own files.
 */
public record CgroupResources(Memory memory, Cpu cpu, Pids pids, BlockIo blockIo,
                              List<HugepageLimit> hugepageLimits, List<DeviceRule> devices,
                              Map<String, String> unified) {
    /** Nothing set. */
    public static final CgroupResources NONE = new CgroupResources(null, null, null, null, List.of(), List.of(), Map.of());

    public CgroupResources {
        hugepageLimits = hugepageLimits == null ? List.of() : List.copyOf(hugepageLimits);
        devices = devices == null ? List.of() : List.copyOf(devices);
        unified = unified == null ? Map.of() : Map.copyOf(unified);
    }

    public CgroupResources withMemory(Memory m) {
        return new CgroupResources(m, cpu, pids, blockIo, hugepageLimits, devices, unified);
    }

    public CgroupResources withCpu(Cpu c) {
        return new CgroupResources(memory, c, pids, blockIo, hugepageLimits, devices, unified);
    }

    public CgroupResources withPids(Pids p) {
        return new CgroupResources(memory, cpu, p, blockIo, hugepageLimits, devices, unified);
    }

    public CgroupResources withBlockIo(BlockIo b) {
        return new CgroupResources(memory, cpu, pids, b, hugepageLimits, devices, unified);
    }

    public CgroupResources withHugepageLimits(List<HugepageLimit> h) {
        return new CgroupResources(memory, cpu, pids, blockIo, h, devices, unified);
    }

    public CgroupResources withDevices(List<DeviceRule> d) {
        return new CgroupResources(memory, cpu, pids, blockIo, hugepageLimits, d, unified);
    }

    public CgroupResources withUnified(Map<String, String> u) {
        return new CgroupResources(memory, cpu, pids, blockIo, hugepageLimits, devices, u);
    }

    /**
     * {@code linux.resources.memory}, in bytes; -1 means unlimited. {@code swap} is the spec's
     * memory+swap total (cgroup v1's {@code memsw}), which cgroup v2 turns into a swap-only
     * limit. {@code kernel} is deprecated by the spec and ignored, as runc and crun do.
     */
    public record Memory(Long limit, Long reservation, Long swap, Long kernel, Long kernelTcp,
                         Long swappiness, Boolean disableOomKiller) {
        public static Memory limit(long bytes) {
            return new Memory(bytes, null, null, null, null, null, null);
        }

        public Memory withSwap(long total) {
            return new Memory(limit, reservation, total, kernel, kernelTcp, swappiness, disableOomKiller);
        }

        public Memory withReservation(long bytes) {
            return new Memory(limit, bytes, swap, kernel, kernelTcp, swappiness, disableOomKiller);
        }

        public Memory withSwappiness(long value) {
            return new Memory(limit, reservation, swap, kernel, kernelTcp, value, disableOomKiller);
        }

        public Memory withDisableOomKiller(boolean disable) {
            return new Memory(limit, reservation, swap, kernel, kernelTcp, swappiness, disable);
        }
    }

    /**
     * {@code linux.resources.cpu}: shares (v1's scale, 2..262144), CFS quota/period/burst in
     * microseconds (quota -1: unlimited), real-time runtime/period, cpuset lists
     * ({@code "0-3,5"}), and idle (0 or 1).
     */
    public record Cpu(Long shares, Long quota, Long burst, Long period, Long realtimeRuntime,
                      Long realtimePeriod, String cpus, String mems, Long idle) {
        public static final Cpu NONE = new Cpu(null, null, null, null, null, null, null, null, null);

        public Cpu withShares(long s) {
            return new Cpu(s, quota, burst, period, realtimeRuntime, realtimePeriod, cpus, mems, idle);
        }

        public Cpu withQuota(long q, long p) {
            return new Cpu(shares, q, burst, p, realtimeRuntime, realtimePeriod, cpus, mems, idle);
        }

        public Cpu withCpus(String list) {
            return new Cpu(shares, quota, burst, period, realtimeRuntime, realtimePeriod, list, mems, idle);
        }

        public Cpu withMems(String list) {
            return new Cpu(shares, quota, burst, period, realtimeRuntime, realtimePeriod, cpus, list, idle);
        }
    }

    /** {@code linux.resources.pids}: at most {@code limit} tasks; negative: unlimited; 0: left as it is, as runc does. */
    public record Pids(long limit) {}

    /** {@code linux.resources.blockIO}: weights 10..1000 (v1's scale) and throttles per device. */
    public record BlockIo(Integer weight, Integer leafWeight, List<WeightDevice> weightDevices,
                          List<ThrottleDevice> throttleReadBps, List<ThrottleDevice> throttleWriteBps,
                          List<ThrottleDevice> throttleReadIops, List<ThrottleDevice> throttleWriteIops) {
        public BlockIo {
            weightDevices = weightDevices == null ? List.of() : List.copyOf(weightDevices);
            throttleReadBps = throttleReadBps == null ? List.of() : List.copyOf(throttleReadBps);
            throttleWriteBps = throttleWriteBps == null ? List.of() : List.copyOf(throttleWriteBps);
            throttleReadIops = throttleReadIops == null ? List.of() : List.copyOf(throttleReadIops);
            throttleWriteIops = throttleWriteIops == null ? List.of() : List.copyOf(throttleWriteIops);
        }
    }

    public record WeightDevice(long major, long minor, Integer weight, Integer leafWeight) {}

    /** A rate per second for one block device; 0 removes the limit. */
    public record ThrottleDevice(long major, long minor, long rate) {}

    /** At most {@code limit} bytes of huge pages of {@code pageSize} ({@code "2MB"}, {@code "1GB"}). */
    public record HugepageLimit(String pageSize, long limit) {
        public HugepageLimit {
            Objects.requireNonNull(pageSize, "pageSize");
        }
    }

    /**
     * One device cgroup rule: allow or deny {@code access} (a non-empty subset of {@code rwm})
     * to devices of {@code type} ({@code a} all, {@code b} block, {@code c} char) with the
     * given numbers ({@code null}: any). Later rules win over earlier ones, as in the spec.
     */
    public record DeviceRule(boolean allow, char type, Long major, Long minor, String access) {
        public DeviceRule {
            if (type != 'a' && type != 'b' && type != 'c') {
                throw new CgroupException("device rule: type must be a, b or c, not '" + type + "'");
            }
            if (access == null || access.isEmpty()) access = "rwm";
            if (!access.chars().allMatch(ch -> ch == 'r' || ch == 'w' || ch == 'm')) {
                throw new CgroupException("device rule: access must be made of r, w and m, not \"" + access + "\"");
            }
        }

        /** The rule in the v1 {@code devices.allow}/{@code devices.deny} syntax, e.g. {@code c 1:3 rwm}. */
        public String v1Syntax() {
            return type + " " + (major == null ? "*" : major.toString()) + ":" + (minor == null ? "*" : minor.toString())
                    + " " + access;
        }
    }
}
