package dev.jns.inventory;

import dev.jns.inventory.Holder.Relation;
import dev.jns.inventory.ProcFs.NsLink;
import dev.jns.ns.Namespace;
import dev.jns.ns.NamespaceType;
import dev.jns.sys.NetnsIds;
import dev.jns.sys.ProcessFds;
import dev.jns.sys.SyscallException;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
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

    /** What one process's {@code /proc} directory told. */
    private record RawProcess(int pid, int ppid, int uid, long[] namespaces, List<NsFd> nsFds, int[] socketFds) {}

    private record NsFd(int fd, NsLink link) {}

    Inventory run() {
        ownMountNamespace = readOwnMountNamespace();
        List<RawProcess> raw = readProcesses(listPids());
        for (RawProcess p : raw) addMember(p);
        for (RawProcess p : raw) addOpenFds(p);
        addBindMounts(raw);
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
            ppid = ProcFs.ppidFromStat(new String(Files.readAllBytes(Path.of(base, "stat")), StandardCharsets.ISO_8859_1));
            uid = (Integer) Files.getAttribute(Path.of(base), "unix:uid", LinkOption.NOFOLLOW_LINKS);
        } catch (IOException | IllegalArgumentException e) {
            return null;
        }
        long[] ns = new long[NamespaceType.values().length];
        for (NamespaceType t : linkTypes) {
            try {
                String link = Files.readSymbolicLink(Path.of(base, "ns", t.procName())).toString();
                ProcFs.parseNsLink(link).ifPresent(l -> ns[t.ordinal()] = l.inode());
            } catch (NoSuchFileException e) {
                return null; // exited, or a zombie: its namespaces are gone
            } catch (IOException e) {
                // not ours to see (lsns skips the type too); the process still counts as a parent
            }
        }
        List<NsFd> nsFds = new ArrayList<>(0);
        List<Integer> sockets = new ArrayList<>(0);
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of(base, "fd"))) {
            for (Path fdPath : fds) {
                String name = fdPath.getFileName().toString();
                String link;
                try {
                    link = Files.readSymbolicLink(fdPath).toString();
                } catch (IOException e) {
                    continue; // closed meanwhile
                }
                int fd = (int) ProcFs.parseDecimal(name, 0, name.length());
                Optional<NsLink> nsLink = ProcFs.parseNsLink(link);
                if (nsLink.isPresent()) nsFds.add(new NsFd(fd, nsLink.get()));
                else if (options.sockets() && ProcFs.parseSocketLink(link) >= 0) sockets.add(fd);
            }
        } catch (IOException e) {
            // fds of processes we may not inspect, or gone meanwhile
        }
        return new RawProcess(pid, ppid, uid, ns, nsFds, sockets.stream().mapToInt(Integer::intValue).toArray());
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

    private void addOpenFds(RawProcess p) {
        for (NsFd f : p.nsFds) {
            if (!options.types().contains(f.link.type())) continue;
            entry(f.link.type(), f.link.inode()).holders.add(new Holder.OpenFd(p.pid, f.fd));
        }
    }

    // ---- bind mounts -----------------------------------------------------------------

    private void addBindMounts(List<RawProcess> raw) {
        Map<Long, List<ProcFs.NsfsMount>> byMountNs = new TreeMap<>();
        ownMountNamespace.ifPresent(own -> byMountNs.put(own, readMounts(Path.of("/proc/self/mountinfo"))));
        for (Map.Entry<Long, Integer> r : mountNamespaceReaders.entrySet()) {
            if (byMountNs.containsKey(r.getKey())) continue;
            byMountNs.put(r.getKey(), readMounts(Path.of("/proc", r.getValue().toString(), "mountinfo")));
        }
        for (Map.Entry<Long, List<ProcFs.NsfsMount>> m : byMountNs.entrySet()) {
            for (ProcFs.NsfsMount mount : m.getValue()) {
                NsLink ns = mount.namespace();
                if (!options.types().contains(ns.type())) continue;
                entry(ns.type(), ns.inode()).holders.add(new Holder.BindMount(m.getKey(), mount.mountPoint()));
            }
        }
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
