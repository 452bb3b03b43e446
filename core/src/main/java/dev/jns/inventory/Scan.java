package dev.jns.inventory;

import dev.jns.inventory.Holder.Relation;
import dev.jns.inventory.ProcFs.NsLink;
import dev.jns.inventory.ProcessFacts.NsFd;
import dev.jns.net.NetworkConfig;
import dev.jns.net.NetlinkException;
import dev.jns.ns.Namespace;
import dev.jns.ns.NamespaceType;
import dev.jns.os.SyscallException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;

/**
 * One inventory scan, in the order the facts depend on each other: processes (their
 * namespace links, stat, owner and fds), the nsfs mounts of every mount namespace they
 * are in, fds opened through those mounts, sockets, then the ioctl facts (parent, owner,
 * owner uid, ghosts) and NETNSIDs, and last the commands to show.
 *
 * <p>Reading links and files needs no FFM. The kernel is asked through FFM only for what
 * the options request, and for namespaces that no process is in (rare, and nothing else
 * describes them).
 */
final class Scan {
    private final ScanOptions options;
    /** By inode: nsfs inodes are unique across types on the one nsfs device. */
    private final Map<Long, Entry> entries = new HashMap<>();
    private NsfsMounts mounts;
    private long nsfsDevice = -1;

    Scan(ScanOptions options) {
        this.options = options;
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

    Inventory run() {
        mounts = NsfsMounts.ofOwnNamespace();
        EnumSet<NamespaceType> links = EnumSet.copyOf(options.types());
        links.add(NamespaceType.MNT); // every process's mount namespace, to find all nsfs mounts
        links.removeIf(t -> !t.isSupported());
        ProcessReader reader = new ProcessReader(List.copyOf(links), mounts.ownMountPoints(), options.sockets());
        List<ProcessFacts> processes = reader.readAll(ProcessReader.listPids());

        Map<Long, Integer> mountNamespaceReaders = new TreeMap<>();
        for (ProcessFacts p : processes) {
            addMember(p);
            long mnt = p.namespace(NamespaceType.MNT);
            if (mnt != 0) mountNamespaceReaders.merge(mnt, p.pid(), Math::min);
        }
        mounts.readOthers(mountNamespaceReaders);
        for (ProcessFacts p : processes) addOpenFds(p);
        addBindMounts();
        if (options.sockets() && options.types().contains(NamespaceType.NET)) addSockets(processes);
        resolveRelations();
        if (options.netnsIds() && options.types().contains(NamespaceType.NET)) resolveNetnsIds();
        return build(processes);
    }

    private Entry entry(NamespaceType type, long inode) {
        return entries.computeIfAbsent(inode, i -> new Entry(type, inode));
    }

    private void addMember(ProcessFacts p) {
        for (NamespaceType t : options.types()) {
            long ino = p.namespace(t);
            if (ino == 0) continue;
            Entry e = entry(t, ino);
            e.processCount++;
            e.lowestPid = Math.min(e.lowestPid, p.pid());
        }
    }

    // ---- open fds and bind mounts ------------------------------------------------------

    private void addOpenFds(ProcessFacts p) {
        List<NsFd> fds = new ArrayList<>(p.nsFds());
        fds.addAll(fdsThroughMounts(p));
        for (NsFd f : fds) {
            if (!options.types().contains(f.link().type())) continue;
            entry(f.link().type(), f.link().inode()).holders.add(new Holder.OpenFd(p.pid(), f.fd()));
        }
    }

    /**
     * The process's nsfs fds opened through a bind mount, which link to the mount's path:
     * those the process read set aside, and, in a mount namespace with nsfs mounts that
     * ours lacks, those linking to one of them. Each is confirmed by its device.
     */
    private List<NsFd> fdsThroughMounts(ProcessFacts p) {
        List<NsFd> out = new ArrayList<>(0);
        for (int fd : p.mountedFds()) nsfsFd(p.pid(), fd).ifPresent(out::add);
        long mnt = p.namespace(NamespaceType.MNT);
        Set<String> extra = mnt == 0 ? Set.of() : mounts.extraMountPoints(mnt);
        if (!extra.isEmpty()) {
            for (int fd : ProcessReader.fdsLinkingTo(p.pid(), extra)) nsfsFd(p.pid(), fd).ifPresent(out::add);
        }
        return out;
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
                try (Namespace ns = Namespace.open(link)) { // only an fd on a detached mount gets here (FFM)
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

    private Optional<NamespaceType> knownType(long inode) {
        Entry e = entries.get(inode);
        return e != null ? Optional.of(e.type) : mounts.typeOf(inode);
    }

    private void addBindMounts() {
        for (Map.Entry<Long, List<ProcFs.NsfsMount>> m : mounts.byNamespace().entrySet()) {
            for (ProcFs.NsfsMount mount : m.getValue()) {
                NsLink ns = mount.namespace();
                if (!options.types().contains(ns.type())) continue;
                entry(ns.type(), ns.inode()).holders.add(new Holder.BindMount(m.getKey(), mount.mountPoint()));
            }
        }
    }

    // ---- sockets (FFM) -------------------------------------------------------------------

    /**
     * Net namespaces held by sockets: recorded only for namespaces no process is in, where
     * the socket is what explains them. Asking the kernel ({@code SIOCGSKNS}, through FFM)
     * for every socket of every process would cost each run the foreign linker; so first the
     * socket tables of the namespaces processes are in ({@code /proc/PID/net/...}, plain
     * reads) account for the sockets that live there, and only the rest are asked about.
     */
    private void addSockets(List<ProcessFacts> processes) {
        Set<Long> accounted = socketsOfNamespacesWithProcesses(processes);
        for (ProcessFacts p : processes) {
            for (int i = 0; i < p.socketFds().length; i++) {
                if (accounted.contains(p.socketInodes()[i])) continue;
                int fd = p.socketFds()[i];
                try (Namespace ns = openSocketNamespace(p.pid(), fd)) {
                    if (ns == null) continue;
                    Entry e = entry(NamespaceType.NET, ns.inode());
                    if (e.processCount == 0) e.holders.add(new Holder.Socket(p.pid(), fd));
                }
            }
        }
    }

    /** The socket tables a net namespace lists its sockets in, with the inode in the column named "inode" or "Inode". */
    private static final List<String> SOCKET_TABLES = List.of("tcp", "tcp6", "udp", "udp6", "udplite", "udplite6",
            "raw", "raw6", "icmp", "icmp6", "unix", "packet", "netlink");

    /** Inodes of the sockets listed in the tables of every net namespace some process is in (one reader per namespace). */
    private static Set<Long> socketsOfNamespacesWithProcesses(List<ProcessFacts> processes) {
        Map<Long, Integer> readers = new HashMap<>();
        for (ProcessFacts p : processes) {
            long net = p.namespace(NamespaceType.NET);
            if (net != 0 && p.socketFds().length > 0) readers.putIfAbsent(net, p.pid());
        }
        Set<Long> inodes = new HashSet<>();
        for (int pid : readers.values()) {
            for (String table : SOCKET_TABLES) ProcFs.socketInodes(Path.of("/proc", Integer.toString(pid), "net", table), inodes);
        }
        return inodes;
    }

    /** The net namespace of process {@code pid}'s socket {@code fd}, or null when that cannot be had. */
    private static Namespace openSocketNamespace(int pid, int fd) {
        try {
            return Namespace.ofSocket(pid, fd);
        } catch (SyscallException | IllegalArgumentException e) {
            return null; // gone, or not ours to inspect
        }
    }

    // ---- relations (FFM) -----------------------------------------------------------------

    /**
     * Parents, owners and owner uids. A namespace without processes that the caller cannot
     * open through any of its holders is dropped: only a mountinfo line or an fd number
     * shows it, and lsns too lists only what it can open.
     */
    private void resolveRelations() {
        List<Entry> initial = new ArrayList<>(entries.values());
        initial.sort((a, b) -> Long.compare(a.inode, b.inode)); // not comparingLong: see Inventory
        for (Entry e : initial) {
            boolean processless = e.processCount == 0;
            if (!processless && !options.relations()) continue;
            try (Namespace h = open(e)) {
                if (h != null) resolve(e, h, processless || options.ghosts());
                else if (processless) entries.remove(e.inode);
            }
        }
    }

    private void resolve(Entry e, Namespace h, boolean followGhosts) {
        try {
            if (e.type.isHierarchical()) {
                Optional<Namespace> parent = h.parent();
                if (parent.isPresent()) {
                    try (Namespace p = parent.get()) {
                        e.parent = OptionalLong.of(p.inode());
                        if (followGhosts) addGhost(p, e, Relation.PARENT);
                    }
                }
            }
            boolean wantUid = e.processCount == 0;
            if (wantUid && e.type == NamespaceType.USER) e.ownerUid = h.ownerUid(); // its own creator
            Optional<Namespace> owner = h.owner();
            if (owner.isPresent()) {
                try (Namespace o = owner.get()) {
                    e.owner = OptionalLong.of(o.inode());
                    // the creator of the owning user namespace, asked while it is open
                    if (wantUid && e.type != NamespaceType.USER) e.ownerUid = o.ownerUid();
                    if (followGhosts) addGhost(o, e, Relation.OWNER);
                }
            }
        } catch (SyscallException ex) {
            // the kernel would not say; keep what it did say
        }
    }

    /** Adds a parent or owner that nothing else showed, with the namespace that keeps it. */
    private void addGhost(Namespace related, Entry dependent, Relation relation) {
        if (!options.types().contains(related.type())) return;
        Holder.Dependent holder = new Holder.Dependent(dependent.inode, dependent.type, relation);
        Entry existing = entries.get(related.inode());
        if (existing != null) {
            if (existing.onlyDependents()) existing.holders.add(holder);
            return;
        }
        Entry ghost = entry(related.type(), related.inode());
        ghost.holders.add(holder);
        resolve(ghost, related, true);
    }

    /**
     * A handle on the namespace through whatever holds it: its lowest process, an open fd,
     * a bind mount, a socket. Each way is checked to still lead to this namespace (a pid
     * or fd may have been reused). Null when every way has gone meanwhile.
     */
    private Namespace open(Entry e) {
        List<Path> ways = new ArrayList<>();
        if (e.processCount > 0) ways.add(Path.of("/proc", Integer.toString(e.lowestPid), "ns", e.type.procName()));
        for (Holder h : e.holders) {
            if (h instanceof Holder.OpenFd f) ways.add(Path.of("/proc", Integer.toString(f.pid()), "fd", Integer.toString(f.fd())));
            if (h instanceof Holder.BindMount b) mounts.reach(b).ifPresent(ways::add);
        }
        for (Path p : ways) {
            try {
                Namespace ns = Namespace.open(p, e.type);
                if (ns.inode() == e.inode) return ns;
                ns.close();
            } catch (SyscallException | IllegalArgumentException ex) {
                // this holder is gone; try the next
            }
        }
        for (Holder h : e.holders) {
            if (!(h instanceof Holder.Socket s)) continue;
            Namespace ns = openSocketNamespace(s.pid(), s.fd());
            if (ns != null && ns.inode() == e.inode) return ns;
            if (ns != null) ns.close();
        }
        return null;
    }

    // ---- NETNSID (rtnetlink) ---------------------------------------------------------

    private void resolveNetnsIds() {
        try (NetworkConfig here = NetworkConfig.current()) {
            for (Entry e : entries.values()) {
                if (e.type != NamespaceType.NET) continue;
                try (Namespace h = open(e)) {
                    if (h == null) continue;
                    OptionalInt id = here.nsidOf(h);
                    e.netnsId = id.isPresent() ? new NetnsId(id.getAsInt()) : NetnsId.UNASSIGNED;
                } catch (SyscallException | NetlinkException ex) {
                    // lsns leaves the column empty when the kernel will not say
                }
            }
        } catch (SyscallException | NetlinkException ex) {
            // no rtnetlink socket: every NETNSID stays empty, as in lsns
        }
    }

    // ---- result ------------------------------------------------------------------------

    private Inventory build(List<ProcessFacts> processes) {
        Set<Integer> wantCommand = new HashSet<>();
        for (Entry e : entries.values()) {
            if (e.processCount > 0) wantCommand.add(e.lowestPid);
            for (Holder h : e.holders) {
                if (h instanceof Holder.OpenFd f) wantCommand.add(f.pid());
                if (h instanceof Holder.Socket s) wantCommand.add(s.pid());
            }
        }
        List<ProcessRecord> records = new ArrayList<>(processes.size());
        for (ProcessFacts p : processes) {
            Optional<String> command = options.allCommands() || wantCommand.contains(p.pid())
                    ? ProcessReader.command(p.pid()) : Optional.empty();
            Map<NamespaceType, Long> ns = new EnumMap<>(NamespaceType.class);
            for (NamespaceType t : options.types()) {
                if (p.namespace(t) != 0) ns.put(t, p.namespace(t));
            }
            records.add(new ProcessRecord(p.pid(), p.ppid(), p.uid(), command, ns));
        }
        List<NamespaceRecord> namespaces = new ArrayList<>(entries.size());
        for (Entry e : entries.values()) {
            namespaces.add(new NamespaceRecord(e.type, e.inode, e.processCount,
                    e.processCount > 0 ? OptionalInt.of(e.lowestPid) : OptionalInt.empty(),
                    e.parent, e.owner, e.ownerUid, Optional.ofNullable(e.netnsId), e.holders));
        }
        return new Inventory(namespaces, records, mounts.ownNamespace(), UserNames.load());
    }
}
