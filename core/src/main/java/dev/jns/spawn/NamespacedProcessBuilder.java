package dev.jns.spawn;

import dev.jns.ids.IdMap;
import dev.jns.mount.MountFlags;
import dev.jns.mount.Propagation;
import dev.jns.ns.Namespace;
import dev.jns.ns.NamespaceType;
import dev.jns.os.ProcessEnvironment;
import dev.jns.os.Signals;
import dev.jns.plan.CallerIds;
import dev.jns.plan.LaunchPlan;
import dev.jns.plan.PlanCompiler;
import dev.jns.spec.*;

import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.file.Path;
import java.time.Duration;
import java.util.*;

/**
 * Starts a process in new (or joined) Linux namespaces, the way {@link ProcessBuilder} starts
 * a plain one: command, environment, directory and redirects work as there, and {@link #start()}
 * returns a {@link Process}. On top come the namespace settings. They are collected into a
 * {@link LaunchSpec} ({@link #spec()}), which the plan compiler turns into the helper's ops
 * ({@link #plan()}); setup errors surface at {@code start()} as a {@link SpawnException} naming
 * the step and errno, with nothing of the failed start left behind.
 *
 * <pre>{@code
 * Process p = new NamespacedProcessBuilder("hostname")
 *         .mapRootToCurrentUser().newNamespaces(NamespaceType.UTS)
 *         .hostname("sandbox").inheritIO().start();
 * }</pre>
 *
 * <p>Like {@code ProcessBuilder}, instances are not thread-safe; {@code start()} itself may
 * run on many threads at once.
 */
public final class NamespacedProcessBuilder {
    private List<String> command;
    private Map<String, String> environment;
    private final ProcessBuilder stdio = new ProcessBuilder();
    private final Set<NamespaceType> newTypes = EnumSet.noneOf(NamespaceType.class);
    private PidNamespaceEntry pidEntry = PidNamespaceEntry.PROGRAM_IS_PID_1;
    private final Map<NamespaceType, NewNamespaces.Persistence> persist = new LinkedHashMap<>();
    private final List<Joins.JoinedFile> joinedFiles = new ArrayList<>();
    private Joins.JoinedProcess joinedProcess;
    private boolean preserveCredentials;
    private Path cgroupToJoin, rootFromOutside, directoryFromOutside, directory, chroot, pivotRoot, procMount, binfmtMount;
    private List<IdMap> uidMap = List.of(), gidMap = List.of();
    private IdMapWriter uidWriter = IdMapWriter.PROC_FILES, gidWriter = IdMapWriter.PROC_FILES;
    private Setgroups setgroups;
    private UserNamespace.Owner owner;
    private Propagation propagation = Propagation.PRIVATE;
    private final List<FsStep> mounts = new ArrayList<>();
    private final List<String> binaryFormats = new ArrayList<>();
    private String hostname, domainname, argv0;
    private boolean loopbackUp = true, keepCapabilities, noNewPrivileges, openNamespaceHandles;
    private final Map<Clock, Duration> timeOffsets = new EnumMap<>(Clock.class);
    private Long uid, gid;
    private List<Long> groups;
    private int parentDeathSignal = Signals.SIGKILL;
    private List<Integer> forwardedSignals = Signals.FORWARDED_BY_DEFAULT, ignoredSignals = List.of();
    private final List<Descriptor> descriptors = new ArrayList<>();
    private final List<SeccompProgram> seccomp = new ArrayList<>();
    private final List<BeforeExec> beforeExec = new ArrayList<>();

    public NamespacedProcessBuilder(String... command) { command(command); }
    public NamespacedProcessBuilder(List<String> command) { command(command); }

    // ---- what ProcessBuilder has ---------------------------------------------------------

    public NamespacedProcessBuilder command(String... command) { return command(Arrays.asList(command)); }
    public NamespacedProcessBuilder command(List<String> command) {
        this.command = new ArrayList<>(Objects.requireNonNull(command));
        return this;
    }
    public List<String> command() { return command; }

    /** The program's environment: a mutable copy of this process's at first call, passed on in its order. */
    public Map<String, String> environment() {
        if (environment == null) environment = ProcessEnvironment.initial();
        return environment;
    }

    /** The working directory, entered after any root change. Unset: the caller's, or {@code /} after a root change. */
    public NamespacedProcessBuilder directory(Path directory) { this.directory = directory; return this; }
    public Path directory() { return directory; }

