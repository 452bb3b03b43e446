package dev.jns.oci;

import dev.jns.cgroup.Cgroup;
import dev.jns.json.Json;
import dev.jns.json.JsonException;
import dev.jns.json.JsonWriter;
import dev.jns.ns.Namespace;
import dev.jns.ns.NamespaceType;
import dev.jns.os.Signals;
import dev.jns.os.SyscallException;
import dev.jns.plan.CallerIds;
import dev.jns.seccomp.SeccompNotifications;
import dev.jns.spawn.NamespacedProcess;
import dev.jns.spawn.BeforeExec;
import dev.jns.spawn.Spawner;
import dev.jns.spec.Capabilities;
import dev.jns.spec.Credentials;
import dev.jns.spec.Descriptor;
import dev.jns.spec.Filesystem;
import dev.jns.spec.Joins;
import dev.jns.spec.LaunchSpec;
import dev.jns.spec.NewNamespaces;
import dev.jns.spec.PerTypeSetup;
import dev.jns.spec.PidNamespaceEntry;
import dev.jns.spec.Program;
import dev.jns.spec.SeccompProgram;
import dev.jns.spec.Supervision;
import dev.jns.spec.UserNamespace;
import dev.jns.sys.LibC;
import dev.jns.sys.Pty;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The OCI runtime: containers kept under a root directory ({@code --root}), one directory
 * each holding {@code state.json}, the start fifo and a lock. Every verb takes the
 * container's lock, so concurrent verbs on one container run one after another; nothing
 * lives in a {@code jns oci} process, so the state survives the death of any of them. The
 * container's status is read from the kernel each time: its process alive (the same one: the
 * pid's start time is recorded) and waiting at the fifo is {@code created}, alive past it
 * {@code running}, gone {@code stopped}.
 */
public final class OciRuntime {
    private static final String STATE = "state.json", FIFO = "exec.fifo", LOCK = "lock";

    private final Path root;

    public OciRuntime(Path root) {
        this.root = root.toAbsolutePath();
    }

    /** {@code /run/jns-oci} for root; for anyone else {@code $XDG_RUNTIME_DIR/jns-oci} (runc's rule). */
    public static Path defaultRoot() {
        if (CallerIds.current().euid() == 0) return Path.of("/run/jns-oci");
        String xdg = System.getenv("XDG_RUNTIME_DIR");
        if (xdg != null && !xdg.isEmpty()) return Path.of(xdg, "jns-oci");
        return Path.of("/tmp", "jns-oci-" + CallerIds.current().euid());
    }

    /** The state the spec defines ({@code jns oci state}), with runc's extra members. */
    public record State(ContainerRecord container, String status) {
        public int pid() {
            return status.equals("stopped") ? 0 : container.pid();
        }

        public Json.Obj toJson() {
            Json.ObjectBuilder b = Json.object().put("ociVersion", DefaultConfig.OCI_VERSION).put("id", container.id())
                    .put("pid", pid()).put("status", status).put("bundle", container.bundle()).put("rootfs", container.rootfs())
                    .put("created", container.created()).put("owner", "");
            if (!container.annotations().isEmpty()) {
                Json.ObjectBuilder a = Json.object();
                container.annotations().forEach(a::put);
                b.put("annotations", a.build());
            }
            return b.build();
        }
    }

    /**
     * How to create a container.
     *
     * @param consoleSocket where the pty's master goes when {@code process.terminal} is set
     * @param preserveFds   descriptors 3 to 3+N-1 handed to the container
     */
    public record CreateRequest(Path bundle, Optional<Path> pidFile, Optional<Path> consoleSocket, boolean noPivot,
                                int preserveFds) {}

    // ---- create ------------------------------------------------------------------------------

