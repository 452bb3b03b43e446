package dev.jns.cgroup;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a cgroup may use: the OCI runtime spec's {@code linux.resources}, field by field. A
 * {@code null} field (or an empty list or map) is not set: applying leaves that setting as it
 * is, so the same record serves creation and {@code update}. Values are the spec's, in the
 * spec's units; each cgroup version maps them onto its own files.
 *
 * @param memory the memory settings, or null
 * @param cpu the CPU settings, or null
 * @param pids the pids limit, or null
 * @param blockIo the block I/O settings, or null
 * @param hugepageLimits the huge page limits
 * @param devices the device rules, in order
 * @param unified cgroup v2 files and the values to write to them
 */
public record CgroupResources(Memory memory, Cpu cpu, Pids pids, BlockIo blockIo,
                              List<HugepageLimit> hugepageLimits, List<DeviceRule> devices,
                              Map<String, String> unified) {
    /** Nothing set. */
    public static final CgroupResources NONE = new CgroupResources(null, null, null, null, List.of(), List.of(), Map.of());

    /** Null lists and maps read as empty; all are copied. */
    public CgroupResources {
        hugepageLimits = hugepageLimits == null ? List.of() : List.copyOf(hugepageLimits);
        devices = devices == null ? List.of() : List.copyOf(devices);
        unified = unified == null ? Map.of() : Map.copyOf(unified);
    }

    /**
     * A copy with the memory settings replaced.
     *
     * @param m the memory settings
     * @return the copy
     */
    public CgroupResources withMemory(Memory m) {
        return new CgroupResources(m, cpu, pids, blockIo, hugepageLimits, devices, unified);
    }

    /**
     * A copy with the CPU settings replaced.
     *
     * @param c the CPU settings
     * @return the copy
     */
    public CgroupResources withCpu(Cpu c) {
        return new CgroupResources(memory, c, pids, blockIo, hugepageLimits, devices, unified);
    }

    /**
     * A copy with the pids limit replaced.
     *
     * @param p the new value
     * @return the copy
     */
    public CgroupResources withPids(Pids p) {
        return new CgroupResources(memory, cpu, p, blockIo, hugepageLimits, devices, unified);
    }

    /**
     * A copy with the block I/O settings replaced.
     *
     * @param b the block I/O settings
     * @return the copy
     */
    public CgroupResources withBlockIo(BlockIo b) {
        return new CgroupResources(memory, cpu, pids, b, hugepageLimits, devices, unified);
    }

    /**
     * A copy with the huge page limits replaced.
     *
     * @param h the huge page limits
     * @return the copy
     */
    public CgroupResources withHugepageLimits(List<HugepageLimit> h) {
        return new CgroupResources(memory, cpu, pids, blockIo, h, devices, unified);
    }

    /**
     * A copy with the device rules replaced.
     *
     * @param d the device rules
     * @return the copy
     */
    public CgroupResources withDevices(List<DeviceRule> d) {
        return new CgroupResources(memory, cpu, pids, blockIo, hugepageLimits, d, unified);
    }

    /**
     * A copy with the cgroup v2 file settings replaced.
     *
     * @param u cgroup v2 files and their values
     * @return the copy
     */
    public CgroupResources withUnified(Map<String, String> u) {
        return new CgroupResources(memory, cpu, pids, blockIo, hugepageLimits, devices, u);
    }

    /**
     * {@code linux.resources.memory}, in bytes; -1 means unlimited. {@code swap} is the spec's
     * memory+swap total (cgroup v1's {@code memsw}), which cgroup v2 turns into a swap-only
     * limit. {@code kernel} is deprecated by the spec and ignored, as runc and crun do.
     *
     * @param limit the hard limit
     * @param reservation the soft limit
     * @param swap the memory+swap total
     * @param kernel ignored (deprecated by the spec)
     * @param kernelTcp the TCP buffer limit (cgroup v1)
     * @param swappiness 0 to 100 (cgroup v1)
     * @param disableOomKiller whether the OOM killer spares the cgroup (cgroup v1)
     */
    public record Memory(Long limit, Long reservation, Long swap, Long kernel, Long kernelTcp,
                         Long swappiness, Boolean disableOomKiller) {
        /**
         * A memory limit alone.
         *
         * @param bytes the bytes
         * @return the settings
         */
        public static Memory limit(long bytes) {
            return new Memory(bytes, null, null, null, null, null, null);
        }

        /**
         * A copy with the memory+swap total set.
         *
         * @param total the memory+swap total in bytes
         * @return the copy
         */
        public Memory withSwap(long total) {
            return new Memory(limit, reservation, total, kernel, kernelTcp, swappiness, disableOomKiller);
        }

        /**
         * A copy with the soft limit set.
         *
         * @param bytes the bytes
         * @return the copy
         */
        public Memory withReservation(long bytes) {
            return new Memory(limit, bytes, swap, kernel, kernelTcp, swappiness, disableOomKiller);
        }

        /**
         * A copy with the swappiness set.
         *
         * @param value the value
         * @return the copy
         */
        public Memory withSwappiness(long value) {
            return new Memory(limit, reservation, swap, kernel, kernelTcp, value, disableOomKiller);
        }

        /**
         * A copy with the OOM killer disabled or not (cgroup v1 only).
         *
         * @param disable whether to disable it
         * @return the copy
         */
        public Memory withDisableOomKiller(boolean disable) {
            return new Memory(limit, reservation, swap, kernel, kernelTcp, swappiness, disable);
        }
    }

    /**
     * {@code linux.resources.cpu}: shares (v1's scale, 2..262144), CFS quota/period/burst in
     * microseconds (quota -1: unlimited), real-time runtime/period, cpuset lists
     * ({@code "0-3,5"}), and idle (0 or 1).
     *
     * @param shares the relative weight
     * @param quota the CFS quota per period, in microseconds
     * @param burst the CFS burst, in microseconds
     * @param period the CFS period, in microseconds
     * @param realtimeRuntime the real-time runtime, in microseconds
     * @param realtimePeriod the real-time period, in microseconds
     * @param cpus the CPUs, e.g. {@code 0-3,5}
     * @param mems the memory nodes, e.g. {@code 0}
     * @param idle 1 to make the cgroup idle, 0 not
     */
    public record Cpu(Long shares, Long quota, Long burst, Long period, Long realtimeRuntime,
                      Long realtimePeriod, String cpus, String mems, Long idle) {
        public static final Cpu NONE = new Cpu(null, null, null, null, null, null, null, null, null);

        /**
         * A copy with the shares set.
         *
         * @param s the shares
         * @return the copy
         */
        public Cpu withShares(long s) {
            return new Cpu(s, quota, burst, period, realtimeRuntime, realtimePeriod, cpus, mems, idle);
        }

        /**
         * A copy with the CFS quota and period set.
         *
         * @param q the quota in microseconds
         * @param p the period in microseconds
         * @return the copy
         */
        public Cpu withQuota(long q, long p) {
            return new Cpu(shares, q, burst, p, realtimeRuntime, realtimePeriod, cpus, mems, idle);
        }

        /**
         * A copy with the CPUs the processes may run on set.
         *
         * @param list the list, e.g. {@code 0-3,5}
         * @return the copy
         */
        public Cpu withCpus(String list) {
            return new Cpu(shares, quota, burst, period, realtimeRuntime, realtimePeriod, list, mems, idle);
        }

        /**
         * A copy with the memory nodes set.
         *
         * @param list the list, e.g. {@code 0-3,5}
         * @return the copy
         */
        public Cpu withMems(String list) {
            return new Cpu(shares, quota, burst, period, realtimeRuntime, realtimePeriod, cpus, list, idle);
        }
    }

    /**
     * {@code linux.resources.pids}: at most {@code limit} tasks; negative: unlimited; 0: left as it is, as runc does.
     *
     * @param limit the hard limit
     */
    public record Pids(long limit) {}

    /**
     * {@code linux.resources.blockIO}: weights 10..1000 (v1's scale) and throttles per device.
     *
     * @param weight the weight
     * @param leafWeight the weight for the cgroup's own tasks (cgroup v1)
     * @param weightDevices weights per device
     * @param throttleReadBps read limits in bytes per second
     * @param throttleWriteBps write limits in bytes per second
     * @param throttleReadIops read limits in operations per second
     * @param throttleWriteIops write limits in operations per second
     */
    public record BlockIo(Integer weight, Integer leafWeight, List<WeightDevice> weightDevices,
                          List<ThrottleDevice> throttleReadBps, List<ThrottleDevice> throttleWriteBps,
                          List<ThrottleDevice> throttleReadIops, List<ThrottleDevice> throttleWriteIops) {
        /** Null lists read as empty; all are copied. */
        public BlockIo {
            weightDevices = weightDevices == null ? List.of() : List.copyOf(weightDevices);
            throttleReadBps = throttleReadBps == null ? List.of() : List.copyOf(throttleReadBps);
            throttleWriteBps = throttleWriteBps == null ? List.of() : List.copyOf(throttleWriteBps);
            throttleReadIops = throttleReadIops == null ? List.of() : List.copyOf(throttleReadIops);
            throttleWriteIops = throttleWriteIops == null ? List.of() : List.copyOf(throttleWriteIops);
        }
    }

    /**
     * A weight for one block device (v1's scale).
     *
     * @param major the device's major number
     * @param minor the device's minor number
     * @param weight the weight
     * @param leafWeight the weight for the cgroup's own tasks (cgroup v1)
     */
    public record WeightDevice(long major, long minor, Integer weight, Integer leafWeight) {}

    /**
     * A rate per second for one block device; 0 removes the limit.
     *
     * @param major the device's major number
     * @param minor the device's minor number
     * @param rate the rate
     */
    public record ThrottleDevice(long major, long minor, long rate) {}

    /**
     * At most {@code limit} bytes of huge pages of {@code pageSize} ({@code "2MB"}, {@code "1GB"}).
     *
     * @param pageSize the huge page size, e.g. {@code 2MB}
     * @param limit the hard limit
     */
    public record HugepageLimit(String pageSize, long limit) {
        /** Checks that the page size is given. */
        public HugepageLimit {
            Objects.requireNonNull(pageSize, "pageSize");
        }
    }

    /**
     * One device cgroup rule: allow or deny {@code access} (a non-empty subset of {@code rwm})
     * to devices of {@code type} ({@code a} all, {@code b} block, {@code c} char) with the
     * given numbers ({@code null}: any). Later rules win over earlier ones, as in the spec.
     *
     * @param allow true to allow, false to deny
     * @param type {@code a}, {@code b} or {@code c}
     * @param major the major number, or null for any
     * @param minor the minor number, or null for any
     * @param access a subset of {@code rwm}
     */
    public record DeviceRule(boolean allow, char type, Long major, Long minor, String access) {
        /** Checks the rule; a null or empty access reads as {@code rwm}. */
        public DeviceRule {
            if (type != 'a' && type != 'b' && type != 'c') {
                throw new CgroupException("device rule: type must be a, b or c, not '" + type + "'");
            }
            if (access == null || access.isEmpty()) access = "rwm";
            if (!access.chars().allMatch(ch -> ch == 'r' || ch == 'w' || ch == 'm')) {
                throw new CgroupException("device rule: access must be made of r, w and m, not \"" + access + "\"");
            }
        }

        /**
         * The rule in the v1 {@code devices.allow}/{@code devices.deny} syntax, e.g. {@code c 1:3 rwm}.
         *
         * @return the rule as text
         */
        public String v1Syntax() {
            return type + " " + (major == null ? "*" : major.toString()) + ":" + (minor == null ? "*" : minor.toString())
                    + " " + access;
        }
    }
}