    public NamespacedProcessBuilder redirectInput(Redirect source) { stdio.redirectInput(source); return this; }
    public NamespacedProcessBuilder redirectOutput(Redirect destination) { stdio.redirectOutput(destination); return this; }
    public NamespacedProcessBuilder redirectError(Redirect destination) { stdio.redirectError(destination); return this; }
    public NamespacedProcessBuilder redirectErrorStream(boolean merge) { stdio.redirectErrorStream(merge); return this; }
    public NamespacedProcessBuilder inheritIO() { stdio.inheritIO(); return this; }
    public Redirect redirectInput() { return stdio.redirectInput(); }
    public Redirect redirectOutput() { return stdio.redirectOutput(); }
    public Redirect redirectError() { return stdio.redirectError(); }
    public boolean redirectErrorStream() { return stdio.redirectErrorStream(); }

    /** What the program sees as {@code argv[0]} instead of the command's first element, e.g. {@code -sh}. */
    public NamespacedProcessBuilder argv0(String name) { this.argv0 = name; return this; }

    // ---- namespaces to create ---------------------------------------------------------------

    /** Adds namespace types the program gets new instances of. */
    public NamespacedProcessBuilder newNamespaces(NamespaceType... types) { newTypes.addAll(Arrays.asList(types)); return this; }
    public Set<NamespaceType> newNamespaces() { return Set.copyOf(newTypes); }

    /** The pid namespace's first process: the program itself (default) or its first child. */
    public NamespacedProcessBuilder pidNamespaceEntry(PidNamespaceEntry entry) { pidEntry = Objects.requireNonNull(entry); return this; }

    /** Keeps a new namespace after the program exits by a bind mount onto {@code file}, created if missing ({@code unshare --net=FILE}). */
    public NamespacedProcessBuilder persist(NamespaceType type, Path file) { return persist(type, file, true); }

    /** As {@link #persist(NamespaceType, Path)}; with {@code createMissing} false a missing file fails the start (ENOENT). */
    public NamespacedProcessBuilder persist(NamespaceType type, Path file, boolean createMissing) {
        persist.put(type, new NewNamespaces.Persistence(type, file, createMissing));
        return this;
    }

    /** Opens a {@link Namespace} handle on each new namespace before the program runs ({@link NamespacedProcess#namespaces()}). */
    public NamespacedProcessBuilder openNamespaceHandles(boolean open) { openNamespaceHandles = open; return this; }

    /** A step run from outside while the program waits before exec, e.g. {@link dev.jns.net.VethUplink}; see {@link BeforeExec}. */
    public NamespacedProcessBuilder beforeExec(BeforeExec step) { beforeExec.add(Objects.requireNonNull(step)); return this; }

    // ---- namespaces to join (all at one point, before new ones are made, as nsenter joins) -----

    /** Joins the namespace of an nsfs file ({@code /proc/PID/ns/TYPE}, or a bind mount of one). */
    public NamespacedProcessBuilder joinNamespace(Path nsFile, NamespaceType type) {
        joinedFiles.add(new Joins.JoinedFile(nsFile, type));
        return this;
    }

    /** Joins the namespace an open handle refers to; keep it open until {@link #start()} returns. */
    public NamespacedProcessBuilder joinNamespace(Namespace namespace) { return joinNamespace(namespace.fdPath(), namespace.type()); }

    /**
     * Joins namespaces of a running process through its pidfd (Linux 5.8+; its /proc files
     * before). A {@code pidfdInode} other than 0 must be its pidfd's, ruling out a reused pid.
     */
    public NamespacedProcessBuilder joinNamespacesOf(int pid, long pidfdInode, Set<NamespaceType> types) {
        if (pid <= 0) throw new IllegalArgumentException("not a process id: " + pid);
        joinedProcess = types.isEmpty() ? null : new Joins.JoinedProcess(pid, pidfdInode, types);
        return this;
    }

    /** Keeps the caller's ids in a joined user namespace; otherwise the program is root there with no groups. */
    public NamespacedProcessBuilder preserveCredentials(boolean preserve) { preserveCredentials = preserve; return this; }

    /** The program's root, opened before any join so the path names what the caller sees (nsenter's {@code --root}). */
    public NamespacedProcessBuilder rootFromOutside(Path root) { rootFromOutside = root; return this; }

    /** The working directory, opened before any join (nsenter's {@code --wd}). */
    public NamespacedProcessBuilder directoryFromOutside(Path dir) { directoryFromOutside = dir; return this; }
    /** Into this cgroup v2 group's directory (nsenter's -c). */ public NamespacedProcessBuilder joinCgroup(Path group) { cgroupToJoin = group; return this; }
    // ---- user namespace ------------------------------------------------------------------

    public NamespacedProcessBuilder uidMap(IdMap... maps) { return uidMap(Arrays.asList(maps)); }
    /** Lines of the new user namespace's {@code uid_map} (replaces earlier ones). */
    public NamespacedProcessBuilder uidMap(List<IdMap> maps) { uidMap = List.copyOf(maps); return this; }

