package dev.jns.cli;

import dev.jns.ns.Namespace;
import dev.jns.ns.NamespaceType;
import dev.jns.ns.TargetProcess;
import dev.jns.os.Errno;
import dev.jns.os.ProcessCgroup;
import dev.jns.os.Processes;
import dev.jns.os.Signals;
import dev.jns.os.SyscallException;
import dev.jns.spawn.NamespacedProcess;
import dev.jns.spawn.NamespacedProcessBuilder;
import dev.jns.spawn.SpawnException;
import dev.jns.spawn.Termination;
import dev.jns.spec.PidNamespaceEntry;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code jns nsenter}: util-linux's nsenter(1), flag for flag. Looks the target up the way
 * nsenter does (same order, same messages), then has the native helper join the namespaces
 * (through one pidfd where it can) and run the program, and leaves with its status.
 *
 * <p>The program always runs as a child of the helper, as if nsenter had forked; with
 * {@code -F} it still stays outside a joined pid namespace and only its children enter it,
 * as with nsenter.
 */
public final class NsenterCommand implements Command {
    /** Handles this command opened (for --user-parent and --net-socket); open until the program runs. */
    private final List<Namespace> handles = new ArrayList<>();

    @Override
    public int run(String[] args, PrintStream out, PrintStream err) throws Exception {
        NsenterParser.Parsed parsed = NsenterParser.parse(args);
        if (parsed instanceof NsenterParser.Parsed.Help) {
            out.print(NsenterHelp.TEXT);
            return 0;
        }
        if (parsed instanceof NsenterParser.Parsed.Version) {
            out.println(Version.line("nsenter"));
            return 0;
        }
        try {
            return launch(((NsenterParser.Parsed.Run) parsed).options());
        } finally {
            for (Namespace ns : handles) ns.close();
        }
    }

    private int launch(NsenterOptions o) throws IOException, InterruptedException {
        int pid = o.targetPid();
        // Files named on the command line: nsenter opens them while parsing.
        // (Plain loops and ifs, no lambdas: each lambda costs a class spun at start-up.)
        for (Optional<String> file : o.namespaces().values()) {
            if (file.isPresent()) checkOpenable(file.get());
        }
        if (o.root().isPresent() && !o.root().get().isEmpty()) checkOpenable(o.root().get());
        if (o.workDir().isPresent() && !o.workDir().get().isEmpty()) checkOpenable(o.workDir().get());
        if (o.pidfdInode() != 0) checkPidfdInode(pid, o.pidfdInode());

        Map<NamespaceType, Optional<String>> wanted = new EnumMap<>(NamespaceType.class);
        wanted.putAll(o.namespaces());
        if (o.all()) {
            Set<NamespaceType> all = allJoinable(pid);
            for (NamespaceType t : NamespaceType.JOIN_ORDER) {
                if (!wanted.containsKey(t) && all.contains(t)) wanted.put(t, Optional.empty());
            }
        }
        Set<NamespaceType> fromTarget = EnumSet.noneOf(NamespaceType.class);
        for (Map.Entry<NamespaceType, Optional<String>> e : wanted.entrySet()) {
            if (e.getValue().isEmpty()) fromTarget.add(e.getKey());
        }
        if ((!fromTarget.isEmpty() || o.netSocketFd().isPresent() || o.userParent()) && pid == 0) {
            throw new CliException("no target PID specified");
        }
        // Joined as a whole (through a pidfd, or its /proc files on old kernels: the builder
        // decides) if it is there now; if not, nsenter's messages come from opening its files.
        boolean viaPidfd = !fromTarget.isEmpty() && new TargetProcess(pid).exists();
        if (!fromTarget.isEmpty() && !viaPidfd) {
            for (NamespaceType t : NamespaceType.JOIN_ORDER) {
                if (fromTarget.contains(t)) checkOpenable(targetFile(pid, "ns/" + t.procName()));
            }
        }
        if (o.root().isPresent() && o.root().get().isEmpty()) checkOpenable(targetFile(pid, "root"));
        if (o.workDir().isPresent() && o.workDir().get().isEmpty()) checkOpenable(targetFile(pid, "cwd"));
        Map<String, String> environment = o.env() ? targetEnvironment(pid) : null;
        long[] targetOwner = o.uidFollow() || o.gidFollow() ? targetOwner(pid) : null;
        Path cgroup = o.joinCgroup() ? targetCgroup(pid) : null;
        if (o.userParent()) {
            wanted.put(NamespaceType.USER, Optional.of(handleFile(parentUserNamespace(pid, wanted.get(NamespaceType.USER)))));
            fromTarget.remove(NamespaceType.USER);
        }
        if (o.netSocketFd().isPresent()) {
            wanted.put(NamespaceType.NET, Optional.of(handleFile(socketNamespace(pid, o.netSocketFd().getAsInt()))));
            fromTarget.remove(NamespaceType.NET);
        }
        if (wanted.isEmpty()) throw new CliException("no namespace specified");

        NamespacedProcessBuilder b = new NamespacedProcessBuilder(o.command().isEmpty() ? List.of(loginShell()) : o.command())
                .inheritIO();
        if (o.command().isEmpty()) b.argv0("-" + loginShell().substring(loginShell().lastIndexOf('/') + 1));
        if (!fromTarget.isEmpty()) {
            if (viaPidfd) {
                b.joinNamespacesOf(pid, o.pidfdInode(), fromTarget);
            } else {
                for (NamespaceType t : NamespaceType.JOIN_ORDER) {
                    if (fromTarget.contains(t)) b.joinNamespace(Path.of(targetFile(pid, "ns/" + t.procName())), t);
                }
            }
        }
        for (NamespaceType t : NamespaceType.JOIN_ORDER) {
            Optional<String> file = wanted.get(t);
            if (file != null && file.isPresent()) b.joinNamespace(Path.of(file.get()), t);
        }
        // Without fork (-F) the program itself stays outside a joined pid namespace.
        if (o.noFork()) b.pidNamespaceEntry(PidNamespaceEntry.CHILDREN_ENTER);
        applyCredentials(o, b, wanted.containsKey(NamespaceType.USER), targetOwner);
        if (cgroup != null) b.joinCgroup(cgroup);
        if (o.root().isPresent()) {
            b.rootFromOutside(Path.of(o.root().get().isEmpty() ? targetFile(pid, "root") : o.root().get()));
        }
        if (o.workDir().isPresent()) {
            b.directoryFromOutside(Path.of(o.workDir().get().isEmpty() ? targetFile(pid, "cwd") : o.workDir().get()));
        }
        if (o.workDirInNs().isPresent()) b.directory(Path.of(o.workDirInNs().get()));
        if (environment != null) {
            b.environment().clear();
            b.environment().putAll(environment);
        }

        NamespacedProcess program;
        try {
            program = InheritedDescriptors.handTo(b).start();
        } catch (SpawnException e) {
            throw NsenterErrors.of(e, b.command().getFirst());
        }
        // Like nsenter: pass on the exit status, or die by the signal that killed the program.
        Termination end = program.termination();
        if (end instanceof Termination.Killed killed) {
            System.out.flush();
            Signals.dieBy(killed.signal());
        }
        return end instanceof Termination.Exited exited ? exited.code() : 128 + ((Termination.Killed) end).signal();
    }

