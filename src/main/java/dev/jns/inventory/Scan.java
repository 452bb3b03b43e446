package dev.jns.inventory;

import dev.jns.inventory.Holder.Relation;
import dev.jns.inventory.ProcFs.NsLink;
import dev.jns.ns.Namespace;
import dev.jns.ns.NamespaceType;
import dev.jns.sys.NetnsIds;
import dev.jns.sys.ProcessFds;
import dev.jns.sys.SyscallException;

import java.io.File;
import java.io.FileInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * One inventory scan, in the order the facts depend on each other: processes (their
 * namespace links, stat, uid and fds), bind mounts of every mount namespace they are in,
 * sockets, then the ioctl-based facts (parent, owner, owner uid, ghosts) and NETNSIDs for
 * the namespaces that need them, and last the commands to show.
 *
 * <p>Only the steps after the bind mounts touch FFM, and only when asked for or when a
 * namespace without processes exists: reading links and files needs none.
 */
final class Scan {
    /** Below this many processes a parallel read costs more than it saves. */
    private static final int PARALLEL_FROM = 256;

    private final ScanOptions options;
    /** The types whose links each process read must cover: the wanted ones and mnt (for mountinfo). */
    private final List<NamespaceType> linkTypes;
    /** By inode: nsfs inodes are unique across types on the one nsfs device. */
    private final Map<Long, Entry> entries = new HashMap<>();
    /** One live reader pid per mount namespace, to read its mountinfo and reach its paths. */
    private final Map<Long, Integer> mountNamespaceReaders = new LinkedHashMap<>();
    private OptionalLong ownMountNamespace = OptionalLong.empty();
    /** The nsfs mounts of each mount namespace, ours first read, the others after the process scan. */
    private final Map<Long, List<ProcFs.NsfsMount>> mountsByNamespace = new TreeMap<>();
    /**
     * Where nsfs files are mounted in our mount namespace. An fd opened through such a
     * mount links to that path, not to {@code TYPE:[INODE]}, so those fds (and "/", the
     * link once the mount is lazily detached) get a closer look.
     */
    private Set<String> ownMountPoints = Set.of();
    private long nsfsDevice = -1;

    Scan(ScanOptions options) {
        this.options = options;
        EnumSet<NamespaceType> link = EnumSet.copyOf(options.types());
        link.add(NamespaceType.MNT);
        link.removeIf(t -> !t.isSupported());
        this.linkTypes = List.copyOf(link);
    }

    /** A namespace while the scan builds it up. */
    private static final class Entry {
        final NamespaceType type;
        final long inode;
        int processCount;
        int lowestPid = Integer.MAX_VALUE;
        final List<Holder> holders = new ArrayList<>();
        OptionalLong parent = OptionalLong.empty(), owner = OptionalLong.empty();
        OptionalInt ownerUid = OptionalInt.empty();
        NetnsId netnsId;

        Entry(NamespaceType type, long inode) {
            this.type = type;
            this.inode = inode;
        }

        boolean onlyDependents() {
            return processCount == 0 && holders.stream().allMatch(h -> h instanceof Holder.Dependent);
        }
    }

    /**
     * What one process's {@code /proc} directory told. {@code mountedFds} are fds whose link
     * is a path that may be an nsfs file opened through a bind mount.
     */
    private record RawProcess(int pid, int ppid, int uid, long[] namespaces, List<NsFd> nsFds, int[] socketFds,
                              int[] mountedFds) {}

    private record NsFd(int fd, NsLink link) {}

    Inventory run() {
        ownMountNamespace = readOwnMountNamespace();
        ownMountNamespace.ifPresent(own -> mountsByNamespace.put(own, readMounts(Path.of("/proc/self/mountinfo"))));
        ownMountPoints = mountsByNamespace.values().stream().flatMap(List::stream)
                .map(ProcFs.NsfsMount::mountPoint).collect(java.util.stream.Collectors.toUnmodifiableSet());
        List<RawProcess> raw = readProcesses(listPids());
        for (RawProcess p : raw) addMember(p);
        readOtherMounts();
        for (RawProcess p : raw) addOpenFds(p, nsfsFdsThroughMounts(p));
        addBindMounts();
        if (options.sockets() && options.types().contains(NamespaceType.NET)) addSockets(raw);
        resolveRelations();
        if (options.netnsIds() && options.types().contains(NamespaceType.NET)) resolveNetnsIds();
        return build(raw);
    }