    public State create(String id, CreateRequest request) throws IOException {
        checkId(id);
        Path bundle = request.bundle().toAbsolutePath().normalize();
        if (!Files.isDirectory(bundle)) throw new OciException("bundle " + bundle + ": no such directory");
        Path configFile = bundle.resolve("config.json");
        String text;
        try {
            text = Files.readString(configFile);
        } catch (NoSuchFileException e) {
            throw new OciException("open " + configFile + ": no such file or directory");
        }
        OciConfig config = ConfigReader.read(text);
        if (config.process().isPresent() && config.process().get().terminal() && request.consoleSocket().isEmpty()) {
            throw new OciException("cannot allocate tty if runc will detach without setting console socket");
        }
        if (request.consoleSocket().isPresent() && !(config.process().isPresent() && config.process().get().terminal())) {
            throw new OciException("cannot use console socket if runc will not detach or allocate tty");
        }
        Files.createDirectories(root);
        Path dir = root.resolve(id);
        try {
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx--x--x")));
        } catch (FileAlreadyExistsException e) {
            throw new OciException("container with given ID already exists");
        }
        boolean made = false;
        try (FileChannel lock = lockFile(dir); FileLock ignored = lock.lock()) {
            State state = createLocked(id, bundle, config, request, dir);
            made = true;
            return state;
        } finally {
            if (!made) removeDirectory(dir);
        }
    }

    private State createLocked(String id, Path bundle, OciConfig config, CreateRequest request, Path dir) throws IOException {
        Path fifo = dir.resolve(FIFO);
        LibC.mkfifo(fifo.toString(), 0622);
        // Writable by all, whatever the umask took: the program opens it as whoever it is by then,
        // root in a user namespace that does not map the fifo's owner included (as runc's).
        Files.setPosixFilePermissions(fifo, PosixFilePermissions.fromString("rw--w--w-"));
        Pty pty = null;
        int pid = -1;
        Cgroup cgroup = null;
        try {
            Optional<LaunchTranslator.TerminalEnd> terminal = Optional.empty();
            if (request.consoleSocket().isPresent()) {
                pty = Pty.open();
                terminal = Optional.of(new LaunchTranslator.TerminalEnd(pty.terminal(), pty.path()));
            }
            LaunchTranslator.OciLaunch launch = LaunchTranslator.translate(config, new LaunchTranslator.CreateOptions(bundle,
                    fifo, request.pidFile().map(Path::toAbsolutePath), request.preserveFds(), request.noPivot(), terminal),
                    CallerIds.current());
            LaunchSpec spec = withSeccomp(launch.spec(), launch.seccomp().map(f -> f.withoutUnknownSystemCalls().compile()));
            if (pty != null) pty.sendMaster(request.consoleSocket().get());
            pid = (int) Spawner.startDetached(spec, new ProcessBuilder().inheritIO(),
                    (child, listener) -> handOffListener(id, bundle, config, launch, (int) child, listener));
            cgroup = ContainerCgroup.create(id, config, pid);
            applyFromOutside(pid, launch);
            ContainerRecord record = new ContainerRecord(id, pid, startTime(pid).orElse(0L), bundle.toString(),
                    launch.rootfs().toString(), Instant.now().toString(), CallerIds.current().euid(), config.annotations(),
                    config.hooks().poststop(), config.hooks().poststart(), config.hooks().startContainer(),
                    ContainerCgroup.directories(cgroup));
            writeAtomically(dir.resolve(STATE), record.toJson());
            State state = new State(record, "created");
            List<OciConfig.Hook> early = new ArrayList<>(config.hooks().prestart());
            early.addAll(config.hooks().createRuntime());
            Hooks.run(early, state, "createRuntime");
            // After the runtime's own hooks, in the container's namespaces (its root already entered: see Hooks)
            Hooks.runInContainer(config.hooks().createContainer(), state, "createContainer", pid, namespacesOf(pid),
                    Optional.ofNullable(cgroup));
            return state;
        } catch (IOException | RuntimeException e) {
            if (pid > 0) killAndWait(pid);
            if (cgroup != null) ContainerCgroup.removeQuietly(cgroup, e);
            request.pidFile().ifPresent(p -> p.toFile().delete());
            throw e;
        } finally {
            if (pty != null) {
                LibC.close(pty.master());
                LibC.close(pty.terminal());
            }
        }
    }