    private static void applyCredentials(NsenterOptions o, NamespacedProcessBuilder b, boolean user, long[] owner) {
        // In a user namespace nsenter sets uid and gid (0 unless -S/-G) and drops the groups;
        // the builder does that by default, so only explicit ids are passed on.
        b.preserveCredentials(o.preserveCredentials());
        Long gid = o.gidFollow() ? Long.valueOf(owner[1]) : o.gid().isPresent() ? o.gid().getAsLong() : null;
        Long uid = o.uidFollow() ? Long.valueOf(owner[0]) : o.uid().isPresent() ? o.uid().getAsLong() : null;
        if (gid != null) {
            b.gid(gid);
            if (!user || o.preserveCredentials()) b.groups(List.of());
        }
        if (uid != null) b.uid(uid);
        if (o.keepCaps() && user) b.keepCapabilities(true);
    }

    /** The shell to run when no program is given: $SHELL, else the user's in /etc/passwd, else /bin/sh. */
    static String loginShell() {
        String shell = System.getenv("SHELL");
        if (shell != null && !shell.isEmpty()) return shell;
        return passwdShell(ownUid()).orElse("/bin/sh");
    }

    // ---- looking the target up ---------------------------------------------------------------

    private static String targetFile(int pid, String name) {
        if (pid == 0) throw new CliException("neither filename nor target pid supplied for " + name);
        return "/proc/" + pid + "/" + name;
    }

    /** nsenter opens each file it will use up front; so does this check (through NIO, not FFM, to start fast). */
    private static void checkOpenable(String path) {
        try {
            FileChannel.open(Path.of(path), StandardOpenOption.READ).close();
        } catch (IOException e) {
            throw new CliException("cannot open " + path + ": " + Errno.describe(e));
        }
    }

    private static void checkPidfdInode(int pid, long inode) {
        try {
            if (Processes.pidfdInode(pid) == inode) return;
        } catch (SyscallException e) {
            throw new CliException("failed to obtain a valid file descriptor for PID " + pid + ": " + e.strerror());
        }
        throw new CliException("failed to obtain a valid file descriptor for PID " + pid + ": " + Errno.describe(Errno.ESRCH));
    }