    // ---- processes -------------------------------------------------------------------

    private static List<Integer> listPids() {
        String[] names = new File("/proc").list();
        List<Integer> pids = new ArrayList<>();
        if (names == null) return pids;
        for (String n : names) {
            long pid = ProcFs.parseDecimal(n, 0, n.length());
            if (pid > 0 && pid <= Integer.MAX_VALUE) pids.add((int) pid);
        }
        return pids;
    }

    private List<RawProcess> readProcesses(List<Integer> pids) {
        Function<Integer, RawProcess> read = this::readProcess;
        var stream = pids.size() >= PARALLEL_FROM ? pids.parallelStream() : pids.stream();
        return stream.map(read).filter(p -> p != null).toList();
    }

    /** The process's facts, or null when it is gone (or a zombie, which is in no namespace). */
    private RawProcess readProcess(int pid) {
        String base = "/proc/" + pid;
        int ppid, uid;
        try {
            ppid = ProcFs.ppidFromStat(readSmallFile(base + "/stat"));
            uid = (Integer) Files.getAttribute(Path.of(base), "unix:uid", LinkOption.NOFOLLOW_LINKS);
        } catch (IOException | IllegalArgumentException e) {
            return null;
        }
        long[] ns = new long[NamespaceType.values().length];
        Path nsDir = Path.of(base, "ns");
        for (NamespaceType t : linkTypes) {
            try {
                ProcFs.parseNsLink(Files.readSymbolicLink(nsDir.resolve(t.procName())).toString())
                        .ifPresent(l -> ns[t.ordinal()] = l.inode());
            } catch (NoSuchFileException e) {
                return null; // exited, or a zombie: its namespaces are gone
            } catch (IOException e) {
                // not ours to see (lsns skips the type too); the process still counts as a parent
            }
        }
        List<NsFd> nsFds = new ArrayList<>(0);
        List<Integer> sockets = new ArrayList<>(0), mounted = new ArrayList<>(0);
        String[] fds = new File(base, "fd").list(); // null when gone or not ours to inspect
        if (fds != null && fds.length > 0) {
            Path fdDir = Path.of(base, "fd");
            for (String name : fds) {
                String link;
                try {
                    link = Files.readSymbolicLink(fdDir.resolve(name)).toString();
                } catch (IOException e) {
                    continue; // closed meanwhile
                }
                int fd = (int) ProcFs.parseDecimal(name, 0, name.length());
                if (link.startsWith("/")) { // a file: the common case, decided first
                    if (link.equals("/") || ownMountPoints.contains(link)) mounted.add(fd);
                    continue;
                }
                Optional<NsLink> nsLink = ProcFs.parseNsLink(link);
                if (nsLink.isPresent()) nsFds.add(new NsFd(fd, nsLink.get()));
                else if (options.sockets() && ProcFs.parseSocketLink(link) >= 0) sockets.add(fd);
            }
        }
        return new RawProcess(pid, ppid, uid, ns, nsFds, toIntArray(sockets), toIntArray(mounted));
    }

    /** A plain loop: a stream pipeline per process costs measurable start-up time while interpreted. */
    private static int[] toIntArray(List<Integer> list) {
        int[] out = new int[list.size()];
        for (int i = 0; i < out.length; i++) out[i] = list.get(i);
        return out;
    }

    /** A small {@code /proc} file (stat) as Latin-1 text; plain java.io starts faster than NIO channels. */
    private static String readSmallFile(String path) throws IOException {
        try (FileInputStream in = new FileInputStream(path)) {
            return new String(in.readNBytes(4096), StandardCharsets.ISO_8859_1);
        }
    }

    private static OptionalLong readOwnMountNamespace() {
        try {
            return ProcFs.parseNsLink(Files.readSymbolicLink(Path.of("/proc/self/ns/mnt")).toString())
                    .map(l -> OptionalLong.of(l.inode())).orElse(OptionalLong.empty());
        } catch (IOException e) {
            return OptionalLong.empty();
        }
    }

    private Entry entry(NamespaceType type, long inode) {
        return entries.computeIfAbsent(inode, i -> new Entry(type, inode));
    }

    private void addMember(RawProcess p) {
        for (NamespaceType t : options.types()) {
            long ino = p.namespaces[t.ordinal()];
            if (ino == 0) continue;
            Entry e = entry(t, ino);
            e.processCount++;
            e.lowestPid = Math.min(e.lowestPid, p.pid);
        }
        long mnt = p.namespaces[NamespaceType.MNT.ordinal()];
        if (mnt != 0) mountNamespaceReaders.merge(mnt, p.pid, Math::min);
    }