    public NamespacedProcessBuilder gidMap(IdMap... maps) { return gidMap(Arrays.asList(maps)); }
    /** Lines of the new user namespace's {@code gid_map} (replaces earlier ones). */
    public NamespacedProcessBuilder gidMap(List<IdMap> maps) { gidMap = List.copyOf(maps); return this; }
    /** Root inside is the caller's effective ids outside, setgroups denied: {@code unshare -r}. Adds USER. */
    public NamespacedProcessBuilder mapRootToCurrentUser() {
        CallerIds me = CallerIds.current();
        newTypes.add(NamespaceType.USER);
        return uidMap(IdMap.single(0, me.euid())).gidMap(IdMap.single(0, me.egid())).setgroups(Setgroups.DENY);
    }

    /** How both maps are written. */
    public NamespacedProcessBuilder idMapWriter(IdMapWriter writer) { return uidMapWriter(writer).gidMapWriter(writer); }

    public NamespacedProcessBuilder uidMapWriter(IdMapWriter writer) { uidWriter = Objects.requireNonNull(writer); return this; }
    public NamespacedProcessBuilder gidMapWriter(IdMapWriter writer) { gidWriter = Objects.requireNonNull(writer); return this; }
    /** Creates the namespaces as this user, so a new user namespace is owned by {@code uid} ({@code unshare --owner}). */
    public NamespacedProcessBuilder owner(long uid, long gid) { owner = new UserNamespace.Owner(uid, gid); return this; }

    /** {@code /proc/PID/setgroups}; an unprivileged user must deny before writing a gid map itself. */
    public NamespacedProcessBuilder setgroups(Setgroups policy) { setgroups = policy; return this; }

    // ---- per-type setup and the filesystem ------------------------------------------------------

    public NamespacedProcessBuilder hostname(String hostname) { this.hostname = hostname; return this; }
    public NamespacedProcessBuilder domainname(String domainname) { this.domainname = domainname; return this; }

    /** Whether a new network namespace has {@code lo} up (default; util-linux leaves it down). */
    public NamespacedProcessBuilder loopbackUp(boolean up) { loopbackUp = up; return this; }

    /** The offset of a clock in a new time namespace. */
    public NamespacedProcessBuilder timeOffset(Clock clock, Duration offset) { timeOffsets.put(clock, offset); return this; }

    /** Propagation of the whole tree of a new mount namespace; PRIVATE by default. */
    public NamespacedProcessBuilder propagation(Propagation propagation) { this.propagation = Objects.requireNonNull(propagation); return this; }

    /** A recursive bind mount before any root change; read-only on every submount if asked. */
    public NamespacedProcessBuilder bindMount(Path source, Path target, boolean readOnly) {
        mounts.add(new FsStep.Bind(source, target, readOnly ? MountFlags.MOUNT_ATTR_RDONLY : 0, false));
        return this;
    }

    /** Unmounts {@code target} ({@code detach}: lazily, submounts included), in order with the other mounts. */
    public NamespacedProcessBuilder unmount(Path target, boolean detach) { mounts.add(new FsStep.Unmount(target, detach)); return this; }

    /** A {@code mount(2)} before any root change; {@code flags} are MS_* bits, null strings pass as NULL. */
    public NamespacedProcessBuilder mount(String source, Path target, String fstype, long flags, String data) {
        mounts.add(new FsStep.Mount(source, target, fstype, flags, data));
        return this;
    }

    /** A fresh {@code proc} at {@code dir}, inside the new root if any. */
    public NamespacedProcessBuilder mountProc(Path dir) { procMount = dir; return this; }

    /** A binfmt_misc instance at {@code dir}, after {@code /proc}: the user namespace's own (Linux 6.7+). */
    public NamespacedProcessBuilder mountBinfmtMisc(Path dir) { binfmtMount = dir; return this; }

    /** Registers a binary format ({@code :name:type:offset:magic:mask:interpreter:flags}) in that instance. */
    public NamespacedProcessBuilder registerBinaryFormat(String definition) { binaryFormats.add(Objects.requireNonNull(definition)); return this; }

    /** The root directory, by {@code chroot} (util-linux's {@code --root}). */
    public NamespacedProcessBuilder root(Path root) { chroot = root; return this; }

    /** The root directory, by {@code pivot_root}, the old one detached. */
    public NamespacedProcessBuilder pivotRoot(Path newRoot) { pivotRoot = newRoot; return this; }

    /** A file the program finds open at {@code fd}, opened by the helper with {@code open(2)} flags before any join. */
    public NamespacedProcessBuilder openFile(Path file, int flags, int fd) { descriptors.add(new Descriptor.OpenFile(file, flags, fd)); return this; }
    /** This process's open descriptor {@code callerFd} (a pipe, file, socket, pidfd...) at {@code fd} in the program. */
    public NamespacedProcessBuilder inheritFd(int callerFd, int fd) { descriptors.add(new Descriptor.Inherited(callerFd, fd)); return this; }

