package dev.jns.cgroup;

import dev.jns.os.Errno;
import dev.jns.os.Signals;
import dev.jns.os.SyscallException;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** A cgroup in cgroup v1: one directory in each mounted controller hierarchy. */
final class CgroupV1 implements Cgroup {
    /** USER_HZ on Linux x86_64: cpuacct.stat counts in its ticks. */
    private static final long NANOS_PER_TICK = 10_000_000L;

    /** One hierarchy's part of the cgroup. */
    private record Part(CgroupLayout.Hierarchy hierarchy, String path, Path dir, List<Path> made) {}

    private final List<Part> parts;

    private CgroupV1(List<Part> parts) {
        this.parts = List.copyOf(parts);
    }

    static CgroupV1 create(CgroupLayout.Legacy layout, String cgroupsPath) {
        List<Part> parts = new ArrayList<>();
        List<Path> allMade = new ArrayList<>();
        for (CgroupLayout.Hierarchy h : layout.hierarchies()) {
            String path = Paths.resolve(h.ownPath(), cgroupsPath);
            List<Path> made = new ArrayList<>();
            Path d = h.mount();
            try {
                for (String part : path.substring(1).split("/")) {
                    d = d.resolve(part);
                    if (ControlFiles.mkdir(d)) {
                        made.add(d);
                        allMade.add(d);
                        if (h.controllers().contains("cpuset")) inheritCpuset(d);
                    }
                }
            } catch (SyscallException e) {
                Removal.undo(allMade);
                throw Removal.explainDenied(e, d, 1);
            }
            parts.add(new Part(h, path, Paths.directory(h.mount(), path), made));
        }
        return new CgroupV1(parts);
    }

    /**
     * A new v1 cpuset starts with no CPUs and no memory nodes, and no task may join it until
     * it has both: it gets its parent's, as runc does.
     */
    private static void inheritCpuset(Path dir) {
        for (String file : List.of("cpuset.cpus", "cpuset.mems")) {
            if (ControlFiles.readLine(dir.resolve(file)).isEmpty()) {
                ControlFiles.write(dir.resolve(file), ControlFiles.readLine(dir.getParent().resolve(file)));
            }
        }
    }

    static CgroupV1 open(CgroupLayout.Legacy layout, String cgroupsPath) {
        List<Part> parts = new ArrayList<>();
        for (CgroupLayout.Hierarchy h : layout.hierarchies()) {
            String path = Paths.resolve(h.ownPath(), cgroupsPath);
            Path dir = Paths.directory(h.mount(), path);
            if (ControlFiles.exists(dir.resolve("cgroup.procs"))) parts.add(new Part(h, path, dir, List.of()));
        }
        if (parts.isEmpty()) throw new CgroupException("no cgroup " + cgroupsPath + " in any cgroup v1 hierarchy");
        return new CgroupV1(parts);
    }

    static CgroupV1 open(CgroupLayout.Legacy layout, Map<String, Path> directories) {
        List<Part> parts = new ArrayList<>();
        for (CgroupLayout.Hierarchy h : layout.hierarchies()) {
            Path dir = h.controllers().stream().map(directories::get).filter(java.util.Objects::nonNull).findFirst().orElse(null);
            if (dir == null) continue;
            String path = Paths.below(h.mount(), dir);
            if (ControlFiles.exists(dir.resolve("cgroup.procs"))) parts.add(new Part(h, path, Paths.directory(h.mount(), path), List.of()));
        }
        if (parts.isEmpty()) throw new CgroupException("no cgroup v1 cgroup at " + directories);
        return new CgroupV1(parts);
    }

    public int version() {
        return 1;
    }

    public String path() {
        return parts.getFirst().path();
    }

    public Map<String, Path> directories() {
        Map<String, Path> out = new TreeMap<>();
        for (Part p : parts) {
            for (String c : p.hierarchy().controllers()) out.put(c, p.dir());
        }
        return out;
    }

    public boolean exists() {
        return parts.stream().anyMatch(p -> ControlFiles.exists(p.dir()));
    }

    public void place(long pid) {
        for (Part p : parts) ControlFiles.write(p.dir().resolve("cgroup.procs"), Long.toString(pid));
    }