    /**
     * Sends the listener of the container's seccomp filter (SCMP_ACT_NOTIFY) to
     * {@code linux.seccomp.listenerPath} with the spec's container process state, as runc does
     * during create: the state says "creating", and the program waits for the listener if it
     * makes a notified call before it is started.
     */
    private static void handOffListener(String id, Path bundle, OciConfig config, LaunchTranslator.OciLaunch launch, int pid,
                                        SeccompNotifications listener) throws IOException {
        try (listener) {
            OciConfig.Seccomp seccomp = config.linux().seccomp().orElseThrow();
            Path socket = Path.of(seccomp.listenerPath().orElseThrow());
            ContainerRecord record = new ContainerRecord(id, pid, 0, bundle.toString(), launch.rootfs().toString(),
                    Instant.now().toString(), CallerIds.current().euid(), config.annotations(), List.of(), List.of(), List.of(),
                    Map.of());
            Json.Obj message = Json.object().put("ociVersion", DefaultConfig.OCI_VERSION).put("fds", Json.strings(List.of("seccompFd")))
                    .put("pid", pid).put("metadata", seccomp.listenerMetadata()).put("state", new State(record, "creating").toJson())
                    .build();
            try {
                listener.handTo(socket, JsonWriter.compact(message).getBytes(StandardCharsets.UTF_8));
            } catch (SyscallException e) {
                throw new OciException("linux.seccomp.listenerPath: cannot send the seccomp listener to " + socket + ": "
                        + e.getMessage());
            }
        }
    }

    /** What is set from outside while the program waits at the fifo: its OOM score and its namespaces' sysctls. */
    private static void applyFromOutside(int pid, LaunchTranslator.OciLaunch launch) throws IOException {
        if (launch.oomScoreAdj().isPresent()) {
            Files.writeString(Path.of("/proc", Integer.toString(pid), "oom_score_adj"), launch.oomScoreAdj().get().toString());
        }
        for (Map.Entry<String, String> e : launch.sysctl().entrySet()) {
            NamespaceType type = e.getKey().startsWith("net.") ? NamespaceType.NET
                    : e.getKey().startsWith("kernel.hostname") || e.getKey().startsWith("kernel.domainname") ? NamespaceType.UTS
                    : NamespaceType.IPC;
            Path file = Path.of("/proc/sys", e.getKey().replace('.', '/'));
            try (Namespace ns = Namespace.of(pid, type)) {
                ns.run(() -> Files.writeString(file, e.getValue()));
            } catch (IOException | UncheckedIOException x) {
                throw new OciException("linux.sysctl: write " + file + ": " + x.getMessage());
            }
        }
    }

    private static LaunchSpec withSeccomp(LaunchSpec s, Optional<SeccompProgram> program) {
        if (program.isEmpty()) return s;
        return new LaunchSpec(s.program(), s.create(), s.join(), s.user(), s.filesystem(), s.setup(), s.credentials(),
                s.capabilities(), s.supervision(), s.descriptors(), List.of(program.get()), s.waitForCaller(), s.limits());
    }

    // ---- the other verbs ---------------------------------------------------------------------

    /**
     * Lets a created container's program exec: runs the startContainer hooks in its namespaces
     * (a failing one kills it), opens the fifo it waits at, then runs the poststart hooks.
     */
    public void start(String id) throws IOException {
        withLock(id, dir -> {
            State state = read(id, dir);
            switch (state.status()) {
                case "running" -> throw new OciException("cannot start an already running container");
                case "stopped" -> throw new OciException("cannot start a container that has stopped");
                default -> {}
            }
            int pid = state.container().pid();
            try {
                Hooks.runInContainer(state.container().startContainer(), state, "startContainer", pid, namespacesOf(pid),
                        ContainerCgroup.open(state.container()));
            } catch (IOException | RuntimeException e) {
                killAndWait(pid);
                throw e;
            }
            Path fifo = dir.resolve(FIFO);
            try (InputStream in = Files.newInputStream(fifo)) {
                if (in.read() < 0) throw new OciException("cannot start a container that has stopped");
            }
            Files.deleteIfExists(fifo);
            Hooks.runWarning(state.container().poststart(), new State(state.container(), "running"), "poststart");
            return null;
        });
    }

