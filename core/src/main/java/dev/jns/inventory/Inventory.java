package dev.jns.inventory;

import dev.jns.ns.NamespaceType;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A snapshot of every namespace the caller can see and what keeps each alive: member
 * processes, open nsfs fds, bind mounts, sockets, and dependent namespaces. Taken by
 * {@link #scan()}; immutable afterwards.
 *
 * <p>Processes that exit during the scan are left out, never reported as errors. So is
 * a namespace without processes that the caller cannot open through any of its holders
 * (only a mountinfo line or an fd number would show it), as util-linux lsns does.
 */
public final class Inventory {
    private final List<NamespaceRecord> namespaces;
    private final Map<Long, NamespaceRecord> byInode;
    private final List<ProcessRecord> processes;
    private final Map<Integer, ProcessRecord> byPid;
    private final OptionalLong ownMountNamespace;
    private final UserNames users;

    Inventory(Collection<NamespaceRecord> namespaces, Collection<ProcessRecord> processes,
              OptionalLong ownMountNamespace, UserNames users) {
        List<NamespaceRecord> ns = new ArrayList<>(namespaces);
        // Plain lambdas, not Comparator.comparingLong: the JDK spins those at run time
        // (about 7 ms of start-up), ours come ready from the AOT cache.
        ns.sort((a, b) -> Long.compare(a.inode(), b.inode()));
        this.namespaces = List.copyOf(ns);
        this.byInode = new HashMap<>();
        for (NamespaceRecord r : this.namespaces) byInode.put(r.inode(), r);
        List<ProcessRecord> ps = new ArrayList<>(processes);
        ps.sort((a, b) -> Integer.compare(a.pid(), b.pid()));
        this.processes = List.copyOf(ps);
        this.byPid = new HashMap<>();
        for (ProcessRecord p : this.processes) byPid.put(p.pid(), p);
        this.ownMountNamespace = ownMountNamespace;
        this.users = users;
    }

    /**
     * Scans everything: all types, relations, ghosts, NETNSIDs, sockets, all commands.
     *
     * @return what was found
     */
    public static Inventory scan() {
        return scan(ScanOptions.everything());
    }

    /**
     * Scans what {@code options} ask for.
     *
     * @param options what to scan
     * @return what was found
     */
    public static Inventory scan(ScanOptions options) {
        return new Scan(options).run();
    }

    /**
     * The namespaces, by inode.
     *
     * @return the namespaces
     */
    public List<NamespaceRecord> namespaces() { return namespaces; }

    /**
     * The namespace with this inode, if the scan found it.
     *
     * @param inode the namespace's nsfs inode
     * @return the namespace, or empty
     */
    public Optional<NamespaceRecord> namespace(long inode) {
        return Optional.ofNullable(byInode.get(inode));
    }

    /**
     * Every process seen, by pid, including those whose namespace links were unreadable.
     *
     * @return the processes
     */
    public List<ProcessRecord> processes() { return processes; }

    /**
     * The process with this pid, if the scan saw it.
     *
     * @param pid the process id
     * @return the process, or empty
     */
    public Optional<ProcessRecord> process(int pid) {
        return Optional.ofNullable(byPid.get(pid));
    }

    /**
     * The processes in a namespace, by pid.
     *
     * @param ns the namespace
     * @return the processes
     */
    public List<ProcessRecord> processesIn(NamespaceRecord ns) {
        List<ProcessRecord> out = new ArrayList<>();
        for (ProcessRecord p : processes) {
            OptionalLong ino = p.namespace(ns.type());
            if (ino.isPresent() && ino.getAsLong() == ns.inode()) out.add(p);
        }
        return out;
    }

    /**
     * The process with the namespace's lowest pid, if it has processes.
     *
     * @param ns the namespace
     * @return the process, or empty
     */
    public Optional<ProcessRecord> lowestProcess(NamespaceRecord ns) {
        return ns.lowestPid().isPresent() ? process(ns.lowestPid().getAsInt()) : Optional.empty();
    }

    /**
     * The scanning process's mount namespace: bind mounts there are paths the caller can open.
     *
     * @return its inode, or empty if unreadable
     */
    public OptionalLong ownMountNamespace() { return ownMountNamespace; }

    /**
     * The user name for a uid, or the number when {@code /etc/passwd} has none.
     *
     * @param uid the uid
     * @return the name
     */
    public String userName(int uid) { return users.nameOf(uid); }

    /**
     * Namespaces of one type, by inode.
     *
     * @param type the namespace type
     * @return the namespaces
     */
    public List<NamespaceRecord> namespaces(NamespaceType type) {
        return namespaces.stream().filter(n -> n.type() == type).toList();
    }
}