    /** The directory of the hierarchy with {@code controller}, or a clear error naming the setting that needs it. */
    private Path dir(String controller, String neededFor) {
        for (Part p : parts) {
            if (p.hierarchy().controllers().contains(controller)) return p.dir();
        }
        throw new CgroupException("cgroup v1: no hierarchy with the " + controller + " controller is mounted (needed for "
                + neededFor + ")");
    }

    private boolean has(String controller) {
        return parts.stream().anyMatch(p -> p.hierarchy().controllers().contains(controller));
    }

    // ---- resources ------------------------------------------------------------------

    public void apply(CgroupResources r) {
        if (!r.unified().isEmpty()) {
            throw new CgroupException("unified: cgroup v2 settings (" + String.join(", ", new java.util.TreeSet<>(r.unified().keySet()))
                    + ") cannot be applied on cgroup v1");
        }
        if (r.memory() != null) applyMemory(r.memory());
        if (r.cpu() != null) applyCpu(r.cpu());
        if (r.pids() != null && r.pids().limit() != 0) {
            ControlFiles.write(dir("pids", "pids.limit").resolve("pids.max"),
                    r.pids().limit() > 0 ? Long.toString(r.pids().limit()) : "max");
        }
        if (r.blockIo() != null) applyBlkio(r.blockIo());
        for (CgroupResources.HugepageLimit h : r.hugepageLimits()) {
            Path d = dir("hugetlb", "hugepageLimits");
            ControlFiles.write(d.resolve("hugetlb." + h.pageSize() + ".limit_in_bytes"), Long.toString(h.limit()));
            Path reserved = d.resolve("hugetlb." + h.pageSize() + ".rsvd.limit_in_bytes");
            if (ControlFiles.exists(reserved)) ControlFiles.write(reserved, Long.toString(h.limit()));
        }
        if (!r.devices().isEmpty()) {
            Path d = dir("devices", "devices");
            for (CgroupResources.DeviceRule rule : r.devices()) {
                ControlFiles.write(d.resolve(rule.allow() ? "devices.allow" : "devices.deny"), rule.v1Syntax());
            }
        }
    }

    private void applyMemory(CgroupResources.Memory m) {
        boolean limit = m.limit() != null && m.limit() != 0;
        boolean swap = m.swap() != null && m.swap() != 0;
        boolean other = m.reservation() != null || m.kernelTcp() != null || m.swappiness() != null || m.disableOomKiller() != null;
        if (!limit && !swap && !other) return;
        Path d = dir("memory", "memory");
        Path memsw = d.resolve("memory.memsw.limit_in_bytes");
        if (swap && !ControlFiles.exists(memsw)) {
            throw new CgroupException("memory.swap: this kernel keeps no swap accounting (no memory.memsw.limit_in_bytes)");
        }
        // The kernel keeps memory <= memory+swap at every step: raise memsw first, lower it last.
        if (limit && swap) {
            long current = ControlFiles.readNumber(d.resolve("memory.limit_in_bytes"));
            if (m.swap() == -1 || current < m.swap()) {
                ControlFiles.write(memsw, Long.toString(m.swap()));
                ControlFiles.write(d.resolve("memory.limit_in_bytes"), Long.toString(m.limit()));
            } else {
                ControlFiles.write(d.resolve("memory.limit_in_bytes"), Long.toString(m.limit()));
                ControlFiles.write(memsw, Long.toString(m.swap()));
            }
        } else if (limit) {
            ControlFiles.write(d.resolve("memory.limit_in_bytes"), Long.toString(m.limit()));
            // An unlimited memory limit with no swap given lifts memory+swap too, as runc does.
            if (m.limit() == -1 && ControlFiles.exists(memsw)) ControlFiles.write(memsw, "-1");
        } else if (swap) {
            ControlFiles.write(memsw, Long.toString(m.swap()));
        }
        if (m.reservation() != null && m.reservation() != 0) {
            ControlFiles.write(d.resolve("memory.soft_limit_in_bytes"), Long.toString(m.reservation()));
        }
        if (m.kernelTcp() != null && m.kernelTcp() != 0) {
            ControlFiles.write(d.resolve("memory.kmem.tcp.limit_in_bytes"), Long.toString(m.kernelTcp()));
        }
        if (m.swappiness() != null && m.swappiness() != -1) {
            if (m.swappiness() < 0 || m.swappiness() > 100) {
                throw new CgroupException("memory.swappiness: " + m.swappiness() + " is not between 0 and 100");
            }
            ControlFiles.write(d.resolve("memory.swappiness"), Long.toString(m.swappiness()));
        }
        if (m.disableOomKiller() != null) {
            ControlFiles.write(d.resolve("memory.oom_control"), m.disableOomKiller() ? "1" : "0");
        }
    }

