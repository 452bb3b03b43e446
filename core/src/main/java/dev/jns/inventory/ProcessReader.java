package dev.jns.inventory;

import dev.jns.inventory.ProcFs.NsLink;
import dev.jns.inventory.ProcessFacts.NsFd;
import dev.jns.ns.NamespaceType;

import java.io.File;
import java.io.FileInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Reads processes' {@code /proc} directories with plain file calls (no FFM): stat, owner,
 * namespace links and fd links. This is the per-process work of every scan, so it does
 * only what the links can tell and runs in parallel for many processes.
 */
final class ProcessReader {
    /** Below this many processes a parallel read costs more than it saves. */
    private static final int PARALLEL_FROM = 256;

    private final List<NamespaceType> linkTypes;
    private final Set<String> nsfsMountPoints;
    private final boolean sockets;

    /**
     * @param linkTypes       the namespace links to read
     * @param nsfsMountPoints paths where nsfs files are mounted: an fd opened through one
     *                        links to the path, so such fds are set aside to be checked
     * @param sockets         whether to note socket fds
     */
    ProcessReader(List<NamespaceType> linkTypes, Set<String> nsfsMountPoints, boolean sockets) {
        this.linkTypes = List.copyOf(linkTypes);
        this.nsfsMountPoints = Set.copyOf(nsfsMountPoints);
        this.sockets = sockets;
    }

    /** The pids in {@code /proc} now. */
    static List<Integer> listPids() {
        String[] names = new File("/proc").list();
        List<Integer> pids = new ArrayList<>();
        if (names == null) return pids;
        for (String n : names) {
            long pid = ProcFs.parseDecimal(n, 0, n.length());
            if (pid > 0 && pid <= Integer.MAX_VALUE) pids.add((int) pid);
        }
        return pids;
    }

    /** The facts of each process that is still there. */
    List<ProcessFacts> readAll(List<Integer> pids) {
        var stream = pids.size() >= PARALLEL_FROM ? pids.parallelStream() : pids.stream();
        return stream.map(this::read).filter(Objects::nonNull).toList();
    }

    /** The process's facts, or null when it is gone (or a zombie, which is in no namespace). */
    ProcessFacts read(int pid) {
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
        List<Integer> socketFds = new ArrayList<>(0), mountedFds = new ArrayList<>(0);
        List<Long> socketInodes = new ArrayList<>(0);
        String[] fds = new File(base, "fd").list(); // null when gone or not ours to inspect
        Path fdDir = Path.of(base, "fd");
        for (String name : fds == null ? new String[0] : fds) {
            String link;
            try {
                link = Files.readSymbolicLink(fdDir.resolve(name)).toString();
            } catch (IOException e) {
                continue; // closed meanwhile
            }
            int fd = (int) ProcFs.parseDecimal(name, 0, name.length());
            if (link.startsWith("/")) { // a file: the common case, decided first
                // "/" is what an fd through a lazily detached mount links to
                if (link.equals("/") || nsfsMountPoints.contains(link)) mountedFds.add(fd);
                continue;
            }
            Optional<NsLink> nsLink = ProcFs.parseNsLink(link);
            if (nsLink.isPresent()) nsFds.add(new NsFd(fd, nsLink.get()));
            else if (sockets) {
                long socket = ProcFs.parseSocketLink(link);
                if (socket >= 0) {
                    socketFds.add(fd);
                    socketInodes.add(socket);
                }
            }
        }
        long[] inodes = new long[socketInodes.size()];
        for (int i = 0; i < inodes.length; i++) inodes[i] = socketInodes.get(i);
        return new ProcessFacts(pid, ppid, uid, ns, nsFds, toArray(socketFds), inodes, toArray(mountedFds));
    }

    /** Fds of {@code pid} that link to one of {@code paths}. */
    static List<Integer> fdsLinkingTo(int pid, Set<String> paths) {
        List<Integer> out = new ArrayList<>(0);
        String[] fds = new File("/proc/" + pid + "/fd").list();
        if (fds == null) return out;
        Path fdDir = Path.of("/proc", Integer.toString(pid), "fd");
        for (String name : fds) {
            try {
                if (paths.contains(Files.readSymbolicLink(fdDir.resolve(name)).toString())) {
                    out.add((int) ProcFs.parseDecimal(name, 0, name.length()));
                }
            } catch (IOException e) {
                // closed meanwhile
            }
        }
        return out;
    }

    /** cmdline, else comm, as lsns shows them; empty when the process has gone. */
    static Optional<String> command(int pid) {
        Optional<String> cmdline = readCommandFile(pid, "cmdline");
        return cmdline.isPresent() ? cmdline : readCommandFile(pid, "comm");
    }

    private static Optional<String> readCommandFile(int pid, String name) {
        try (FileInputStream in = new FileInputStream("/proc/" + pid + "/" + name)) {
            return ProcFs.command(in.readNBytes(ProcFs.COMMAND_BUFFER));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** A small {@code /proc} file (stat) as Latin-1 text; plain java.io starts faster than NIO channels. */
    private static String readSmallFile(String path) throws IOException {
        try (FileInputStream in = new FileInputStream(path)) {
            return new String(in.readNBytes(4096), StandardCharsets.ISO_8859_1);
        }
    }

    private static int[] toArray(List<Integer> l) {
        int[] a = new int[l.size()];
        for (int i = 0; i < a.length; i++) a[i] = l.get(i);
        return a;
    }
}
