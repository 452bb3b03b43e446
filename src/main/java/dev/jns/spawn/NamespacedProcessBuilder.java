package dev.jns.spawn;

import dev.jns.ids.IdMap;
import dev.jns.ns.Namespace;
import dev.jns.ns.NamespaceType;
import dev.jns.helper.HelperLauncher;
import dev.jns.plan.LaunchPlan;
import dev.jns.plan.Op;
import dev.jns.sys.Errno;

import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Starts a process in new (or joined) Linux namespaces, the way {@link ProcessBuilder} starts
 * a plain one. Command, environment, directory and redirects work as there; on top come the
 * namespace settings: which types are new, uid/gid maps, host name, mounts, root, persistence,
 * clock offsets, credentials.
 *
 * <pre>{@code
 * Process p = new NamespacedProcessBuilder("hostname")
 *         .newNamespaces(NamespaceType.USER, NamespaceType.UTS)
 *         .uidMap(IdMap.single(0, uid)).gidMap(IdMap.single(0, gid)).setgroups(Setgroups.DENY)
 *         .hostname("sandbox")
 *         .inheritIO()
 *         .start();
 * }</pre>
 *
 * <p>{@link #plan()} compiles the settings into an immutable {@link LaunchPlan}, which
 * {@link #start()} hands to the native helper. Setup errors surface at {@code start()} as a
 * {@link SpawnException} naming the failing op and errno; nothing of the failed start is left.
 *
 * <p>Like {@code ProcessBuilder}, instances are not thread-safe; build one per start or
 * start from one thread at a time. {@code start()} itself may run on many threads at once.
 */
public final class NamespacedProcessBuilder {

    /** Mount propagation of the whole tree in a new mount namespace (util-linux's {@code --propagation}). */
    public enum Propagation { PRIVATE, SLAVE, SHARED, UNCHANGED }

    /** How the helper writes uid/gid maps. */
    public enum IdMapWriter {
        /** Writes {@code /proc/PID/uid_map} itself: root, or an unprivileged user mapping only its own id. */
        PROC_FILES,
        /** Runs shadow-utils' setuid {@code newuidmap}/{@code newgidmap}, for ranges granted in {@code /etc/subuid}. */
        SHADOW_UTILS
    }

    /** What {@code /proc/PID/setgroups} of a new user namespace says. */
    public enum Setgroups { ALLOW, DENY }

    /** Where the started program lands when a pid namespace is new or joined. */
    public enum PidNamespaceEntry {
        /** The program is PID 1 of the new pid namespace (util-linux's {@code unshare -pf}). */
        PROGRAM_IS_PID_1,
        /**
         * The program stays outside; its children enter the namespace (util-linux's
         * {@code unshare -p}, or {@code nsenter -p -F} for a joined one).
         */
        CHILDREN_ENTER
    }

    /** The clock whose offset a new time namespace shifts. */
    public enum Clock { MONOTONIC, BOOTTIME }

    record Join(String nsFile, NamespaceType type) {}

    sealed interface MountStep {
        record Bind(Path source, Path target, boolean readOnly) implements MountStep {}
        record Fs(String source, Path target, String fstype, long flags, String data) implements MountStep {}
        record Unmount(Path target, boolean detach) implements MountStep {}
    }

    private List<String> command;
    private Map<String, String> environment;
    private Path directory;
    private Redirect stdin = Redirect.PIPE, stdout = Redirect.PIPE, stderr = Redirect.PIPE;
    private boolean redirectErrorStream;

    final Set<NamespaceType> newTypes = EnumSet.noneOf(NamespaceType.class);
    final List<Join> joins = new ArrayList<>();
    final List<IdMap> uidMap = new ArrayList<>();
    final List<IdMap> gidMap = new ArrayList<>();
    IdMapWriter uidMapWriter = IdMapWriter.PROC_FILES, gidMapWriter = IdMapWriter.PROC_FILES;
    Setgroups setgroups;
    PidNamespaceEntry pidEntry = PidNamespaceEntry.PROGRAM_IS_PID_1;
    String hostname, domainname;
    boolean loopbackUp = true;
    Propagation propagation = Propagation.PRIVATE;
    final List<MountStep> mounts = new ArrayList<>();
    Path chroot, pivotRoot, procMount, binfmtMount;
    final List<String> binaryFormats = new ArrayList<>();
    record Persist(Path file, boolean createMissing) {}

    final Map<NamespaceType, Persist> persist = new LinkedHashMap<>();
    Long ownerUid, ownerGid;
    final Map<Clock, Duration> timeOffsets = new LinkedHashMap<>();
    Long uid, gid;
    List<Long> groups;
    boolean keepCapabilities, noNewPrivileges, openNamespaceHandles;
    int parentDeathSignal = Signals.SIGKILL;
    List<Integer> forwardedSignals = Signals.FORWARDED_BY_DEFAULT;
    List<Integer> ignoredSignals = List.of();
    final List<BeforeExec> beforeExec = new ArrayList<>();

    public NamespacedProcessBuilder(String... command) {
        command(command);
    }

    public NamespacedProcessBuilder(List<String> command) {
        command(command);
    }

    // ---- what ProcessBuilder has ---------------------------------------------------------

    public NamespacedProcessBuilder command(String... command) {
        return command(Arrays.asList(command));
    }

    public NamespacedProcessBuilder command(List<String> command) {
        this.command = new ArrayList<>(Objects.requireNonNull(command));
        return this;
    }

    public List<String> command() { return command; }

    /** The program's environment: a mutable copy of this process's environment at first call. */
    public Map<String, String> environment() {
        if (environment == null) environment = new HashMap<>(System.getenv());
        return environment;
    }

    /**
     * The program's working directory, entered after any root change (so it names a
     * directory inside the new root). Unset: the caller's directory, or {@code /} after a root change.
     */
    public NamespacedProcessBuilder directory(Path directory) {
        this.directory = directory;
        return this;
    }

    public Path directory() { return directory; }

    public NamespacedProcessBuilder redirectInput(Redirect source) {
        this.stdin = Objects.requireNonNull(source);
        return this;
    }

    public NamespacedProcessBuilder redirectOutput(Redirect destination) {
        this.stdout = Objects.requireNonNull(destination);
        return this;
    }

    public NamespacedProcessBuilder redirectError(Redirect destination) {
        this.stderr = Objects.requireNonNull(destination);
        return this;
    }

    public NamespacedProcessBuilder redirectErrorStream(boolean merge) {
        this.redirectErrorStream = merge;
        return this;
    }

    public NamespacedProcessBuilder inheritIO() {
        stdin = stdout = stderr = Redirect.INHERIT;
        return this;
    }

    public Redirect redirectInput() { return stdin; }
    public Redirect redirectOutput() { return stdout; }
    public Redirect redirectError() { return stderr; }
    public boolean redirectErrorStream() { return redirectErrorStream; }

    // ---- namespaces ---------------------------------------------------------------------

    /** Adds namespace types the program gets new instances of. */
    public NamespacedProcessBuilder newNamespaces(NamespaceType... types) {
        newTypes.addAll(Arrays.asList(types));
        return this;
    }

    public Set<NamespaceType> newNamespaces() { return Set.copyOf(newTypes); }

    /**
     * Joins an existing namespace before any new ones are created (new ones then nest in it):
     * {@code nsFile} is a {@code /proc/PID/ns/TYPE} link or a bind mount of one. All joins
     * happen at one point, every file opened first, as described at {@link #joinNamespacesOf}.
     */
    public NamespacedProcessBuilder joinNamespace(Path nsFile, NamespaceType type) {
        joins.add(new Join(nsFile.toString(), type));
        return this;
    }

    /**
     * Joins the namespace an open handle refers to. The handle must stay open until
     * {@link #start()} returns.
     */
    public NamespacedProcessBuilder joinNamespace(Namespace namespace) {
        joins.add(new Join("/proc/" + ProcessHandle.current().pid() + "/fd/" + namespace.fd(), namespace.type()));
        return this;
    }

    /** The pid namespace's first process: the program itself (default) or its first child. */
    public NamespacedProcessBuilder pidNamespaceEntry(PidNamespaceEntry entry) {
        this.pidEntry = Objects.requireNonNull(entry);
        return this;
    }

    /**
     * Keeps a new namespace after the program exits, by a bind mount of its nsfs file onto
     * {@code file} (created if missing), like util-linux's {@code unshare --net=FILE}.
     */
    public NamespacedProcessBuilder persist(NamespaceType type, Path file) {
        return persist(type, file, true);
    }

    /**
     * Like {@link #persist(NamespaceType, Path)}; with {@code createMissing} false a missing
     * {@code file} fails the start (ENOENT), as util-linux's {@code unshare} does.
     */
    public NamespacedProcessBuilder persist(NamespaceType type, Path file, boolean createMissing) {
        persist.put(type, new Persist(file, createMissing));
        return this;
    }

    /**
     * Opens a {@link Namespace} handle on each new namespace before the program runs, so that
     * {@link NamespacedProcess#namespaces()} can hand them out. The caller owns and closes them.
     */
    public NamespacedProcessBuilder openNamespaceHandles(boolean open) {
        this.openNamespaceHandles = open;
        return this;
    }

    /**
     * Adds a step the caller runs, from outside, while the program waits just before exec,
     * with handles on its new namespaces: e.g. {@link dev.jns.net.VethUplink} or
     * {@link dev.jns.net.UserModeNetwork} for a new network namespace. Steps run in the order
     * added; a failing step aborts the start, and what a step returns to release is released
     * when the program ends.
     */
    public NamespacedProcessBuilder beforeExec(BeforeExec step) {
        beforeExec.add(Objects.requireNonNull(step));
        return this;
    }

    // ---- user namespace ------------------------------------------------------------------

    public NamespacedProcessBuilder uidMap(IdMap... maps) {
        return uidMap(Arrays.asList(maps));
    }

    /** Lines of the new user namespace's {@code uid_map} (replaces earlier ones). */
    public NamespacedProcessBuilder uidMap(List<IdMap> maps) {
        uidMap.clear();
        uidMap.addAll(maps);
        return this;
    }

    public NamespacedProcessBuilder gidMap(IdMap... maps) {
        return gidMap(Arrays.asList(maps));
    }

    /** Lines of the new user namespace's {@code gid_map} (replaces earlier ones). */
    public NamespacedProcessBuilder gidMap(List<IdMap> maps) {
        gidMap.clear();
        gidMap.addAll(maps);
        return this;
    }

    /**
     * The rootless sandbox's usual mapping, like {@code unshare -r}: adds a new user
     * namespace in which root is the caller's effective uid and gid, and denies setgroups
     * (the kernel's condition for an unprivileged caller writing a gid map).
     */
    public NamespacedProcessBuilder mapRootToCurrentUser() {
        CallerIds me = CallerIds.current();
        newTypes.add(NamespaceType.USER);
        return uidMap(IdMap.single(0, me.euid())).gidMap(IdMap.single(0, me.egid())).setgroups(Setgroups.DENY);
    }

    /** How both maps are written. */
    public NamespacedProcessBuilder idMapWriter(IdMapWriter writer) {
        this.uidMapWriter = this.gidMapWriter = Objects.requireNonNull(writer);
        return this;
    }

    /** How one of the maps is written, e.g. uid ranges through newuidmap but a single own gid directly. */
    public NamespacedProcessBuilder idMapWriter(Op.IdKind kind, IdMapWriter writer) {
        Objects.requireNonNull(writer);
        if (kind == Op.IdKind.UID) uidMapWriter = writer;
        else gidMapWriter = writer;
        return this;
    }

    /**
     * Creates the namespaces as this user: the helper drops its supplementary groups and
     * becomes {@code uid}/{@code gid} before the clone, so a new user namespace is owned by
     * {@code uid} (util-linux's {@code --owner}). Needs the privilege to change ids.
     */
    public NamespacedProcessBuilder owner(long uid, long gid) {
        this.ownerUid = uid;
        this.ownerGid = gid;
        return this;
    }

    /**
     * Sets {@code /proc/PID/setgroups}. An unprivileged user must {@link Setgroups#DENY deny}
     * before the kernel accepts a gid map it writes itself.
     */
    public NamespacedProcessBuilder setgroups(Setgroups policy) {
        this.setgroups = policy;
        return this;
    }

    // ---- per-type setup ------------------------------------------------------------------

    public NamespacedProcessBuilder hostname(String hostname) {
        this.hostname = hostname;
        return this;
    }

    /**
     * Whether a new network namespace has {@code lo} up before the program runs. On by
     * default: the kernel makes it down, and programs expect 127.0.0.1 to answer. (util-linux
     * unshare leaves it down, so {@code jns unshare} turns this off.)
     */
    public NamespacedProcessBuilder loopbackUp(boolean up) {
        this.loopbackUp = up;
        return this;
    }

    public NamespacedProcessBuilder domainname(String domainname) {
        this.domainname = domainname;
        return this;
    }

    /** Propagation applied to the whole mount tree of a new mount namespace; PRIVATE by default. */
    public NamespacedProcessBuilder propagation(Propagation propagation) {
        this.propagation = Objects.requireNonNull(propagation);
        return this;
    }

    /** A recursive bind mount, made before any root change. */
    public NamespacedProcessBuilder bindMount(Path source, Path target, boolean readOnly) {
        mounts.add(new MountStep.Bind(source, target, readOnly));
        return this;
    }

    /**
     * Unmounts {@code target} (with {@code detach}, lazily, submounts included), in order with
     * the other mount steps: e.g. the copy of the caller's {@code /sys} before a fresh one.
     */
    public NamespacedProcessBuilder unmount(Path target, boolean detach) {
        mounts.add(new MountStep.Unmount(target, detach));
        return this;
    }

    /**
     * A {@code mount(2)} call, made before any root change; {@code flags} are MS_* bits;
     * a null source, fstype or data is passed as NULL.
     */
    public NamespacedProcessBuilder mount(String source, Path target, String fstype, long flags, String data) {
        mounts.add(new MountStep.Fs(source, target, fstype, flags, data));
        return this;
    }

    /** Mounts a fresh {@code proc} at {@code dir} (inside the new root, if any), for a new pid namespace. */
    public NamespacedProcessBuilder mountProc(Path dir) {
        this.procMount = dir;
        return this;
    }

    /**
     * Mounts a binfmt_misc instance at {@code dir} (inside the new root, after {@code /proc}):
     * since Linux 6.7 each user namespace has its own, so this needs a new user and mount
     * namespace, and what is registered there is seen by the sandbox alone (util-linux's
     * {@code --mount-binfmt}).
     */
    public NamespacedProcessBuilder mountBinfmtMisc(Path dir) {
        this.binfmtMount = dir;
        return this;
    }

    /**
     * Registers a binary format ({@code :name:type:offset:magic:mask:interpreter:flags}) in the
     * {@link #mountBinfmtMisc} instance, e.g. a qemu-user interpreter for foreign binaries
     * (util-linux's {@code --load-interp}). One with the F flag opens its interpreter when
     * registered, so with a root change it is registered before the change, from the caller's tree.
     */
    public NamespacedProcessBuilder registerBinaryFormat(String definition) {
        binaryFormats.add(Objects.requireNonNull(definition));
        return this;
    }

    /** Runs the program with this root directory, by {@code chroot} (util-linux's {@code --root}). */
    public NamespacedProcessBuilder root(Path root) {
        this.chroot = root;
        return this;
    }

    /** Makes {@code newRoot} the root by {@code pivot_root}, detaching the old one (needs a new mount namespace). */
    public NamespacedProcessBuilder pivotRoot(Path newRoot) {
        this.pivotRoot = newRoot;
        return this;
    }

    /** The offset of a clock in a new time namespace. */
    public NamespacedProcessBuilder timeOffset(Clock clock, Duration offset) {
        timeOffsets.put(clock, offset);
        return this;
    }

    // ---- credentials and process attributes -------------------------------------------------

    /** The uid the program runs as (inside its user namespace); unset: unchanged. */
    public NamespacedProcessBuilder uid(long uid) {
        this.uid = uid;
        return this;
    }

    public NamespacedProcessBuilder gid(long gid) {
        this.gid = gid;
        return this;
    }

    /** Supplementary groups; an empty list clears them. Unset: unchanged. */
    public NamespacedProcessBuilder groups(List<Long> gids) {
        this.groups = List.copyOf(gids);
        return this;
    }

    /** Keeps the capabilities across exec as ambient capabilities (util-linux's {@code --keep-caps}). */
    public NamespacedProcessBuilder keepCapabilities(boolean keep) {
        this.keepCapabilities = keep;
        return this;
    }

    public NamespacedProcessBuilder noNewPrivileges(boolean set) {
        this.noNewPrivileges = set;
        return this;
    }

    /**
     * The signal the program gets when the process that supervises it dies (SIGKILL by
     * default). That supervisor dies with the JVM, so the program never outlives it.
     */
    public NamespacedProcessBuilder parentDeathSignal(int signal) {
        this.parentDeathSignal = signal;
        return this;
    }

    /**
     * Signals passed on to the program when the supervising process gets them; by default
     * SIGTERM (so {@link Process#destroy()} works), SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2.
     */
    public NamespacedProcessBuilder forwardSignals(List<Integer> signals) {
        this.forwardedSignals = List.copyOf(signals);
        return this;
    }

    /**
     * Signals the supervising process neither dies of nor passes on; the program starts with
     * them at their usual disposition. For signals that reach the program by another way: a
     * terminal's Ctrl-C goes to the whole foreground process group, program included, and
     * forwarding it too would deliver it twice. A signal both forwarded and ignored is an error.
     */
    public NamespacedProcessBuilder ignoreSignals(List<Integer> signals) {
        this.ignoredSignals = List.copyOf(signals);
        return this;
    }

    // ---- results -------------------------------------------------------------------------

    /**
     * The launch plan for the current settings.
     *
     * @throws IllegalStateException if the settings contradict each other (mounts without a
     *         mount namespace, a host name without a UTS namespace, ...)
     */
    public LaunchPlan plan() {
        return PlanCompiler.compile(this);
    }

    /**
     * Starts the program. Returns once it runs (exec succeeded), or throws.
     *
     * @throws SpawnException if a setup step failed; nothing of this start is left behind
     * @throws IOException if the helper could not be started
     */
    public NamespacedProcess start() throws IOException {
        LaunchPlan plan = plan();
        ProcessBuilder stdio = new ProcessBuilder().redirectInput(stdin).redirectOutput(stdout)
                .redirectError(stderr).redirectErrorStream(redirectErrorStream);
        Map<NamespaceType, Namespace> handles = new EnumMap<>(NamespaceType.class);
        Releases releases = new Releases();
        HelperLauncher.Outcome outcome;
        try {
            outcome = HelperLauncher.launch(plan, stdio, pid -> whileWaiting(pid, handles, releases));
        } catch (IOException | RuntimeException e) {
            handles.values().forEach(Namespace::close);
            releases.releaseInto(e);
            throw e;
        }
        // instanceof, not a pattern switch: see PlanEncoder.wire
        if (outcome instanceof HelperLauncher.Outcome.Started s) {
            return new NamespacedProcess(s.helper(), s.pid(), handles, s.connection(),
                    releases.isEmpty() ? () -> {} : releases::releaseQuietly);
        }
        HelperLauncher.Outcome.Failed f = (HelperLauncher.Outcome.Failed) outcome;
        handles.values().forEach(Namespace::close);
        releases.releaseQuietly();
        if (f.opIndex() < 0) {
            throw new IOException("jns-helper protocol error: " + f.detail() + " (" + f.strerror() + ")");
        }
        Op op = plan.ops().get(f.opIndex());
        throw new SpawnException(f.opIndex(), op, f.errno(), Errno.name(f.errno()), f.strerror(), f.detail(),
                FailureExplainer.explain(this, op, f.errno()));
    }

    /**
     * While the child waits before exec: opens its new namespaces (surely its own at this
     * point), runs the before-exec steps, and keeps the handles only if the caller asked.
     */
    private void whileWaiting(int pid, Map<NamespaceType, Namespace> handles, Releases releases) throws IOException {
        boolean pidForChildren = pidEntry == PidNamespaceEntry.CHILDREN_ENTER;
        for (NamespaceType t : newTypes) {
            Path file = Path.of("/proc", Integer.toString(pid), "ns", PlanCompiler.nsFileName(t, pidForChildren));
            handles.put(t, Namespace.open(file, t));
        }
        Map<NamespaceType, Namespace> view = Collections.unmodifiableMap(handles);
        for (BeforeExec step : beforeExec) {
            try {
                releases.add(step.run(pid, view));
            } catch (IOException | RuntimeException e) {
                throw e;
            } catch (Exception e) {
                if (e instanceof InterruptedException) Thread.currentThread().interrupt();
                throw new IOException("before-exec step failed: " + e.getMessage(), e);
            }
        }
        if (!openNamespaceHandles) {
            handles.values().forEach(Namespace::close);
            handles.clear();
        }
    }

    /** What before-exec steps left to release when the program ends, released last first. */
    private static final class Releases {
        private final List<AutoCloseable> pending = new ArrayList<>();

        synchronized void add(AutoCloseable c) {
            if (c != null) pending.add(c);
        }

        synchronized boolean isEmpty() { return pending.isEmpty(); }

        /** Releases everything, adding any failure to {@code failure} as suppressed; later calls find nothing left. */
        synchronized void releaseInto(Throwable failure) {
            for (AutoCloseable c : pending.reversed()) {
                try {
                    c.close();
                } catch (Exception e) {
                    failure.addSuppressed(e);
                }
            }
            pending.clear();
        }

        /** Releases everything, ignoring failures. */
        void releaseQuietly() {
            releaseInto(new Exception("ignored"));
        }
    }

    // ---- joining existing namespaces (issue #4) --------------------------------------------

    /** The process whose namespaces are joined through a pidfd; {@code pidfdInode} 0: not pinned. */
    record JoinProcess(int pid, long pidfdInode, Set<NamespaceType> types) {}

    JoinProcess joinProcess;
    boolean preserveCredentials;
    Path rootFromOutside, directoryFromOutside;

    /**
     * Joins namespaces of a running process: one atomic {@code setns} on a pidfd for all the
     * types (Linux 5.8+; older kernels join its {@code /proc/PID/ns} files one by one). With
     * a {@code pidfdInode} other than 0 the start fails with ESRCH unless the process's pidfd
     * has that inode, which rules out a process that reused the pid (util-linux's
     * {@code -t PID:INODE}). User and time namespaces may be among the types.
     *
     * <p>All joins of a start, these and {@link #joinNamespace}'s, happen at one point as
     * util-linux nsenter does them (see {@link dev.jns.plan.Op.EnterNamespaces}); a joined
     * user namespace makes the program root in it unless {@link #preserveCredentials}.
     */
    public NamespacedProcessBuilder joinNamespacesOf(int pid, long pidfdInode, Set<NamespaceType> types) {
        if (pid <= 0) throw new IllegalArgumentException("not a process id: " + pid);
        this.joinProcess = types.isEmpty() ? null : new JoinProcess(pid, pidfdInode, Set.copyOf(types));
        return this;
    }

    /**
     * Keeps the caller's uid, gid and groups in a joined user namespace. By default the
     * program becomes uid 0 and gid 0 there, with no supplementary groups, as with nsenter
     * (unless {@link #uid}/{@link #gid}/{@link #groups} say otherwise).
     */
    public NamespacedProcessBuilder preserveCredentials(boolean preserve) {
        this.preserveCredentials = preserve;
        return this;
    }

    /**
     * The program's root: a directory opened before any namespace is joined, so the path
     * names what the caller sees (util-linux's {@code nsenter --root}, e.g. {@code /proc/PID/root}).
     * Unless {@link #directoryFromOutside} is set the program keeps the working directory it
     * had after the joins (possibly outside the new root, as with nsenter), or {@code /}
     * when {@link #directory} names one inside.
     */
    public NamespacedProcessBuilder rootFromOutside(Path root) {
        this.rootFromOutside = root;
        return this;
    }

    /** The program's working directory, opened before any namespace is joined (nsenter's {@code --wd}). */
    public NamespacedProcessBuilder directoryFromOutside(Path dir) {
        this.directoryFromOutside = dir;
        return this;
    }

    String argv0;

    /**
     * The name the program sees as {@code argv[0]} instead of the command's first element,
     * e.g. {@code -sh} for a login shell.
     */
    public NamespacedProcessBuilder argv0(String name) {
        this.argv0 = name;
        return this;
    }

    Map<String, String> environmentOrNull() { return environment; }

    Optional<Path> directoryIfSet() { return Optional.ofNullable(directory); }
}