    public State state(String id) throws IOException {
        return withLock(id, dir -> read(id, dir));
    }

    /** Signals the container's process ({@code all}: every process in its pid namespace). */
    public void kill(String id, int signal, boolean all) throws IOException {
        withLock(id, dir -> {
            State state = read(id, dir);
            if (state.status().equals("stopped")) throw new OciException("container not running");
            Optional<Cgroup> cgroup = ContainerCgroup.open(state.container());
            if (all && cgroup.isPresent()) {
                cgroup.get().signalAll(signal);
            } else if (all) {
                for (int pid : pids(state)) Signals.kill(pid, signal);
            } else {
                Signals.kill(state.container().pid(), signal);
            }
            return null;
        });
    }

    /**
     * Removes a stopped container (a created one is killed first, as runc does); with
     * {@code force} a running one is killed too. Runs the poststop hooks; leaves nothing.
     */
    public void delete(String id, boolean force) throws IOException {
        withLock(id, dir -> {
            State state = read(id, dir);
            if (state.status().equals("running") && !force) {
                throw new OciException("cannot delete container " + id + " that is not stopped: running");
            }
            Optional<Cgroup> cgroup = ContainerCgroup.open(state.container());
            if (!state.status().equals("stopped")) {
                if (cgroup.isPresent()) cgroup.get().killAll();
                for (int pid : pids(state)) Signals.kill(pid, Signals.SIGKILL);
                killAndWait(state.container().pid());
            }
            if (cgroup.isPresent()) cgroup.get().remove();
            removeDirectory(dir);
            Hooks.runWarning(state.container().poststop(), new State(state.container(), "stopped"), "poststop");
            return null;
        });
    }