    /**
     * Whether the process is there to be joined as a whole (through a pidfd, or its /proc
     * files on old kernels: the builder decides). If it is gone by the time the helper
     * looks, the helper says so; if it is not there now, nsenter's messages come from
     * opening its /proc files.
     */
    private static Set<NamespaceType> allJoinable(int pid) {
        try {
            return new TargetProcess(pid).allJoinable();
        } catch (IOException e) {
            throw new CliException("stat of /proc/" + pid + "/ns/user failed: " + Errno.describe(e));
        }
    }

    private static Map<String, String> targetEnvironment(int pid) {
        String path = targetFile(pid, "environ");
        try {
            return new TargetProcess(pid).environment();
        } catch (IOException e) {
            throw new CliException("cannot open " + path + ": " + Errno.describe(e));
        }
    }

    /** The uid and gid the target runs as, which -S/-G follow take. */
    private static long[] targetOwner(int pid) {
        String path = targetFile(pid, "");
        try {
            return new TargetProcess(pid).owner();
        } catch (IOException e) {
            throw new CliException("cannot open " + path + ": " + Errno.describe(e));
        }
    }

    /**
     * nsenter's --join-cgroup: only on a cgroup v2 /sys/fs/cgroup; the target's group there,
     * from its /proc/PID/cgroup (read now, as nsenter does before any join). The program opens
     * the group's cgroup.procs before the joins and writes itself into it.
     */
    private static Path targetCgroup(int pid) {
        if (!cgroupV2()) throw new CliException("--join-cgroup is only supported in cgroup v2");
        String file = targetFile(pid, "cgroup");
        Optional<String> path;
        try {
            path = ProcessCgroup.v2Path(pid);
        } catch (IOException e) {
            throw new CliException("cannot open " + file + ": " + Errno.describe(e));
        }
        if (path.isEmpty()) throw new CliException("failed to get cgroup path");
        Path group = ProcessCgroup.directory(Path.of("/sys/fs/cgroup"), path.get());
        // nsenter opens it here, before "no namespace specified"; the helper opens it again for the program.
        try {
            FileChannel.open(group.resolve("cgroup.procs"), StandardOpenOption.WRITE, StandardOpenOption.APPEND).close();
        } catch (IOException e) {
            throw new CliException("failed to open cgroup.procs: " + Errno.describe(e));
        }
        return group;
    }

    /** Whether /sys/fs/cgroup is a cgroup2 mount: the last one on that path, the one on top, is what statfs sees. */
    private static boolean cgroupV2() {
        try {
            boolean v2 = false;
            for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
                String[] f = line.split(" ");
                int dash = line.indexOf(" - ");
                if (f.length > 4 && f[4].equals("/sys/fs/cgroup") && dash > 0) {
                    v2 = line.substring(dash + 3).startsWith("cgroup2 ");
                }
            }
            return v2;
        } catch (IOException e) {
            throw new CliException("statfs /sys/fs/cgroup failed: " + Errno.describe(e));
        }
    }

    private Namespace parentUserNamespace(int pid, Optional<String> userFile) {
        try (Namespace user = userFile != null && userFile.isPresent()
                ? Namespace.open(Path.of(userFile.get()))
                : Namespace.of(pid, NamespaceType.USER)) {
            return user.owner().orElseThrow(() -> new CliException("failed to open parent namespace: "
                    + Errno.describe(Errno.EPERM)));
        } catch (SyscallException e) {
            throw new CliException("failed to open parent namespace: " + e.strerror());
        }
    }

    private Namespace socketNamespace(int pid, int sockFd) {
        try {
            return Namespace.ofSocket(pid, sockFd);
        } catch (SyscallException e) {
            throw new CliException(switch (e.call()) {
                case "pidfd_open" -> "failed to pidfd_open() for " + pid;
                case "pidfd_getfd" -> "pidfd_getfd" + e.detail();
                default -> "ioctl(" + sockFd + ", SIOCGSKNS)";
            } + ": " + e.strerror());
        }
    }

    /** The path through which the helper opens a handle this JVM holds. */
    private String handleFile(Namespace ns) {
        handles.add(ns);
        return ns.fdPath().toString();
    }

    private static int ownUid() {
        try {
            return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        } catch (IOException e) {
            return -1;
        }
    }

    private static Optional<String> passwdShell(int uid) {
        try {
            for (String line : Files.readAllLines(Path.of("/etc/passwd"))) {
                String[] f = line.split(":", -1);
                if (f.length >= 7 && f[2].equals(Integer.toString(uid)) && !f[6].isEmpty()) return Optional.of(f[6]);
            }
        } catch (IOException e) {
            // no passwd entry to read: fall back to /bin/sh
        }
        return Optional.empty();
    }

}
