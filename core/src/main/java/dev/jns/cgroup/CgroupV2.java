package dev.jns.cgroup;

import dev.jns.os.Errno;
import dev.jns.os.Signals;
import dev.jns.os.SyscallException;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** A cgroup in the unified (v2) hierarchy: one directory. */
final class CgroupV2 implements Cgroup {
    private final CgroupLayout.Unified layout;
    private final String path;
    private final Path dir;
    /** The directories this handle made, top first (the cgroup's own last, if it made it). */
    private final List<Path> made;

    private CgroupV2(CgroupLayout.Unified layout, String path, List<Path> made) {
        this.layout = layout;
        this.path = path;
        this.dir = layout.directory(path);
        this.made = List.copyOf(made);
    }

    static CgroupV2 create(CgroupLayout.Unified layout, String path) {
        List<Path> made = new ArrayList<>();
        Path d = layout.mount();
        try {
            for (String part : path.substring(1).split("/")) {
                d = d.resolve(part);
                if (ControlFiles.mkdir(d)) made.add(d);
            }
        } catch (SyscallException e) {
            Removal.undo(made);
            throw Removal.explainDenied(e, d, 2);
        }
        return new CgroupV2(layout, path, made);
    }

    static CgroupV2 open(CgroupLayout.Unified layout, String path) {
        Path d = layout.directory(path);
        if (!ControlFiles.exists(d.resolve("cgroup.procs"))) throw new CgroupException("no cgroup " + d);
        return new CgroupV2(layout, path, List.of());
    }

    public int version() {
        return 2;
    }

    public String path() {
        return path;
    }

    public Map<String, Path> directories() {
        return Map.of("unified", dir);
    }

    public boolean exists() {
        return ControlFiles.exists(dir);
    }

    public void place(long pid) {
        ControlFiles.write(dir.resolve("cgroup.procs"), Long.toString(pid));
    }

    // ---- resources ------------------------------------------------------------------

    public void apply(CgroupResources r) {
        enableControllers(controllersFor(r));
        if (r.memory() != null) applyMemory(r.memory());
        if (r.cpu() != null) applyCpu(r.cpu());
        if (r.pids() != null && r.pids().limit() != 0) {
            ControlFiles.write(dir.resolve("pids.max"), r.pids().limit() > 0 ? Long.toString(r.pids().limit()) : "max");
        }
        if (r.blockIo() != null) applyIo(r.blockIo());
        for (CgroupResources.HugepageLimit h : r.hugepageLimits()) {
            ControlFiles.write(dir.resolve("hugetlb." + h.pageSize() + ".max"), Long.toString(h.limit()));
            Path reserved = dir.resolve("hugetlb." + h.pageSize() + ".rsvd.max");
            if (ControlFiles.exists(reserved)) ControlFiles.write(reserved, Long.toString(h.limit()));
        }
        if (!r.devices().isEmpty()) DeviceFilter.install(dir, r.devices());
        for (Map.Entry<String, String> e : r.unified().entrySet()) {
            String key = e.getKey();
            if (key.isEmpty() || key.contains("/") || key.startsWith(".")) {
                throw new CgroupException("unified: \"" + key + "\" is not a cgroup file name");
            }
            Path file = dir.resolve(key);
            if (!ControlFiles.exists(file)) {
                throw new CgroupException("unified: " + dir + " has no file " + key + " (is its controller enabled here?)");
            }
            ControlFiles.write(file, e.getValue());
        }
    }

    private static Set<String> controllersFor(CgroupResources r) {
        Set<String> out = new LinkedHashSet<>();
        if (r.memory() != null) out.add("memory");
        CgroupResources.Cpu c = r.cpu();
        if (c != null) {
            if (c.shares() != null || c.quota() != null || c.period() != null || c.burst() != null || c.idle() != null) {
                out.add("cpu");
            }
            if (c.cpus() != null || c.mems() != null) out.add("cpuset");
        }
        if (r.pids() != null) out.add("pids");
        if (r.blockIo() != null) out.add("io");
        if (!r.hugepageLimits().isEmpty()) out.add("hugetlb");
        for (String key : r.unified().keySet()) {
            int dot = key.indexOf('.');
            if (dot > 0 && !key.startsWith("cgroup.")) out.add(key.substring(0, dot));
        }
        return out;
    }