    private void applyCpu(CgroupResources.Cpu c) {
        boolean quota = c.quota() != null && c.quota() != 0;
        boolean period = c.period() != null && c.period() != 0;
        boolean rtRuntime = c.realtimeRuntime() != null && c.realtimeRuntime() != 0;
        boolean rtPeriod = c.realtimePeriod() != null && c.realtimePeriod() != 0;
        if ((c.shares() != null && c.shares() != 0) || quota || period || rtRuntime || rtPeriod || c.burst() != null
                || c.idle() != null) {
            Path d = dir("cpu", "cpu");
            if (c.shares() != null && c.shares() != 0) ControlFiles.write(d.resolve("cpu.shares"), Long.toString(c.shares()));
            if (period) {
                try {
                    ControlFiles.write(d.resolve("cpu.cfs_period_us"), Long.toString(c.period()));
                } catch (SyscallException e) {
                    // The old quota may not fit the new period; with the new quota first it does.
                    if (e.errno() != Errno.EINVAL || !quota) throw e;
                    ControlFiles.write(d.resolve("cpu.cfs_quota_us"), Long.toString(c.quota()));
                    ControlFiles.write(d.resolve("cpu.cfs_period_us"), Long.toString(c.period()));
                }
            }
            if (quota) ControlFiles.write(d.resolve("cpu.cfs_quota_us"), Long.toString(c.quota()));
            if (c.burst() != null) ControlFiles.write(d.resolve("cpu.cfs_burst_us"), Long.toString(c.burst()));
            if (rtPeriod) ControlFiles.write(d.resolve("cpu.rt_period_us"), Long.toString(c.realtimePeriod()));
            if (rtRuntime) ControlFiles.write(d.resolve("cpu.rt_runtime_us"), Long.toString(c.realtimeRuntime()));
            if (c.idle() != null) ControlFiles.write(d.resolve("cpu.idle"), Long.toString(c.idle()));
        }
        if (c.cpus() != null && !c.cpus().isEmpty()) ControlFiles.write(dir("cpuset", "cpu.cpus").resolve("cpuset.cpus"), c.cpus());
        if (c.mems() != null && !c.mems().isEmpty()) ControlFiles.write(dir("cpuset", "cpu.mems").resolve("cpuset.mems"), c.mems());
    }

    private void applyBlkio(CgroupResources.BlockIo b) {
        Path d = dir("blkio", "blockIO");
        // With BFQ the weights live in blkio.bfq.*; CFQ (gone since 5.0) had blkio.weight.
        String weightFile = ControlFiles.exists(d.resolve("blkio.bfq.weight")) ? "blkio.bfq.weight" : "blkio.weight";
        if (b.weight() != null && b.weight() != 0) writeBlkio(d, weightFile, Integer.toString(b.weight()), "blockIO.weight");
        if (b.leafWeight() != null && b.leafWeight() != 0) {
            writeBlkio(d, "blkio.leaf_weight", Integer.toString(b.leafWeight()), "blockIO.leafWeight");
        }
        for (CgroupResources.WeightDevice w : b.weightDevices()) {
            String dev = w.major() + ":" + w.minor() + " ";
            if (w.weight() != null) {
                writeBlkio(d, weightFile.equals("blkio.weight") ? "blkio.weight_device" : weightFile, dev + w.weight(),
                        "blockIO.weightDevice");
            }
            if (w.leafWeight() != null) writeBlkio(d, "blkio.leaf_weight_device", dev + w.leafWeight(), "blockIO.weightDevice");
        }
        throttle(d, "blkio.throttle.read_bps_device", b.throttleReadBps());
        throttle(d, "blkio.throttle.write_bps_device", b.throttleWriteBps());
        throttle(d, "blkio.throttle.read_iops_device", b.throttleReadIops());
        throttle(d, "blkio.throttle.write_iops_device", b.throttleWriteIops());
    }