    public List<State> list() throws IOException {
        List<State> out = new ArrayList<>();
        if (!Files.isDirectory(root)) return out;
        List<String> ids = new ArrayList<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(root)) {
            for (Path d : dirs) if (Files.isRegularFile(d.resolve(STATE))) ids.add(d.getFileName().toString());
        }
        ids.sort(null);
        for (String id : ids) {
            try {
                out.add(state(id));
            } catch (OciException gone) {
                // deleted meanwhile
            }
        }
        return out;
    }

    /** The pids of the container's processes, as this machine numbers them (its cgroup's, when it has one). */
    public List<Integer> pids(String id) throws IOException {
        return withLock(id, dir -> {
            State state = read(id, dir);
            Optional<Cgroup> cgroup = ContainerCgroup.open(state.container());
            if (cgroup.isEmpty() || state.status().equals("stopped")) return pids(state);
            List<Integer> out = new ArrayList<>();
            for (long p : cgroup.get().pids()) out.add((int) p);
            out.sort(null);
            return out;
        });
    }

    /** Freezes a running container's processes (its cgroup's). */
    public void pause(String id) throws IOException {
        withLock(id, dir -> {
            State state = read(id, dir);
            if (!state.status().equals("running")) throw new OciException("container not running");
            cgroupOf(state).freeze();
            return null;
        });
    }

    public void resume(String id) throws IOException {
        withLock(id, dir -> {
            State state = read(id, dir);
            if (!state.status().equals("paused")) throw new OciException("container not paused");
            cgroupOf(state).thaw();
            return null;
        });
    }

    /** Applies new resources to a container's cgroup ({@code update}). */
    public void update(String id, dev.jns.cgroup.CgroupResources resources) throws IOException {
        withLock(id, dir -> {
            State state = read(id, dir);
            if (state.status().equals("stopped")) throw new OciException("container not running");
            cgroupOf(state).apply(resources);
            return null;
        });
    }

    /** A snapshot of what the container's processes use ({@code events --stats}), as runc's JSON event. */
    public Json.Obj stats(String id) throws IOException {
        return withLock(id, dir -> {
            State state = read(id, dir);
            if (state.status().equals("stopped")) throw new OciException("container with id " + id + " is not running");
            dev.jns.cgroup.CgroupStats s = cgroupOf(state).stats();
            Json.Obj memory = Json.object()
                    .put("usage", Json.object().put("limit", s.memory().limit()).put("usage", s.memory().usage())
                            .put("max", s.memory().maxUsage()).put("failcnt", s.memory().failcnt()).build())
                    .put("swap", Json.object().put("limit", s.memory().swapLimit()).put("usage", s.memory().swapUsage()).build())
                    .put("cache", s.memory().cache()).build();
            Json.Obj cpu = Json.object()
                    .put("usage", Json.object().put("total", s.cpu().totalNs()).put("user", s.cpu().userNs())
                            .put("kernel", s.cpu().kernelNs()).build())
                    .put("throttling", Json.object().put("periods", s.cpu().periods())
                            .put("throttledPeriods", s.cpu().throttledPeriods()).put("throttledTime", s.cpu().throttledNs()).build())
                    .build();
            Json.Obj pids = Json.object().put("current", s.pids().current()).put("limit", s.pids().limit()).build();
            return Json.object().put("type", "stats").put("id", id)
                    .put("data", Json.object().put("cpu", cpu).put("memory", memory).put("pids", pids).build()).build();
        });
    }

    private static Cgroup cgroupOf(State state) {
        return ContainerCgroup.open(state.container())
                .orElseThrow(() -> new OciException("container " + state.container().id() + " has no cgroup of its own"));
    }

    /**
     * Creates and starts a container; in the foreground ({@code detach} false) waits for its
     * process, deletes the container and returns its exit status (128+N for a signal).
     */
    public int run(String id, CreateRequest request, boolean detach) throws IOException {
        if (!detach) LibC.becomeSubreaper(); // the container, orphaned when its helper leaves, is reparented here
        State state = create(id, request);
        try {
            start(id);
        } catch (IOException | RuntimeException e) {
            delete(id, true);
            throw e;
        }
        if (detach) return 0;
        int status = LibC.waitForChild(state.container().pid());
        delete(id, true);
        return (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f);
    }

    /**
     * Runs another process in a created or running container: in all its namespaces, with
     * the process's user, environment, directory and capabilities. In the foreground returns
     * its exit status; detached, 0 once it runs (its pid in {@code pidFile}).
     */
    public int exec(String id, OciConfig.Process process, boolean detach, Optional<Path> pidFile, Optional<Path> consoleSocket,
                    int preserveFds) throws IOException {
        if (process.terminal() && consoleSocket.isEmpty()) {
            throw new OciException("cannot allocate tty if runc will detach without setting console socket");
        }
        if (!process.terminal() && consoleSocket.isPresent()) {
            throw new OciException("cannot use console socket if runc will not detach or allocate tty");
        }
        State state = withLock(id, dir -> read(id, dir));
        if (state.status().equals("stopped")) throw new OciException("cannot exec in a stopped container");
        int pid = state.container().pid();
        Set<NamespaceType> types = namespacesOf(pid);
        Pty pty = process.terminal() ? Pty.open() : null;
        try {
            if (pty != null) pty.sendMaster(consoleSocket.get());
            return exec(pid, types, ContainerCgroup.open(state.container()), process, detach, pidFile, preserveFds, pty);
        } finally {
            if (pty != null) {
                LibC.close(pty.master());
                LibC.close(pty.terminal());
            }
        }
    }

    /** The namespace types in which {@code pid} is not where this process is: the ones to join to be in the container. */
    private static Set<NamespaceType> namespacesOf(int pid) throws IOException {
        Set<NamespaceType> types = EnumSet.noneOf(NamespaceType.class);
        for (NamespaceType t : NamespaceType.values()) {
            try {
                Path theirs = Path.of("/proc", Integer.toString(pid), "ns", t.procName());
                if (!Files.readSymbolicLink(theirs).equals(Files.readSymbolicLink(Path.of("/proc/self/ns", t.procName())))) {
                    types.add(t);
                }
            } catch (NoSuchFileException e) {
                // a type this kernel lacks
            }
        }
        return types;
    }

    private int exec(int pid, Set<NamespaceType> types, Optional<Cgroup> cgroup, OciConfig.Process process, boolean detach,
                     Optional<Path> pidFile, int preserveFds, Pty pty) throws IOException {
        List<Descriptor> descriptors = new ArrayList<>();
        if (pty != null) for (int fd = 0; fd <= 2; fd++) descriptors.add(new Descriptor.Inherited(pty.terminal(), fd));
        for (int i = 0; i < preserveFds; i++) descriptors.add(new Descriptor.Inherited(3 + i, 3 + i));
        OciConfig.User u = process.user();
        LaunchSpec spec = new LaunchSpec(
                new Program(process.args(), Optional.empty(), process.env(), Optional.of(Path.of(process.cwd()))),
                new NewNamespaces(Set.of(), PidNamespaceEntry.PROGRAM_IS_PID_1, Map.of()),
                new Joins(List.of(), Optional.of(new Joins.JoinedProcess(pid, 0, types)), false, Optional.empty(), Optional.empty()),
                UserNamespace.NONE, Filesystem.UNCHANGED,
                new PerTypeSetup(Optional.empty(), Optional.empty(), false, Map.of()),
                new Credentials(Optional.of(u.uid()), Optional.of(u.gid()),
                        u.additionalGids().isEmpty() ? Optional.empty() : Optional.of(u.additionalGids()),
                        process.noNewPrivileges(), true, LaunchTranslator.umaskOf(u)),
                process.capabilities().isPresent() ? LaunchTranslator.capabilitiesOf(process) : new Capabilities.Unchanged(),
                detach ? new Supervision.Detached(Optional.empty(), pidFile.map(Path::toAbsolutePath))
                        : new Supervision.Leashed(Signals.SIGKILL, Signals.FORWARDED_BY_DEFAULT, List.of()),
                descriptors, List.of(), cgroup.isPresent(), LaunchTranslator.limitsOf(process));
        ProcessBuilder stdio = new ProcessBuilder().inheritIO();
        // In the container's cgroup before it execs, as its first process: counted, limited,
        // frozen and killed with the rest of the container.
        List<BeforeExec> intoCgroup = cgroup.isEmpty() ? List.of() : List.of(ContainerCgroup.placing(cgroup.get()));
        if (detach) {
            Spawner.startDetached(spec, stdio, (p, listener) -> listener.close(), intoCgroup);
            return 0;
        }
        NamespacedProcess p = Spawner.start(spec, stdio, intoCgroup, false);
        pidFile.ifPresent(f -> {
            try {
                writeAtomically(f, Long.toString(p.pid()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        try {
            return p.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            return 1;
        }
    }

    // ---- state on disk -----------------------------------------------------------------------

    private interface Locked<T> {
        T run(Path dir) throws IOException;
    }

    private <T> T withLock(String id, Locked<T> body) throws IOException {
        checkId(id);
        Path dir = root.resolve(id);
        if (!Files.isRegularFile(dir.resolve(STATE))) throw new OciException("container does not exist");
        FileChannel lock;
        try {
            lock = lockFile(dir);
        } catch (NoSuchFileException e) {
            throw new OciException("container does not exist");
        }
        try (lock; FileLock ignored = lock.lock()) {
            // a delete that held the lock before us may have removed it all
            if (!Files.isRegularFile(dir.resolve(STATE))) throw new OciException("container does not exist");
            return body.run(dir);
        }
    }

    private static FileChannel lockFile(Path dir) throws IOException {
        return FileChannel.open(dir.resolve(LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    }

    private static State read(String id, Path dir) throws IOException {
        ContainerRecord record;
        try {
            record = ContainerRecord.fromJson(Files.readString(dir.resolve(STATE)));
        } catch (JsonException e) {
            throw new OciException("container " + id + ": corrupt state: " + e.getMessage());
        }
        String status = !isAlive(record) ? "stopped" : Files.exists(dir.resolve(FIFO)) ? "created"
                : ContainerCgroup.open(record).map(Cgroup::frozen).orElse(false) ? "paused" : "running";
        return new State(record, status);
    }

    private static boolean isAlive(ContainerRecord r) {
        Optional<String[]> stat = stat(r.pid());
        if (stat.isEmpty()) return false;
        String s = stat.get()[0];
        if (s.equals("Z") || s.equals("X")) return false;
        return r.pidStartTime() == 0 || Long.parseLong(stat.get()[19]) == r.pidStartTime();
    }

    private static Optional<Long> startTime(int pid) {
        return stat(pid).map(f -> Long.parseLong(f[19]));
    }

    /** The fields of {@code /proc/PID/stat} after the command: [0] is the state (field 3). */
    private static Optional<String[]> stat(int pid) {
        try {
            String s = Files.readString(Path.of("/proc", Integer.toString(pid), "stat"));
            return Optional.of(s.substring(s.lastIndexOf(')') + 2).split(" "));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /**
     * The container's processes: with a pid namespace of its own, every process in it; else
     * its process and that one's descendants. (With the cgroup manager: the cgroup's procs.)
     */
    private static List<Integer> pids(State state) throws IOException {
        List<Integer> out = new ArrayList<>();
        if (state.status().equals("stopped")) return out;
        int init = state.container().pid();
        Path pidNs = null;
        try {
            Path theirs = Files.readSymbolicLink(Path.of("/proc", Integer.toString(init), "ns/pid"));
            if (!theirs.equals(Files.readSymbolicLink(Path.of("/proc/self/ns/pid")))) pidNs = theirs;
        } catch (IOException e) {
            return out;
        }
        if (pidNs != null) {
            try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), p -> Character.isDigit(p.getFileName().toString().charAt(0)))) {
                for (Path p : procs) {
                    try {
                        if (Files.readSymbolicLink(p.resolve("ns/pid")).equals(pidNs)) out.add(Integer.parseInt(p.getFileName().toString()));
                    } catch (IOException e) {
                        // gone, or not ours to see
                    }
                }
            }
        } else {
            out.add(init);
            ProcessHandle.of(init).ifPresent(h -> h.descendants().forEach(d -> out.add((int) d.pid())));
        }
        out.sort(null);
        return out;
    }

    /** SIGKILL, then waits (up to 10 s) until the process is gone or a zombie. */
    private static void killAndWait(int pid) {
        try {
            Signals.kill(pid, Signals.SIGKILL);
        } catch (RuntimeException gone) {
            return;
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            Optional<String[]> stat = stat(pid);
            if (stat.isEmpty() || stat.get()[0].equals("Z") || stat.get()[0].equals("X")) return;
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static void checkId(String id) {
        boolean valid = !id.isEmpty() && !id.equals(".") && !id.equals("..");
        for (int i = 0; i < id.length() && valid; i++) {
            char c = id.charAt(i);
            valid = Character.isLetterOrDigit(c) && c < 128 || c == '_' || c == '+' || c == '-' || c == '.';
        }
        if (!valid) {
            throw new OciException("invalid id format: " + id);
        }
    }

    private static void writeAtomically(Path file, String text) throws IOException {
        Path temp = file.resolveSibling("." + file.getFileName() + ".tmp");
        Files.writeString(temp, text);
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private static void removeDirectory(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path f : files) Files.deleteIfExists(f);
        }
        Files.deleteIfExists(dir);
    }
}