    /**
     * Makes {@code needed} available in this cgroup by enabling them in each ancestor's
     * {@code cgroup.subtree_control}, from the top down, never in the hierarchy's root (that
     * is the machine's to delegate).
     */
    private void enableControllers(Set<String> needed) {
        Set<String> missing = missing(dir, needed);
        if (missing.isEmpty()) return;
        List<Path> chain = new ArrayList<>();
        for (Path p = dir.getParent(); p != null && !p.equals(layout.mount()) && p.startsWith(layout.mount()); p = p.getParent()) {
            chain.addFirst(p);
        }
        for (Path ancestor : chain) {
            Set<String> available = words(ancestor.resolve("cgroup.controllers"));
            Set<String> enabled = words(ancestor.resolve("cgroup.subtree_control"));
            for (String c : missing) {
                if (available.contains(c) && !enabled.contains(c)) {
                    ControlFiles.write(ancestor.resolve("cgroup.subtree_control"), "+" + c);
                }
            }
        }
        Set<String> still = missing(dir, needed);
        if (!still.isEmpty()) {
            throw new CgroupException("cgroup v2 " + dir + ": controller " + String.join(", ", still)
                    + " not available here (the root of " + layout.mount() + " delegates only: "
                    + String.join(" ", words(layout.mount().resolve("cgroup.subtree_control"))) + ")");
        }
    }

    private static Set<String> missing(Path dir, Set<String> needed) {
        Set<String> out = new LinkedHashSet<>(needed);
        out.removeAll(words(dir.resolve("cgroup.controllers")));
        return out;
    }

    private static Set<String> words(Path file) {
        Set<String> out = new LinkedHashSet<>();
        for (String w : ControlFiles.read(file).trim().split("\\s+")) {
            if (!w.isEmpty()) out.add(w);
        }
        return out;
    }

    private void applyMemory(CgroupResources.Memory m) {
        if (m.swappiness() != null) {
            throw new CgroupException("memory.swappiness: cgroup v2 has no per-cgroup swappiness");
        }
        if (Boolean.TRUE.equals(m.disableOomKiller())) {
            throw new CgroupException("memory.disableOOMKiller: cgroup v2 cannot turn the OOM killer off");
        }
        if (m.kernelTcp() != null && m.kernelTcp() != 0) {
            throw new CgroupException("memory.kernelTCP: cgroup v2 has no separate TCP memory limit");
        }
        // The spec's swap is memory+swap; v2 limits swap alone. Set before memory.max, as runc does.
        if (m.swap() != null && m.swap() != 0) {
            String swapMax;
            if (m.swap() == -1) {
                swapMax = "max";
            } else {
                long limit = m.limit() == null ? 0 : m.limit();
                if (limit == 0 || limit == -1) {
                    throw new CgroupException("memory.swap: a memory+swap limit needs a memory limit on cgroup v2");
                }
                if (m.swap() < limit) {
                    throw new CgroupException("memory.swap: the memory+swap limit (" + m.swap()
                            + ") is below the memory limit (" + limit + ")");
                }
                swapMax = Long.toString(m.swap() - limit);
            }
            Path file = dir.resolve("memory.swap.max");
            if (!ControlFiles.exists(file)) {
                if (!swapMax.equals("max")) throw new CgroupException("memory.swap: this kernel keeps no swap accounting (no memory.swap.max)");
            } else {
                ControlFiles.write(file, swapMax);
            }
        }
        if (m.limit() != null && m.limit() != 0) ControlFiles.write(dir.resolve("memory.max"), limit(m.limit()));
        if (m.reservation() != null && m.reservation() != 0) ControlFiles.write(dir.resolve("memory.low"), limit(m.reservation()));
    }

    private static String limit(long value) {
        return value < 0 ? "max" : Long.toString(value);
    }