    private void addOpenFds(RawProcess p, List<NsFd> throughMounts) {
        for (List<NsFd> fds : List.of(p.nsFds, throughMounts)) {
            for (NsFd f : fds) {
                if (!options.types().contains(f.link.type())) continue;
                entry(f.link.type(), f.link.inode()).holders.add(new Holder.OpenFd(p.pid, f.fd));
            }
        }
    }

    // ---- bind mounts -----------------------------------------------------------------

    /** The nsfs mounts of every other mount namespace, through one of its processes. */
    private void readOtherMounts() {
        for (Map.Entry<Long, Integer> r : mountNamespaceReaders.entrySet()) {
            if (mountsByNamespace.containsKey(r.getKey())) continue;
            mountsByNamespace.put(r.getKey(), readMounts(Path.of("/proc", r.getValue().toString(), "mountinfo")));
        }
    }

    private void addBindMounts() {
        for (Map.Entry<Long, List<ProcFs.NsfsMount>> m : mountsByNamespace.entrySet()) {
            for (ProcFs.NsfsMount mount : m.getValue()) {
                NsLink ns = mount.namespace();
                if (!options.types().contains(ns.type())) continue;
                entry(ns.type(), ns.inode()).holders.add(new Holder.BindMount(m.getKey(), mount.mountPoint()));
            }
        }
    }

    /**
     * The process's fds that are nsfs files opened through a bind mount: those the first
     * pass set aside, and, in a mount namespace with nsfs mounts of its own, those linking
     * to one of them. Each is confirmed by its device, as lsns does for every fd.
     */
    private List<NsFd> nsfsFdsThroughMounts(RawProcess p) {
        List<NsFd> out = new ArrayList<>(0);
        for (int fd : p.mountedFds) nsfsFd(p.pid, fd).ifPresent(out::add);
        Set<String> points = otherMountPoints(p.namespaces[NamespaceType.MNT.ordinal()]);
        if (points.isEmpty()) return out;
        String[] fds = new File("/proc/" + p.pid + "/fd").list();
        if (fds == null) return out;
        Path fdDir = Path.of("/proc", Integer.toString(p.pid), "fd");
        for (String name : fds) {
            try {
                if (points.contains(Files.readSymbolicLink(fdDir.resolve(name)).toString())) {
                    nsfsFd(p.pid, (int) ProcFs.parseDecimal(name, 0, name.length())).ifPresent(out::add);
                }
            } catch (IOException e) {
                // closed meanwhile
            }
        }
        return out;
    }

    /** Mount points of nsfs files in mount namespace {@code mnt} that ours does not have. */
    private Set<String> otherMountPoints(long mnt) {
        if (mnt == 0 || (ownMountNamespace.isPresent() && ownMountNamespace.getAsLong() == mnt)) return Set.of();
        Set<String> points = new HashSet<>();
        for (ProcFs.NsfsMount m : mountsByNamespace.getOrDefault(mnt, List.of())) {
            if (!ownMountPoints.contains(m.mountPoint())) points.add(m.mountPoint());
        }
        return points;
    }

    /** Fd {@code fd} of {@code pid} as a namespace, if it is an nsfs file. */
    private Optional<NsFd> nsfsFd(int pid, int fd) {
        Path link = Path.of("/proc", Integer.toString(pid), "fd", Integer.toString(fd));
        try {
            Map<String, Object> st = Files.readAttributes(link, "unix:dev,ino");
            if ((Long) st.get("dev") != nsfsDevice()) return Optional.empty();
            long inode = (Long) st.get("ino");
            Optional<NamespaceType> type = knownType(inode);
            if (type.isEmpty()) {
                try (Namespace ns = Namespace.open(link)) { // only here is the kernel asked (FFM)
                    type = Optional.of(ns.type());
                }
            }
            return Optional.of(new NsFd(fd, new NsLink(type.get(), inode)));
        } catch (IOException | SyscallException | IllegalArgumentException e) {
            return Optional.empty(); // closed meanwhile, or not a namespace after all
        }
    }

    private long nsfsDevice() throws IOException {
        if (nsfsDevice < 0) nsfsDevice = (Long) Files.getAttribute(Path.of("/proc/self/ns/mnt"), "unix:dev");
        return nsfsDevice;
    }