    // ---- credentials and supervision ----------------------------------------------------------

    /** The uid the program runs as, inside its user namespace. */
    public NamespacedProcessBuilder uid(long uid) { this.uid = uid; return this; }

    public NamespacedProcessBuilder gid(long gid) { this.gid = gid; return this; }
    /** Supplementary groups; an empty list clears them. */
    public NamespacedProcessBuilder groups(List<Long> gids) { groups = List.copyOf(gids); return this; }

    /** Keeps the permitted capabilities across exec as ambient ones ({@code --keep-caps}). */
    public NamespacedProcessBuilder keepCapabilities(boolean keep) { keepCapabilities = keep; return this; }

    public NamespacedProcessBuilder noNewPrivileges(boolean set) { noNewPrivileges = set; return this; }
    /** A seccomp filter ({@code SeccompFilter.compile()}), installed last before exec under noNewPrivileges, else before the credential change (it needs CAP_SYS_ADMIN then). */
    public NamespacedProcessBuilder seccomp(SeccompProgram filter) { seccomp.add(Objects.requireNonNull(filter)); return this; }
    /** The signal the program gets if its supervising helper dies (SIGKILL by default). */
    public NamespacedProcessBuilder parentDeathSignal(int signal) { parentDeathSignal = signal; return this; }

    /** Signals the supervisor passes on (SIGTERM, so {@link Process#destroy()} works, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2). */
    public NamespacedProcessBuilder forwardSignals(List<Integer> signals) { forwardedSignals = List.copyOf(signals); return this; }

    /** Signals the supervisor neither dies of nor passes on (a terminal's Ctrl-C reaches the program by its process group). */
    public NamespacedProcessBuilder ignoreSignals(List<Integer> signals) { ignoredSignals = List.copyOf(signals); return this; }

    // ---- results -------------------------------------------------------------------------

    /** The settings as a spec. @throws IllegalStateException if they contradict each other */
    public LaunchSpec spec() {
        if (command == null || command.isEmpty()) throw new IllegalStateException("no command to run");
        if (!binaryFormats.isEmpty() && binfmtMount == null) {
            throw new IllegalStateException("registerBinaryFormat needs mountBinfmtMisc: the formats go into that instance");
        }
        List<String> env = new ArrayList<>();
        for (Map.Entry<String, String> e : environment().entrySet()) {
            env.add(e.getKey() + "=" + e.getValue());
        }
        List<FsStep> fs = new ArrayList<>(mounts);
        if (pivotRoot != null) fs.add(new FsStep.PivotRoot(pivotRoot));
        if (chroot != null) fs.add(new FsStep.ChangeRoot(chroot));
        if (procMount != null) fs.add(new FsStep.Proc(procMount));
        if (binfmtMount != null) fs.add(new FsStep.BinfmtMisc(binfmtMount, binaryFormats));
        return new LaunchSpec(
                new Program(command, Optional.ofNullable(argv0), env, Optional.ofNullable(directory)),
                new NewNamespaces(newTypes, pidEntry, persist),
                new Joins(joinedFiles, Optional.ofNullable(joinedProcess), preserveCredentials,
                        Optional.ofNullable(rootFromOutside), Optional.ofNullable(directoryFromOutside), Optional.ofNullable(cgroupToJoin).map(Joins.JoinedCgroup::new)),
                new UserNamespace(uidMap, gidMap, uidWriter, gidWriter, Optional.ofNullable(setgroups), Optional.ofNullable(owner)),
                new Filesystem(propagation, fs),
                new PerTypeSetup(Optional.ofNullable(hostname), Optional.ofNullable(domainname), loopbackUp, timeOffsets),
                new Credentials(Optional.ofNullable(uid), Optional.ofNullable(gid), Optional.ofNullable(groups), noNewPrivileges, false),
                keepCapabilities ? new Capabilities.KeepPermitted() : new Capabilities.Unchanged(),
                new Supervision.Leashed(parentDeathSignal, forwardedSignals, ignoredSignals),
                descriptors, seccomp, openNamespaceHandles || !beforeExec.isEmpty());
    }

    /**
     * The helper's ops for the current settings, for this package's tests: the plan is internal
     * ({@link #spec()} is what a user can inspect).
     *
     * @throws IllegalStateException if they contradict each other
     */
    LaunchPlan plan() { return PlanCompiler.compile(spec()); }

    /**
     * Starts the program; returns once it runs (exec succeeded).
     *
     * @throws SpawnException if a setup step failed; nothing of this start is left behind
     * @throws IOException if the helper could not be started
     */
    public NamespacedProcess start() throws IOException {
        return Spawner.start(spec(), stdio, beforeExec, openNamespaceHandles);
    }
}