    private void applyCpu(CgroupResources.Cpu c) {
        if ((c.realtimeRuntime() != null && c.realtimeRuntime() != 0) || (c.realtimePeriod() != null && c.realtimePeriod() != 0)) {
            throw new CgroupException("cpu.realtimeRuntime/realtimePeriod: cgroup v2 has no real-time CPU limits");
        }
        if (c.shares() != null && c.shares() != 0) {
            ControlFiles.write(dir.resolve("cpu.weight"), Long.toString(Shares.cpuWeight(c.shares())));
        }
        boolean quota = c.quota() != null && c.quota() != 0;
        boolean period = c.period() != null && c.period() != 0;
        if (quota || period) {
            String[] current = ControlFiles.readLine(dir.resolve("cpu.max")).split(" ");
            String q = quota ? (c.quota() > 0 ? Long.toString(c.quota()) : "max") : current[0];
            String p = period ? Long.toString(c.period()) : current[1];
            ControlFiles.write(dir.resolve("cpu.max"), q + " " + p);
        }
        if (c.burst() != null) ControlFiles.write(dir.resolve("cpu.max.burst"), Long.toString(c.burst()));
        if (c.idle() != null) ControlFiles.write(dir.resolve("cpu.idle"), Long.toString(c.idle()));
        if (c.cpus() != null && !c.cpus().isEmpty()) ControlFiles.write(dir.resolve("cpuset.cpus"), c.cpus());
        if (c.mems() != null && !c.mems().isEmpty()) ControlFiles.write(dir.resolve("cpuset.mems"), c.mems());
    }

    private void applyIo(CgroupResources.BlockIo b) {
        Path bfq = dir.resolve("io.bfq.weight");
        boolean useBfq = ControlFiles.exists(bfq);
        if (b.weight() != null && b.weight() != 0) {
            if (useBfq) {
                ControlFiles.write(bfq, Integer.toString(b.weight()));
            } else {
                ControlFiles.write(ioWeightFile(), Long.toString(Shares.ioWeight(b.weight())));
            }
        }
        for (CgroupResources.WeightDevice w : b.weightDevices()) {
            if (w.weight() == null) continue;
            String dev = w.major() + ":" + w.minor() + " ";
            if (useBfq) {
                ControlFiles.write(bfq, dev + w.weight());
            } else {
                ControlFiles.write(ioWeightFile(), dev + Shares.ioWeight(w.weight()));
            }
        }
        throttle("rbps", b.throttleReadBps());
        throttle("wbps", b.throttleWriteBps());
        throttle("riops", b.throttleReadIops());
        throttle("wiops", b.throttleWriteIops());
    }

    private Path ioWeightFile() {
        Path f = dir.resolve("io.weight");
        if (!ControlFiles.exists(f)) {
            throw new CgroupException("blockIO.weight: " + dir + " has neither io.bfq.weight nor io.weight (no I/O scheduler with weights)");
        }
        return f;
    }

    private void throttle(String key, List<CgroupResources.ThrottleDevice> devices) {
        for (CgroupResources.ThrottleDevice t : devices) {
            ControlFiles.write(dir.resolve("io.max"),
                    t.major() + ":" + t.minor() + " " + key + "=" + (t.rate() == 0 ? "max" : Long.toString(t.rate())));
        }
    }

    // ---- freezing, signals, processes ------------------------------------------------

    public void freeze() {
        ControlFiles.write(dir.resolve("cgroup.freeze"), "1");
        Waiting.until(() -> events().getOrDefault("frozen", 0L) == 1, Duration.ofSeconds(10),
                () -> new SyscallException("freeze", dir + " (not frozen after 10 s)", Errno.EBUSY));
    }

    public void thaw() {
        ControlFiles.write(dir.resolve("cgroup.freeze"), "0");
    }

    public boolean frozen() {
        return ControlFiles.readLine(dir.resolve("cgroup.freeze")).equals("1");
    }

    private Map<String, Long> events() {
        return ControlFiles.readKeyed(dir.resolve("cgroup.events"));
    }

    public List<Long> pids() {
        List<Long> out = new ArrayList<>(ControlFiles.readPids(dir.resolve("cgroup.procs")));
        for (Path d : ControlFiles.descendants(dir)) out.addAll(ControlFiles.readPids(d.resolve("cgroup.procs")));
        return out;
    }

    public boolean populated() {
        return events().getOrDefault("populated", 0L) == 1;
    }

