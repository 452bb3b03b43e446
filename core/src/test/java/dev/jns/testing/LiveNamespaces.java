package dev.jns.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Real namespaces, each kept alive by a different thing, made with util-linux and
 * iproute2 (root only), for the inventory and lsns tests:
 * <ul>
 * <li>{@code full}: a process in new namespaces of all 8 types, its net namespace also
 *     attached as {@code /run/netns/NAME} with a NETNSID;</li>
 * <li>{@code nested}: user and pid namespaces two deep, for parents and owners;</li>
 * <li>{@code bindOnly}: a net namespace held only by a bind mount;</li>
 * <li>{@code fdOnly}: a net namespace held only by fd 3 of a process outside it;</li>
 * <li>{@code ghost}: a bind-mounted net namespace whose owning user namespace has no
 *     process left (kept only as that net namespace's owner);</li>
 * <li>{@code socketOnly}: a net namespace held only by a socket (fd 3) of a process
 *     outside it;</li>
 * <li>{@code elsewhere}: a net namespace bind-mounted only in another mount namespace,
 *     whose one process is {@code elsewhereMountPid}.</li>
 * </ul>
 * {@link #close()} kills every process, removes every mount and file it made.
 */
public final class LiveNamespaces implements AutoCloseable {
    /** The two-deep user+pid chain: outer/inner user and pid namespaces, the pids in them. */
    public record Nested(long outerUser, long innerUser, long outerPid, long innerPid,
                         int innerUnsharePid, int sleepPid) {}

    private final Path dir;
    private final List<Process> processes = new ArrayList<>();
    private final List<Path> mounts = new ArrayList<>();
    private String netnsName;

    public int fullPid;
    public String fullNetnsName;
    public int fullNetnsId;
    public Nested nested;
    public long bindOnly;
    public Path bindOnlyPath;
    public long fdOnly;
    public int fdHolderPid;
    public long ghostOwnedNet;
    public Path ghostOwnedNetPath;
    public long ghostUser;
    public long socketOnly;
    public int socketHolderPid;
    public long elsewhere;
    public Path elsewherePath;
    public int elsewhereMountPid;

    private LiveNamespaces() throws IOException {
        dir = Files.createTempDirectory("jns-live-ns-");
    }

    public static LiveNamespaces create() {
        LiveNamespaces live = null;
        try {
            live = new LiveNamespaces();
            live.makeFull();
            live.makeNested();
            live.makeBindOnly();
            live.makeFdOnly();
            live.makeGhost();
            live.makeSocketOnly();
            live.makeElsewhere();
            return live;
        } catch (IOException e) {
            if (live != null) live.close();
            throw new UncheckedIOException(e);
        } catch (RuntimeException | Error e) {
            if (live != null) live.close();
            throw e;
        }
    }

    private void makeFull() throws IOException {
        Process p = startReady("unshare", "-Umnuipf", "-C", "-T", "--kill-child", "bash", "-c", "echo ready; exec sleep 600");
        fullPid = onlyDescendant(p.pid(), "sleep");
        fullNetnsName = "jns-live-" + ProcessHandle.current().pid();
        mustRun("ip", "netns", "attach", fullNetnsName, Integer.toString(fullPid));
        netnsName = fullNetnsName;
        // An id stays taken until the kernel has cleaned up its namespace, which it does
        // asynchronously: a fixture made right after another may find its id still in use.
        for (int id = 4200 + (int) (ProcessHandle.current().pid() % 50); ; id += 50) {
            ExternalCommand r = ExternalCommand.run("ip", "netns", "set", fullNetnsName, Integer.toString(id));
            if (r.exitCode() == 0) {
                fullNetnsId = id;
                break;
            }
            if (id > 6000) throw new IllegalStateException("ip netns set found no free id: " + r.stderr());
        }
    }

    private void makeNested() throws IOException {
        Process p = startReady("unshare", "-Urpf", "--kill-child", "unshare", "-Urpf", "--kill-child",
                "bash", "-c", "echo ready; exec sleep 600");
        int outer = (int) p.pid();
        int inner = onlyDescendant(outer, "unshare");
        int sleep = onlyDescendant(inner, "sleep");
        nested = new Nested(inode(outer, "user"), inode(inner, "user"), inode(inner, "pid"), inode(sleep, "pid"), inner, sleep);
    }

    private void makeBindOnly() throws IOException {
        bindOnlyPath = bindTarget("bind-only");
        mustRun("unshare", "--net=" + bindOnlyPath, "true");
        mounts.add(bindOnlyPath);
        bindOnly = inode(bindOnlyPath);
    }

    private void makeFdOnly() throws IOException {
        Path f = bindTarget("fd-only");
        mustRun("unshare", "--net=" + f, "true");
        mounts.add(f);
        fdOnly = inode(f);
        Process holder = startReady("bash", "-c", "exec 3<" + f + " && umount --lazy " + f + " && echo ready && exec sleep 600");
        mounts.remove(f);
        fdHolderPid = (int) holder.pid();
    }

    private void makeGhost() throws IOException {
        Process owner = startReady("unshare", "-U", "-n", "bash", "-c", "echo ready; exec sleep 600");
        ghostOwnedNetPath = bindTarget("ghost-owned");
        mustRun("mount", "--bind", "/proc/" + owner.pid() + "/ns/net", ghostOwnedNetPath.toString());
        mounts.add(ghostOwnedNetPath);
        ghostOwnedNet = inode(ghostOwnedNetPath);
        ghostUser = inode((int) owner.pid(), "user");
        kill(owner);
    }

    private void makeSocketOnly() throws IOException {
        Path f = bindTarget("socket-only");
        mustRun("unshare", "--net=" + f, "true");
        mounts.add(f);
        socketOnly = inode(f);
        long self = ProcessHandle.current().pid();
        // Inside the namespace: lo up, a UDP socket as fd 3; then back to our net namespace.
        Process holder = startReady("nsenter", "--net=" + f, "bash", "-c",
                "ip link set lo up && exec 3<>/dev/udp/127.0.0.1/9 && exec nsenter --net=/proc/" + self
                        + "/ns/net bash -c 'echo ready; exec sleep 600'");
        mustRun("umount", f.toString());
        mounts.remove(f);
        socketHolderPid = onlyDescendantOrSelf(holder.pid(), "sleep");
    }

    private void makeElsewhere() throws IOException {
        elsewherePath = bindTarget("elsewhere");
        // a private mount namespace: the bind mount made inside it stays there
        Process p = startReady("unshare", "-m", "--propagation", "private", "bash", "-c",
                "unshare --net=" + elsewherePath + " true && echo ready && exec sleep 600");
        elsewhereMountPid = (int) p.pid();
        elsewhere = (Long) Files.getAttribute(Path.of("/proc/" + p.pid() + "/root" + elsewherePath), "unix:ino");
    }

    /** The inodes of every namespace the fixture's processes are in that this JVM is not in. */
    public Set<Long> processHeld() {
        Set<Long> own = new TreeSet<>(), out = new TreeSet<>();
        for (String t : List.of("mnt", "net", "pid", "uts", "ipc", "user", "cgroup", "time")) own.add(inode((int) ProcessHandle.current().pid(), t));
        for (Process p : processes) {
            for (long pid : Stream.concat(Stream.of(p.pid()), descendants(p.pid()).stream()).toList()) {
                if (!ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) continue;
                for (String t : List.of("mnt", "net", "pid", "uts", "ipc", "user", "cgroup", "time")) {
                    long ino = inode((int) pid, t);
                    if (ino != 0 && !own.contains(ino)) out.add(ino);
                }
            }
        }
        return out;
    }

    private Path bindTarget(String name) throws IOException {
        return Files.createFile(dir.resolve(name));
    }

    private Process startReady(String... command) throws IOException {
        // stderr to a file: unshare complains when its child dies by SIGKILL at clean-up
        Path errors = dir.resolve("stderr-" + processes.size());
        Process p = new ProcessBuilder(command).redirectError(errors.toFile()).start();
        processes.add(p);
        BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line = r.readLine();
        if (!"ready".equals(line)) {
            throw new IllegalStateException("fixture " + List.of(command) + " did not start: " + Files.readString(errors));
        }
        return p;
    }

    private static void mustRun(String... command) {
        ExternalCommand r = ExternalCommand.run(command);
        if (r.exitCode() != 0) throw new IllegalStateException(List.of(command) + " failed: " + r.stderr());
    }

    /** The namespace inode of {@code /proc/PID/ns/TYPE}, or 0 when unreadable. */
    public static long inode(int pid, String type) {
        try {
            String link = Files.readSymbolicLink(Path.of("/proc/" + pid + "/ns/" + type)).toString();
            return Long.parseLong(link.substring(link.indexOf('[') + 1, link.length() - 1));
        } catch (IOException e) {
            return 0;
        }
    }

    private static long inode(Path nsfsFile) throws IOException {
        return (Long) Files.getAttribute(nsfsFile, "unix:ino");
    }

    private static int onlyDescendant(long pid, String comm) {
        return single(pid, comm, false);
    }

    private static int onlyDescendantOrSelf(long pid, String comm) {
        return single(pid, comm, true);
    }

    private static int single(long pid, String comm, boolean orSelf) {
        for (int attempt = 0; attempt < 100; attempt++) {
            Stream<Long> candidates = orSelf ? Stream.concat(Stream.of(pid), descendants(pid).stream()) : descendants(pid).stream();
            List<Long> found = candidates.filter(d -> comm.equals(comm(d))).toList();
            if (found.size() == 1) return found.getFirst().intValue();
            sleep(20);
        }
        throw new IllegalStateException("no single '" + comm + "' under pid " + pid);
    }

    private static String comm(long pid) {
        try {
            return Files.readString(Path.of("/proc/" + pid + "/comm")).strip();
        } catch (IOException e) {
            return "";
        }
    }

    /** Every live descendant of {@code pid}. */
    static List<Long> descendants(long pid) {
        return ProcessHandle.of(pid).map(h -> h.descendants().map(ProcessHandle::pid).toList()).orElse(List.of());
    }

    /**
     * Kills the leaves of the process tree first: each unshare --fork above them reaps its
     * child and exits by itself, so nothing is left for init to reap.
     */
    private static void kill(Process p) {
        for (int round = 0; round < 10; round++) {
            List<ProcessHandle> leaves = ProcessHandle.of(p.pid()).stream()
                    .flatMap(h -> Stream.concat(Stream.of(h), h.descendants()))
                    .filter(h -> h.isAlive() && h.children().findAny().isEmpty()).toList();
            if (leaves.isEmpty()) break;
            for (ProcessHandle leaf : leaves) leaf.destroyForcibly();
            for (ProcessHandle leaf : leaves) {
                for (int i = 0; i < 250 && leaf.isAlive() && leaf.pid() != p.pid(); i++) sleep(20);
            }
            if (!p.isAlive()) break;
        }
        p.destroyForcibly();
        try {
            p.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        for (Process p : processes) kill(p);
        if (netnsName != null) ExternalCommand.run("ip", "netns", "delete", netnsName);
        // lazily: another scan on this machine may have the file open for a moment
        for (Path m : mounts) {
            ExternalCommand r = ExternalCommand.run("umount", "--lazy", m.toString());
            if (r.exitCode() != 0) throw new IllegalStateException("fixture mount " + m + " not removed: " + r.stderr());
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.toList()) Files.deleteIfExists(f);
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
