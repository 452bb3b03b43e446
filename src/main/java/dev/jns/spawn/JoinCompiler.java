package dev.jns.spawn;

import dev.jns.ns.NamespaceType;
import dev.jns.plan.Op;
import dev.jns.spawn.NamespacedProcessBuilder.Join;
import dev.jns.spawn.NamespacedProcessBuilder.JoinProcess;

import java.util.ArrayList;
import java.util.List;

/**
 * Turns a builder's joins into the one {@link Op.EnterNamespaces} op that performs them:
 * namespace files as they are, a process's namespaces through its pidfd, or, on kernels
 * whose {@code setns} takes no pidfd (before 5.8), through its {@code /proc/PID/ns} files.
 */
final class JoinCompiler {
    /** nsenter's order, which the helper keeps within each of its two passes. */
    private static final List<NamespaceType> ORDER = List.of(NamespaceType.USER, NamespaceType.CGROUP,
            NamespaceType.IPC, NamespaceType.UTS, NamespaceType.NET, NamespaceType.PID, NamespaceType.MNT,
            NamespaceType.TIME);

    private JoinCompiler() {}

    /**
     * The op, or null when nothing is joined. With {@code pidForChildren} a joined pid
     * namespace is left out: the child joins it for its children ({@link #pidNamespaceFile}).
     */
    static Op.EnterNamespaces enter(List<Join> joins, JoinProcess process, boolean pidfdSetns, boolean pidForChildren) {
        if (joins.isEmpty() && process == null) return null;
        List<Op.JoinNamespace> files = new ArrayList<>();
        int pidTypes = 0;
        if (process != null) {
            for (NamespaceType t : ORDER) {
                if (!process.types().contains(t) || (pidForChildren && t == NamespaceType.PID)) continue;
                if (pidfdSetns) pidTypes |= t.cloneFlag();
                else files.add(new Op.JoinNamespace("/proc/" + process.pid() + "/ns/" + t.procName(), t.cloneFlag()));
            }
        }
        for (Join j : joins) {
            if (!(pidForChildren && j.type() == NamespaceType.PID)) files.add(new Op.JoinNamespace(j.nsFile(), j.type().cloneFlag()));
        }
        if (files.isEmpty() && pidTypes == 0) return null;
        return process == null || pidTypes == 0
                ? new Op.EnterNamespaces(0, 0, 0, files)
                : new Op.EnterNamespaces(process.pid(), process.pidfdInode(), pidTypes, files);
    }

    /** The file of the joined pid namespace: a joined file, else the process's. */
    static String pidNamespaceFile(List<Join> joins, JoinProcess process) {
        for (Join j : joins) {
            if (j.type() == NamespaceType.PID) return j.nsFile();
        }
        return "/proc/" + process.pid() + "/ns/pid";
    }

    static boolean joins(NamespaceType type, List<Join> joins, JoinProcess process) {
        return joins.stream().anyMatch(j -> j.type() == type) || (process != null && process.types().contains(type));
    }

    static boolean joinsUser(List<Join> joins, JoinProcess process) {
        return joins(NamespaceType.USER, joins, process);
    }

    /** Whether the running kernel is 5.8 or newer, whose setns accepts a pidfd. */
    static boolean kernelSetnsTakesPidfd() {
        return atLeast(System.getProperty("os.version", "0"), 5, 8);
    }

    static boolean atLeast(String release, int major, int minor) {
        String[] parts = release.split("[.-]");
        try {
            int ma = Integer.parseInt(parts[0]);
            int mi = parts.length > 1 ? Integer.parseInt(parts[1]) : 0;
            return ma > major || (ma == major && mi >= minor);
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