    private static void writeBlkio(Path d, String file, String value, String setting) {
        if (!ControlFiles.exists(d.resolve(file))) {
            throw new CgroupException(setting + ": " + d + " has no " + file + " (no I/O scheduler with weights on this kernel)");
        }
        ControlFiles.write(d.resolve(file), value);
    }

    private static void throttle(Path d, String file, List<CgroupResources.ThrottleDevice> devices) {
        for (CgroupResources.ThrottleDevice t : devices) {
            ControlFiles.write(d.resolve(file), t.major() + ":" + t.minor() + " " + t.rate());
        }
    }

    // ---- freezing, signals, processes ------------------------------------------------

    public void freeze() {
        Path state = dir("freezer", "freezing").resolve("freezer.state");
        ControlFiles.write(state, "FROZEN");
        // A task in an uninterruptible sleep can hold the group in FREEZING; asking again retries it.
        Waiting.until(() -> {
            if (ControlFiles.readLine(state).equals("FROZEN")) return true;
            ControlFiles.write(state, "FROZEN");
            return false;
        }, Duration.ofSeconds(10), () -> new SyscallException("freeze", state + " (not FROZEN after 10 s)", Errno.EBUSY));
    }

    public void thaw() {
        ControlFiles.write(dir("freezer", "thawing").resolve("freezer.state"), "THAWED");
    }

    public boolean frozen() {
        return has("freezer") && !ControlFiles.readLine(dir("freezer", "").resolve("freezer.state")).equals("THAWED");
    }

    public List<Long> pids() {
        Set<Long> out = new LinkedHashSet<>();
        for (Part p : parts) {
            if (!ControlFiles.exists(p.dir())) continue;
            out.addAll(ControlFiles.readPids(p.dir().resolve("cgroup.procs")));
            for (Path d : ControlFiles.descendants(p.dir())) out.addAll(ControlFiles.readPids(d.resolve("cgroup.procs")));
        }
        return List.copyOf(out);
    }

    public boolean populated() {
        return !pids().isEmpty();
    }

    public void signalAll(int signal) {
        if (!has("freezer")) {
            // Without a freezer a forking process can slip past one pass; SIGKILL goes round until none is left.
            Removal.signalEach(pids(), signal);
            if (signal == Signals.SIGKILL) {
                Waiting.until(() -> {
                    List<Long> left = pids();
                    Removal.signalEach(left, signal);
                    return left.isEmpty();
                }, DEFAULT_REMOVE_TIMEOUT, () -> new SyscallException("kill", this + " (processes left after SIGKILL)", Errno.EBUSY));
            }
            return;
        }
        Removal.signalFrozen(this, signal);
    }

    // ---- stats -------------------------------------------------------------------------