    public void signalAll(int signal) {
        if (signal == Signals.SIGKILL && ControlFiles.exists(dir.resolve("cgroup.kill"))) {
            ControlFiles.write(dir.resolve("cgroup.kill"), "1");
            return;
        }
        Removal.signalFrozen(this, signal);
    }

    // ---- stats -------------------------------------------------------------------------

    public CgroupStats stats() {
        Map<String, Long> mem = ControlFiles.readKeyed(dir.resolve("memory.stat"));
        Map<String, Long> memEvents = ControlFiles.readKeyed(dir.resolve("memory.events"));
        CgroupStats.Memory memory = new CgroupStats.Memory(
                ControlFiles.readNumberOr0(dir.resolve("memory.current")),
                ControlFiles.readNumberOr0(dir.resolve("memory.peak")),
                limitOf("memory.max"),
                memEvents.getOrDefault("max", 0L),
                ControlFiles.readNumberOr0(dir.resolve("memory.swap.current")),
                limitOf("memory.swap.max"),
                mem.getOrDefault("file", 0L),
                memEvents.getOrDefault("oom", 0L),
                memEvents.getOrDefault("oom_kill", 0L),
                mem);
        Map<String, Long> cpu = ControlFiles.readKeyed(dir.resolve("cpu.stat"));
        CgroupStats.Cpu cpuStats = new CgroupStats.Cpu(cpu.getOrDefault("usage_usec", 0L) * 1000,
                cpu.getOrDefault("user_usec", 0L) * 1000, cpu.getOrDefault("system_usec", 0L) * 1000, List.of(),
                cpu.getOrDefault("nr_periods", 0L), cpu.getOrDefault("nr_throttled", 0L),
                cpu.getOrDefault("throttled_usec", 0L) * 1000);
        CgroupStats.Pids pids = new CgroupStats.Pids(ControlFiles.readNumberOr0(dir.resolve("pids.current")), limitOf("pids.max"));
        List<CgroupStats.Hugetlb> hugetlb = new ArrayList<>();
        for (String size : HugePages.sizes()) {
            Path current = dir.resolve("hugetlb." + size + ".current");
            if (!ControlFiles.exists(current)) continue;
            hugetlb.add(new CgroupStats.Hugetlb(size, ControlFiles.readNumber(current), 0,
                    ControlFiles.readKeyed(dir.resolve("hugetlb." + size + ".events")).getOrDefault("max", 0L)));
        }
        return new CgroupStats(memory, cpuStats, pids, hugetlb, ioStats());
    }

    private long limitOf(String file) {
        Path f = dir.resolve(file);
        return ControlFiles.exists(f) ? ControlFiles.readNumber(f) : CgroupStats.UNLIMITED;
    }

    private List<CgroupStats.BlockIoEntry> ioStats() {
        List<CgroupStats.BlockIoEntry> out = new ArrayList<>();
        Path file = dir.resolve("io.stat");
        if (!ControlFiles.exists(file)) return out;
        for (String line : ControlFiles.read(file).split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length < 2 || !f[0].contains(":")) continue;
            String[] dev = f[0].split(":");
            long major = Long.parseLong(dev[0]), minor = Long.parseLong(dev[1]);
            for (int i = 1; i < f.length; i++) {
                String[] kv = f[i].split("=");
                if (kv.length != 2) continue;
                long value = Long.parseLong(kv[1]);
                switch (kv[0]) {
                    case "rbytes" -> out.add(new CgroupStats.BlockIoEntry("ioServiceBytes", major, minor, "Read", value));
                    case "wbytes" -> out.add(new CgroupStats.BlockIoEntry("ioServiceBytes", major, minor, "Write", value));
                    case "rios" -> out.add(new CgroupStats.BlockIoEntry("ioServiced", major, minor, "Read", value));
                    case "wios" -> out.add(new CgroupStats.BlockIoEntry("ioServiced", major, minor, "Write", value));
                    default -> { }
                }
            }
        }
        return out;
    }

    // ---- removal -------------------------------------------------------------------------

    public void remove(Duration timeout) {
        Removal.removeTree(dir, timeout, this::populated);
        List<Path> parents = new ArrayList<>(made);
        parents.remove(dir);
        Removal.removeMadeParents(parents);
    }

    @Override
    public String toString() {
        return "cgroup v2 " + dir;
    }
}