    /** The type of a namespace inode seen by links or mounts so far. */
    private Optional<NamespaceType> knownType(long inode) {
        Entry e = entries.get(inode);
        if (e != null) return Optional.of(e.type);
        return mountsByNamespace.values().stream().flatMap(List::stream).map(ProcFs.NsfsMount::namespace)
                .filter(l -> l.inode() == inode).map(NsLink::type).findFirst();
    }

    private static List<ProcFs.NsfsMount> readMounts(Path mountinfo) {
        try {
            return ProcFs.nsfsMounts(new String(Files.readAllBytes(mountinfo), StandardCharsets.UTF_8));
        } catch (IOException e) {
            return List.of(); // its last process exited meanwhile
        }
    }

    // ---- sockets (FFM) -------------------------------------------------------------------

    /**
     * Net namespaces held by sockets: recorded only for namespaces no process is in, where
     * the socket is what explains them.
     */
    private void addSockets(List<RawProcess> raw) {
        for (RawProcess p : raw) {
            for (int fd : p.socketFds) {
                OptionalLong ino = socketNamespace(p.pid, fd);
                if (ino.isEmpty()) continue;
                Entry e = entry(NamespaceType.NET, ino.getAsLong());
                if (e.processCount == 0) e.holders.add(new Holder.Socket(p.pid, fd));
            }
        }
    }

    private static OptionalLong socketNamespace(int pid, int fd) {
        try {
            int dup = ProcessFds.duplicate(pid, fd);
            try (Namespace ns = Namespace.adopt(ProcessFds.socketNetNamespace(dup), "socket " + fd + " of pid " + pid,
                    NamespaceType.NET)) {
                return OptionalLong.of(ns.inode());
            } finally {
                dev.jns.sys.LibC.close(dup);
            }
        } catch (SyscallException | IllegalArgumentException e) {
            return OptionalLong.empty(); // gone, not a netns-aware socket, or not ours to inspect
        }
    }

    // ---- relations (FFM) -----------------------------------------------------------------

    private void resolveRelations() {
        List<Entry> initial = new ArrayList<>(entries.values());
        initial.sort((a, b) -> Long.compare(a.inode, b.inode));
        for (Entry e : initial) {
            boolean processless = e.processCount == 0;
            if (!processless && !options.relations()) continue;
            try (Namespace h = open(e)) {
                if (h != null) resolve(e, h, processless || options.ghosts());
            }
        }
    }

    private void resolve(Entry e, Namespace h, boolean followGhosts) {
        try {
            if (e.type.isHierarchical()) {
                Optional<Namespace> parent = h.parent();
                if (parent.isPresent()) {
                    try (Namespace p = parent.get()) {
                        if (p.inode() != e.inode) e.parent = OptionalLong.of(p.inode());
                        if (followGhosts) addGhost(p, e, Relation.PARENT);
                    }
                }
            }
            Optional<Namespace> owner = h.owner();
            if (owner.isPresent()) {
                try (Namespace o = owner.get()) {
                    e.owner = OptionalLong.of(o.inode());
                    if (followGhosts) addGhost(o, e, Relation.OWNER);
                }
            }
            if (e.processCount == 0) e.ownerUid = h.ownerUid();
        } catch (SyscallException ex) {
            // the kernel would not say; leave what it did say
        }
    }

    private void addGhost(Namespace related, Entry dependent, Relation relation) {
        if (!options.types().contains(related.type()) || related.inode() == dependent.inode) return;
        Entry existing = entries.get(related.inode());
        if (existing != null) {
            if (existing.onlyDependents()) existing.holders.add(new Holder.Dependent(dependent.inode, dependent.type, relation));
            return;
        }
        Entry ghost = entry(related.type(), related.inode());
        ghost.holders.add(new Holder.Dependent(dependent.inode, dependent.type, relation));
        resolve(ghost, related, true);
    }

