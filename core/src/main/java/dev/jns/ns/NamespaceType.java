package dev.jns.ns;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The eight kinds of Linux namespace. Each knows its {@code CLONE_NEW*} flag, the name of
 * its file under {@code /proc/PID/ns}, and the kernel release that introduced it.
 *
 * <p>The declaration order is the one util-linux's lsns uses (mnt, net, pid, uts, ipc,
 * user, cgroup, time), so sorting by type matches its output.
 */
public enum NamespaceType {
    /** Mount namespace: the mount table ({@code CLONE_NEWNS}). */
    MNT("mnt", 0x00020000, "2.4.19"),
    /** Network namespace: links, addresses, routes, sockets, firewall ({@code CLONE_NEWNET}). */
    NET("net", 0x40000000, "2.6.29"),
    /** Pid namespace: process ids ({@code CLONE_NEWPID}). */
    PID("pid", 0x20000000, "2.6.24"),
    /** UTS namespace: host and domain name ({@code CLONE_NEWUTS}). */
    UTS("uts", 0x04000000, "2.6.19"),
    /** IPC namespace: System V IPC and POSIX message queues ({@code CLONE_NEWIPC}). */
    IPC("ipc", 0x08000000, "2.6.19"),
    /** User namespace: uids, gids and capabilities ({@code CLONE_NEWUSER}). */
    USER("user", 0x10000000, "3.8"),
    /** Cgroup namespace: the root of the cgroup view ({@code CLONE_NEWCGROUP}). */
    CGROUP("cgroup", 0x02000000, "4.6"),
    /** Time namespace: monotonic and boot-time clock offsets ({@code CLONE_NEWTIME}). */
    TIME("time", 0x00000080, "5.6");

    /**
     * The order util-linux nsenter joins in, which jns keeps wherever it joins several: user
     * first, then cgroup, ipc, uts, net, pid, mnt (late, so that a changed root does not
     * affect the others), time last.
     */
    public static final List<NamespaceType> JOIN_ORDER = List.of(USER, CGROUP, IPC, UTS, NET, PID, MNT, TIME);

    private final String procName;
    private final int cloneFlag;
    private final String sinceKernel;

    NamespaceType(String procName, int cloneFlag, String sinceKernel) {
        this.procName = procName;
        this.cloneFlag = cloneFlag;
        this.sinceKernel = sinceKernel;
    }

    /**
     * The file name under {@code /proc/PID/ns}, also the type's name in lsns output: {@code net}.
     *
     * @return the name
     */
    public String procName() { return procName; }

    /**
     * The file under {@code /proc/PID/ns} that names the namespace this process's future
     * children get: {@code pid_for_children} and {@code time_for_children} for the two types
     * whose unshare only affects children; the type's own file otherwise.
     *
     * @return the file name
     */
    public String forChildrenProcName() {
        return this == PID || this == TIME ? procName + "_for_children" : procName;
    }

    /**
     * The {@code CLONE_NEW*} flag, as used by clone3, unshare and setns.
     *
     * @return the flag
     */
    public int cloneFlag() { return cloneFlag; }

    /**
     * The kernel release that introduced the type.
     *
     * @return the release, e.g. {@code 4.6}
     */
    public String sinceKernel() { return sinceKernel; }

    /**
     * Whether pid and user namespaces' {@code NS_GET_PARENT} applies: they nest.
     *
     * @return true for pid and user
     */
    public boolean isHierarchical() { return this == PID || this == USER; }

    /**
     * Whether this kernel has the type (its {@code /proc/self/ns} file exists).
     *
     * @return true if supported
     */
    public boolean isSupported() {
        return Files.exists(Path.of("/proc/self/ns", procName));
    }

    /**
     * The type for a proc name such as {@code net} (case-insensitive), if any.
     *
     * @param name the name
     * @return the type, or empty
     */
    public static Optional<NamespaceType> fromProcName(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        for (NamespaceType t : values()) {
            if (t.procName.equals(n)) return Optional.of(t);
        }
        return Optional.empty();
    }

    /**
     * The type whose {@code CLONE_NEW*} flag this is (the answer of {@code NS_GET_NSTYPE}).
     *
     * @param flag the flag
     * @return the type, or empty
     */
    public static Optional<NamespaceType> fromCloneFlag(int flag) {
        for (NamespaceType t : values()) {
            if (t.cloneFlag == flag) return Optional.of(t);
        }
        return Optional.empty();
    }

    /**
     * The union of the given types' clone flags.
     *
     * @param types the types
     * @return the flags
     */
    public static int cloneFlags(Iterable<NamespaceType> types) {
        int flags = 0;
        for (NamespaceType t : types) flags |= t.cloneFlag;
        return flags;
    }
}