    public CgroupStats stats() {
        CgroupStats.Memory memory = new CgroupStats.Memory(0, 0, CgroupStats.UNLIMITED, 0, 0, CgroupStats.UNLIMITED, 0, 0, 0, Map.of());
        if (has("memory")) {
            Path d = dir("memory", "");
            Map<String, Long> stat = ControlFiles.readKeyed(d.resolve("memory.stat"));
            long oomKills = ControlFiles.readKeyed(d.resolve("memory.oom_control")).getOrDefault("oom_kill", 0L);
            memory = new CgroupStats.Memory(ControlFiles.readNumber(d.resolve("memory.usage_in_bytes")),
                    ControlFiles.readNumber(d.resolve("memory.max_usage_in_bytes")),
                    ControlFiles.readNumber(d.resolve("memory.limit_in_bytes")),
                    ControlFiles.readNumber(d.resolve("memory.failcnt")),
                    ControlFiles.readNumberOr0(d.resolve("memory.memsw.usage_in_bytes")),
                    ControlFiles.exists(d.resolve("memory.memsw.limit_in_bytes"))
                            ? ControlFiles.readNumber(d.resolve("memory.memsw.limit_in_bytes")) : CgroupStats.UNLIMITED,
                    stat.getOrDefault("cache", 0L), oomKills, oomKills, stat);
        }
        CgroupStats.Cpu cpu = new CgroupStats.Cpu(0, 0, 0, List.of(), 0, 0, 0);
        long total = 0, user = 0, kernel = 0;
        List<Long> perCpu = List.of();
        if (has("cpuacct")) {
            Path d = dir("cpuacct", "");
            total = ControlFiles.readNumber(d.resolve("cpuacct.usage"));
            Map<String, Long> ticks = ControlFiles.readKeyed(d.resolve("cpuacct.stat"));
            user = ticks.getOrDefault("user", 0L) * NANOS_PER_TICK;
            kernel = ticks.getOrDefault("system", 0L) * NANOS_PER_TICK;
            perCpu = new ArrayList<>();
            for (String n : ControlFiles.readLine(d.resolve("cpuacct.usage_percpu")).split("\\s+")) {
                if (!n.isEmpty()) perCpu.add(Long.parseLong(n));
            }
        }
        if (has("cpu") || has("cpuacct")) {
            Map<String, Long> throttling = has("cpu") ? ControlFiles.readKeyed(dir("cpu", "").resolve("cpu.stat")) : Map.of();
            cpu = new CgroupStats.Cpu(total, user, kernel, perCpu, throttling.getOrDefault("nr_periods", 0L),
                    throttling.getOrDefault("nr_throttled", 0L), throttling.getOrDefault("throttled_time", 0L));
        }
        CgroupStats.Pids pids = new CgroupStats.Pids(0, CgroupStats.UNLIMITED);
        if (has("pids")) {
            Path d = dir("pids", "");
            pids = new CgroupStats.Pids(ControlFiles.readNumber(d.resolve("pids.current")), ControlFiles.readNumber(d.resolve("pids.max")));
        }
        List<CgroupStats.Hugetlb> hugetlb = new ArrayList<>();
        if (has("hugetlb")) {
            Path d = dir("hugetlb", "");
            for (String size : HugePages.sizes()) {
                String f = "hugetlb." + size + ".";
                if (!ControlFiles.exists(d.resolve(f + "usage_in_bytes"))) continue;
                hugetlb.add(new CgroupStats.Hugetlb(size, ControlFiles.readNumber(d.resolve(f + "usage_in_bytes")),
                        ControlFiles.readNumber(d.resolve(f + "max_usage_in_bytes")), ControlFiles.readNumber(d.resolve(f + "failcnt"))));
            }
        }
        List<CgroupStats.BlockIoEntry> blkio = new ArrayList<>();
        if (has("blkio")) {
            Path d = dir("blkio", "");
            blkioEntries(d.resolve("blkio.throttle.io_service_bytes_recursive"), "ioServiceBytes", blkio);
            blkioEntries(d.resolve("blkio.throttle.io_serviced_recursive"), "ioServiced", blkio);
        }
        return new CgroupStats(memory, cpu, pids, hugetlb, blkio);
    }

    private static void blkioEntries(Path file, String counter, List<CgroupStats.BlockIoEntry> out) {
        if (!ControlFiles.exists(file)) return;
        for (String line : ControlFiles.read(file).split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length != 3 || !f[0].contains(":")) continue; // the "Total N" line
            String[] dev = f[0].split(":");
            out.add(new CgroupStats.BlockIoEntry(counter, Long.parseLong(dev[0]), Long.parseLong(dev[1]), f[1], Long.parseLong(f[2])));
        }
    }

    // ---- removal -------------------------------------------------------------------------

    public void remove(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Waiting.until(() -> !populated(), timeout,
                () -> new SyscallException("rmdir", this + " (processes still in it after " + Waiting.seconds(timeout) + ")", Errno.EBUSY));
        for (Part p : parts) {
            Duration left = Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
            Removal.removeTree(p.dir(), left, () -> false);
            List<Path> parents = new ArrayList<>(p.made());
            parents.remove(p.dir());
            Removal.removeMadeParents(parents);
        }
    }

    @Override
    public String toString() {
        Map<String, Path> dirs = new LinkedHashMap<>();
        for (Part p : parts) dirs.put(p.hierarchy().name(), p.dir());
        return "cgroup v1 " + path() + " " + dirs.keySet();
    }
}