    /**
     * A handle on the namespace through whatever holds it: its lowest process, an open fd,
     * a bind mount (through {@code /proc/PID/root} in another mount namespace), a socket.
     * Null when every way in has gone meanwhile.
     */
    private Namespace open(Entry e) {
        List<Path> ways = new ArrayList<>();
        if (e.processCount > 0) ways.add(Path.of("/proc", Integer.toString(e.lowestPid), "ns", e.type.procName()));
        for (Holder h : e.holders) {
            switch (h) {
                case Holder.OpenFd f -> ways.add(Path.of("/proc", Integer.toString(f.pid()), "fd", Integer.toString(f.fd())));
                case Holder.BindMount b -> ways.add(bindMountPath(b));
                case Holder.Socket s -> {
                    Namespace ns = openSocketNamespace(s);
                    if (ns != null) return ns;
                }
                case Holder.Dependent d -> { } // ghosts are resolved with the handle that found them
            }
        }
        for (Path p : ways) {
            if (p == null) continue;
            try {
                return Namespace.open(p, e.type);
            } catch (SyscallException | IllegalArgumentException ex) {
                // this holder is gone; try the next
            }
        }
        return null;
    }

    private Path bindMountPath(Holder.BindMount b) {
        if (ownMountNamespace.isPresent() && ownMountNamespace.getAsLong() == b.mountNamespace()) return Path.of(b.mountPoint());
        Integer reader = mountNamespaceReaders.get(b.mountNamespace());
        return reader == null ? null : Path.of("/proc/" + reader + "/root" + b.mountPoint());
    }

    private static Namespace openSocketNamespace(Holder.Socket s) {
        try {
            int dup = ProcessFds.duplicate(s.pid(), s.fd());
            try {
                return Namespace.adopt(ProcessFds.socketNetNamespace(dup), "socket", NamespaceType.NET);
            } finally {
                dev.jns.sys.LibC.close(dup);
            }
        } catch (SyscallException | IllegalArgumentException ex) {
            return null;
        }
    }

    // ---- NETNSID (FFM) ---------------------------------------------------------------

    private void resolveNetnsIds() {
        try (NetnsIds ids = NetnsIds.open()) {
            for (Entry e : entries.values()) {
                if (e.type != NamespaceType.NET) continue;
                try (Namespace h = open(e)) {
                    if (h == null) continue;
                    int id = ids.idOf(h.fd());
                    e.netnsId = id == NetnsIds.NOT_ASSIGNED ? NetnsId.UNASSIGNED : new NetnsId(id);
                } catch (SyscallException ex) {
                    // lsns leaves the column empty when the kernel will not say
                }
            }
        } catch (SyscallException ex) {
            // no rtnetlink socket: every NETNSID stays empty, as in lsns
        }
    }

    // ---- result ------------------------------------------------------------------------

    private Inventory build(List<RawProcess> raw) {
        Set<Integer> wantCommand = new HashSet<>();
        for (Entry e : entries.values()) {
            if (e.processCount > 0) wantCommand.add(e.lowestPid);
            for (Holder h : e.holders) {
                if (h instanceof Holder.OpenFd f) wantCommand.add(f.pid());
                if (h instanceof Holder.Socket s) wantCommand.add(s.pid());
            }
        }
        List<ProcessRecord> processes = new ArrayList<>(raw.size());
        for (RawProcess p : raw) {
            Optional<String> command = options.allCommands() || wantCommand.contains(p.pid) ? readCommand(p.pid) : Optional.empty();
            Map<NamespaceType, Long> ns = new EnumMap<>(NamespaceType.class);
            for (NamespaceType t : options.types()) {
                if (p.namespaces[t.ordinal()] != 0) ns.put(t, p.namespaces[t.ordinal()]);
            }
            processes.add(new ProcessRecord(p.pid, p.ppid, p.uid, command, ns));
        }
        List<NamespaceRecord> records = new ArrayList<>(entries.size());
        for (Entry e : entries.values()) {
            records.add(new NamespaceRecord(e.type, e.inode, e.processCount,
                    e.processCount > 0 ? OptionalInt.of(e.lowestPid) : OptionalInt.empty(),
                    e.parent, e.owner, e.ownerUid, Optional.ofNullable(e.netnsId), Collections.unmodifiableList(e.holders)));
        }
        return new Inventory(records, processes, ownMountNamespace, UserNames.load());
    }

    /** cmdline, else comm, as lsns shows them; empty when the process has gone. */
    static Optional<String> readCommand(int pid) {
        Optional<String> cmdline = readCommandFile(pid, "cmdline");
        return cmdline.isPresent() ? cmdline : readCommandFile(pid, "comm");
    }

    private static Optional<String> readCommandFile(int pid, String name) {
        try (var in = Files.newInputStream(Path.of("/proc", Integer.toString(pid), name))) {
            return ProcFs.command(in.readNBytes(ProcFs.COMMAND_BUFFER));
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
