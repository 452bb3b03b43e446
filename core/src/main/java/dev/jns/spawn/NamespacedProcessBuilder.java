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

    /**
     * A builder for {@code command}, with this process's environment and no namespace settings.
     *
     * @param command the program and its arguments; the program is looked up in {@code PATH}
     */
    public NamespacedProcessBuilder(String... command) { command(command); }

    /**
     * A builder for {@code command}, with this process's environment and no namespace settings.
     *
     * @param command the program and its arguments (copied)
     */
    public NamespacedProcessBuilder(List<String> command) { command(command); }

    // ---- what ProcessBuilder has ---------------------------------------------------------

    /**
     * Sets the program and its arguments.
     *
     * @param command the program and its arguments
     * @return this builder
     */
    public NamespacedProcessBuilder command(String... command) { return command(Arrays.asList(command)); }

    /**
     * Sets the program and its arguments.
     *
     * @param command the program and its arguments (copied)
     * @return this builder
     */
    public NamespacedProcessBuilder command(List<String> command) {
        this.command = new ArrayList<>(Objects.requireNonNull(command));
        return this;
    }

    /**
     * The program and its arguments.
     *
     * @return the builder's own list: changes to it change the command
     */
    public List<String> command() { return command; }

    /**
     * The program's environment: a mutable copy of this process's at first call, passed on in its order.
     *
     * @return the map to change
     */
    public Map<String, String> environment() {
        if (environment == null) environment = ProcessEnvironment.initial();
        return environment;
    }

    /**
     * The working directory, entered after any root change. Unset: the caller's, or {@code /} after a root change.
     *
     * @param directory the directory as the program sees it, or null to unset
     * @return this builder
     */
    public NamespacedProcessBuilder directory(Path directory) { this.directory = directory; return this; }

    /**
     * The working directory set by {@link #directory(Path)}.
     *
     * @return the directory, or null if unset
     */
    public Path directory() { return directory; }

    /**
     * The program's standard input, as {@link ProcessBuilder#redirectInput(Redirect)}.
     *
     * @param source where it reads from
     * @return this builder
     */
    public NamespacedProcessBuilder redirectInput(Redirect source) { stdio.redirectInput(source); return this; }

    /**
     * The program's standard output, as {@link ProcessBuilder#redirectOutput(Redirect)}.
     *
     * @param destination where it writes to
     * @return this builder
     */
    public NamespacedProcessBuilder redirectOutput(Redirect destination) { stdio.redirectOutput(destination); return this; }

    /**
     * The program's standard error, as {@link ProcessBuilder#redirectError(Redirect)}.
     *
     * @param destination where it writes to
     * @return this builder
     */
    public NamespacedProcessBuilder redirectError(Redirect destination) { stdio.redirectError(destination); return this; }

    /**
     * Whether standard error goes where standard output goes, as {@link ProcessBuilder#redirectErrorStream(boolean)}.
     *
     * @param merge true to merge the two
     * @return this builder
     */
    public NamespacedProcessBuilder redirectErrorStream(boolean merge) { stdio.redirectErrorStream(merge); return this; }

    /**
     * The program shares this process's standard input, output and error.
     *
     * @return this builder
     */
    public NamespacedProcessBuilder inheritIO() { stdio.inheritIO(); return this; }

    /**
     * The program's standard input.
     *
     * @return where it reads from ({@link Redirect#PIPE} by default)
     */
    public Redirect redirectInput() { return stdio.redirectInput(); }

    /**
     * The program's standard output.
     *
     * @return where it writes to ({@link Redirect#PIPE} by default)
     */
    public Redirect redirectOutput() { return stdio.redirectOutput(); }

    /**
     * The program's standard error.
     *
     * @return where it writes to ({@link Redirect#PIPE} by default)
     */
    public Redirect redirectError() { return stdio.redirectError(); }

    /**
     * Whether standard error is merged into standard output.
     *
     * @return true if merged
     */
    public boolean redirectErrorStream() { return stdio.redirectErrorStream(); }

    /**
     * What the program sees as {@code argv[0]} instead of the command's first element, e.g. {@code -sh}.
     *
     * @param name the name, or null for the command's first element
     * @return this builder
     */
    public NamespacedProcessBuilder argv0(String name) { this.argv0 = name; return this; }

    // ---- namespaces to create ---------------------------------------------------------------

    /**
     * Adds namespace types the program gets new instances of ({@code clone3}/{@code unshare} flags in the helper).
     *
     * @param types the types to add
     * @return this builder
     */
    public NamespacedProcessBuilder newNamespaces(NamespaceType... types) { newTypes.addAll(Arrays.asList(types)); return this; }

    /**
     * The namespace types the program gets new instances of.
     *
     * @return a copy of the set
     */
    public Set<NamespaceType> newNamespaces() { return Set.copyOf(newTypes); }

    /**
     * The pid namespace's first process: the program itself (default) or its first child.
     *
     * @param entry which process is pid 1
     * @return this builder
     */
    public NamespacedProcessBuilder pidNamespaceEntry(PidNamespaceEntry entry) { pidEntry = Objects.requireNonNull(entry); return this; }

    /**
     * Keeps a new namespace after the program exits by a bind mount onto {@code file}, created if missing ({@code unshare --net=FILE}).
     *
     * @param type the namespace to keep (one of those {@link #newNamespaces(NamespaceType...)} adds)
     * @param file the file to bind its nsfs file onto
     * @return this builder
     */
    public NamespacedProcessBuilder persist(NamespaceType type, Path file) { return persist(type, file, true); }

    /**
     * As {@link #persist(NamespaceType, Path)}; with {@code createMissing} false a missing file fails the start (ENOENT).
     *
     * @param type          the namespace to keep
     * @param file          the file to bind its nsfs file onto
     * @param createMissing whether to create {@code file} if it does not exist
     * @return this builder
     */
    public NamespacedProcessBuilder persist(NamespaceType type, Path file, boolean createMissing) {
        persist.put(type, new NewNamespaces.Persistence(type, file, createMissing));
        return this;
    }

    /**
     * Opens a {@link Namespace} handle on each new namespace before the program runs ({@link NamespacedProcess#namespaces()}).
     *
     * @param open whether to open them
     * @return this builder
     */
    public NamespacedProcessBuilder openNamespaceHandles(boolean open) { openNamespaceHandles = open; return this; }

    /**
     * A step run from outside while the program waits before exec, e.g. {@link dev.jns.net.VethUplink}; see {@link BeforeExec}.
     *
     * @param step the step, run after those added before it
     * @return this builder
     */
    public NamespacedProcessBuilder beforeExec(BeforeExec step) { beforeExec.add(Objects.requireNonNull(step)); return this; }

    // ---- namespaces to join (all at one point, before new ones are made, as nsenter joins) -----

    /**
     * Joins the namespace of an nsfs file ({@code /proc/PID/ns/TYPE}, or a bind mount of one), by {@code setns(2)} in the helper.
     *
     * @param nsFile the nsfs file, opened when the program starts
     * @param type   its namespace type, checked by {@code setns}
     * @return this builder
     */
    public NamespacedProcessBuilder joinNamespace(Path nsFile, NamespaceType type) {
        joinedFiles.add(new Joins.JoinedFile(nsFile, type));
        return this;
    }

    /**
     * Joins the namespace an open handle refers to; keep it open until {@link #start()} returns.
     *
     * @param namespace the handle
     * @return this builder
     */
    public NamespacedProcessBuilder joinNamespace(Namespace namespace) { return joinNamespace(namespace.fdPath(), namespace.type()); }

    /**
     * Joins namespaces of a running process through its pidfd (Linux 5.8+; its /proc files
     * before), all in one {@code setns(2)}. A {@code pidfdInode} other than 0 must be its pidfd's, ruling out a reused pid.
     *
     * @param pid        the process
     * @param pidfdInode the inode of a pidfd the caller holds on it, or 0 for no check
     * @param types      the namespaces to join; empty to join none
     * @return this builder
     * @throws IllegalArgumentException if {@code pid} is not positive
     */
    public NamespacedProcessBuilder joinNamespacesOf(int pid, long pidfdInode, Set<NamespaceType> types) {
        if (pid <= 0) throw new IllegalArgumentException("not a process id: " + pid);
        joinedProcess = types.isEmpty() ? null : new Joins.JoinedProcess(pid, pidfdInode, types);
        return this;
    }

    /**
     * Keeps the caller's ids in a joined user namespace; otherwise the program is root there with no groups.
     *
     * @param preserve whether to keep them ({@code nsenter --preserve-credentials})
     * @return this builder
     */
    public NamespacedProcessBuilder preserveCredentials(boolean preserve) { preserveCredentials = preserve; return this; }

    /**
     * The program's root, opened before any join so the path names what the caller sees (nsenter's {@code --root}).
     *
     * @param root the directory as the caller sees it
     * @return this builder
     */
    public NamespacedProcessBuilder rootFromOutside(Path root) { rootFromOutside = root; return this; }

    /**
     * The working directory, opened before any join (nsenter's {@code --wd}).
     *
     * @param dir the directory as the caller sees it
     * @return this builder
     */
    public NamespacedProcessBuilder directoryFromOutside(Path dir) { directoryFromOutside = dir; return this; }

    /**
     * Into this cgroup v2 group (nsenter's {@code -c}).
     *
     * @param group the group's directory under the cgroup2 mount
     * @return this builder
     */
    public NamespacedProcessBuilder joinCgroup(Path group) { cgroupToJoin = group; return this; }

    // ---- user namespace ------------------------------------------------------------------

    /**
     * Lines of the new user namespace's {@code uid_map} (replaces earlier ones).
     *
     * @param maps the lines
     * @return this builder
     */
    public NamespacedProcessBuilder uidMap(IdMap... maps) { return uidMap(Arrays.asList(maps)); }

    /**
     * Lines of the new user namespace's {@code uid_map} (replaces earlier ones).
     *
     * @param maps the lines
     * @return this builder
     */
    public NamespacedProcessBuilder uidMap(List<IdMap> maps) { uidMap = List.copyOf(maps); return this; }

    /**
     * Lines of the new user namespace's {@code gid_map} (replaces earlier ones).
     *
     * @param maps the lines
     * @return this builder
     */
    public NamespacedProcessBuilder gidMap(IdMap... maps) { return gidMap(Arrays.asList(maps)); }

    /**
     * Lines of the new user namespace's {@code gid_map} (replaces earlier ones).
     *
     * @param maps the lines
     * @return this builder
     */
    public NamespacedProcessBuilder gidMap(List<IdMap> maps) { gidMap = List.copyOf(maps); return this; }

    /**
     * Root inside is the caller's effective ids outside, setgroups denied: {@code unshare -r}. Adds USER.
     *
     * @return this builder
     */
    public NamespacedProcessBuilder mapRootToCurrentUser() {
        CallerIds me = CallerIds.current();
        newTypes.add(NamespaceType.USER);
        return uidMap(IdMap.single(0, me.euid())).gidMap(IdMap.single(0, me.egid())).setgroups(Setgroups.DENY);
    }

    /**
     * How both maps are written.
     *
     * @param writer the writer for {@code uid_map} and {@code gid_map}
     * @return this builder
     */
    public NamespacedProcessBuilder idMapWriter(IdMapWriter writer) { return uidMapWriter(writer).gidMapWriter(writer); }

    /**
     * How {@code uid_map} is written: by the helper or by {@code newuidmap}.
     *
     * @param writer the writer
     * @return this builder
     */
    public NamespacedProcessBuilder uidMapWriter(IdMapWriter writer) { uidWriter = Objects.requireNonNull(writer); return this; }

    /**
     * How {@code gid_map} is written: by the helper or by {@code newgidmap}.
     *
     * @param writer the writer
     * @return this builder
     */
    public NamespacedProcessBuilder gidMapWriter(IdMapWriter writer) { gidWriter = Objects.requireNonNull(writer); return this; }

    /**
     * Creates the namespaces as this user, so a new user namespace is owned by {@code uid} ({@code unshare --owner}).
     *
     * @param uid the owner's uid
     * @param gid the owner's gid
     * @return this builder
     */
    public NamespacedProcessBuilder owner(long uid, long gid) { owner = new UserNamespace.Owner(uid, gid); return this; }

    /**
     * {@code /proc/PID/setgroups}; an unprivileged user must deny before writing a gid map itself.
     *
     * @param policy what to write there
     * @return this builder
     */
    public NamespacedProcessBuilder setgroups(Setgroups policy) { setgroups = policy; return this; }

    // ---- per-type setup and the filesystem ------------------------------------------------------

    /**
     * The host name in a new UTS namespace ({@code sethostname(2)}).
     *
     * @param hostname the name
     * @return this builder
     */
    public NamespacedProcessBuilder hostname(String hostname) { this.hostname = hostname; return this; }

    /**
     * The NIS domain name in a new UTS namespace ({@code setdomainname(2)}).
     *
     * @param domainname the name
     * @return this builder
     */
    public NamespacedProcessBuilder domainname(String domainname) { this.domainname = domainname; return this; }

    /**
     * Whether a new network namespace has {@code lo} up (default; util-linux leaves it down).
     *
     * @param up true to bring it up
     * @return this builder
     */
    public NamespacedProcessBuilder loopbackUp(boolean up) { loopbackUp = up; return this; }

    /**
     * The offset of a clock in a new time namespace ({@code /proc/PID/timens_offsets}).
     *
     * @param clock  the clock
     * @param offset how far ahead of the caller's it runs (negative: behind)
     * @return this builder
     */
    public NamespacedProcessBuilder timeOffset(Clock clock, Duration offset) { timeOffsets.put(clock, offset); return this; }

    /**
     * Propagation of the whole tree of a new mount namespace; PRIVATE by default.
     *
     * @param propagation the propagation type set recursively on {@code /}
     * @return this builder
     */
    public NamespacedProcessBuilder propagation(Propagation propagation) { this.propagation = Objects.requireNonNull(propagation); return this; }

    /**
     * A recursive bind mount before any root change; read-only on every submount if asked ({@code mount_setattr}).
     *
     * @param source   what to bind
     * @param target   where
     * @param readOnly whether the whole bound tree is read-only
     * @return this builder
     */
    public NamespacedProcessBuilder bindMount(Path source, Path target, boolean readOnly) {
        mounts.add(new FsStep.Bind(source, target, readOnly ? MountFlags.MOUNT_ATTR_RDONLY : 0, false));
        return this;
    }

    /**
     * Unmounts {@code target} ({@code umount2(2)}), in order with the other mounts.
     *
     * @param target the mount point
     * @param detach whether lazily ({@code MNT_DETACH}), submounts included
     * @return this builder
     */
    public NamespacedProcessBuilder unmount(Path target, boolean detach) { mounts.add(new FsStep.Unmount(target, detach)); return this; }

    /**
     * A {@code mount(2)} before any root change; null strings pass as NULL.
     *
     * @param source the source, or null
     * @param target the mount point
     * @param fstype the file system type, or null
     * @param flags  {@code MS_*} bits ({@link MountFlags})
     * @param data   the file system's options, or null
     * @return this builder
     */
    public NamespacedProcessBuilder mount(String source, Path target, String fstype, long flags, String data) {
        mounts.add(new FsStep.Mount(source, target, fstype, flags, data));
        return this;
    }

    /**
     * A fresh {@code proc} at {@code dir}, inside the new root if any.
     *
     * @param dir the mount point
     * @return this builder
     */
    public NamespacedProcessBuilder mountProc(Path dir) { procMount = dir; return this; }

    /**
     * A binfmt_misc instance at {@code dir}, after {@code /proc}: the user namespace's own (Linux 6.7+).
     *
     * @param dir the mount point
     * @return this builder
     */
    public NamespacedProcessBuilder mountBinfmtMisc(Path dir) { binfmtMount = dir; return this; }

    /**
     * Registers a binary format in that instance, written to its {@code register} file.
     *
     * @param definition {@code :name:type:offset:magic:mask:interpreter:flags}
     * @return this builder
     */
    public NamespacedProcessBuilder registerBinaryFormat(String definition) { binaryFormats.add(Objects.requireNonNull(definition)); return this; }

    /**
     * The root directory, by {@code chroot(2)} (util-linux's {@code --root}).
     *
     * @param root the new root, after the mounts
     * @return this builder
     */
    public NamespacedProcessBuilder root(Path root) { chroot = root; return this; }

    /**
     * The root directory, by {@code pivot_root(2)}, the old one detached.
     *
     * @param newRoot the new root, after the mounts
     * @return this builder
     */
    public NamespacedProcessBuilder pivotRoot(Path newRoot) { pivotRoot = newRoot; return this; }

    /**
     * A file the program finds open at {@code fd}, opened by the helper with {@code open(2)} before any join.
     *
     * @param file  the file as the caller sees it
     * @param flags {@code open(2)} flags ({@code O_*})
     * @param fd    the descriptor number in the program
     * @return this builder
     */
    public NamespacedProcessBuilder openFile(Path file, int flags, int fd) { descriptors.add(new Descriptor.OpenFile(file, flags, fd)); return this; }

    /**
     * This process's open descriptor {@code callerFd} (a pipe, file, socket, pidfd...) at {@code fd} in the program.
     *
     * @param callerFd the descriptor in this process, open until {@link #start()} returns
     * @param fd       the descriptor number in the program
     * @return this builder
     */
    public NamespacedProcessBuilder inheritFd(int callerFd, int fd) { descriptors.add(new Descriptor.Inherited(callerFd, fd)); return this; }

    // ---- credentials and supervision ----------------------------------------------------------

    /**
     * The uid the program runs as, inside its user namespace ({@code setresuid(2)}).
     *
     * @param uid the uid
     * @return this builder
     */
    public NamespacedProcessBuilder uid(long uid) { this.uid = uid; return this; }

    /**
     * The gid the program runs as, inside its user namespace ({@code setresgid(2)}).
     *
     * @param gid the gid
     * @return this builder
     */
    public NamespacedProcessBuilder gid(long gid) { this.gid = gid; return this; }

    /**
     * Supplementary groups ({@code setgroups(2)}); an empty list clears them.
     *
     * @param gids the groups
     * @return this builder
     */
    public NamespacedProcessBuilder groups(List<Long> gids) { groups = List.copyOf(gids); return this; }

    /**
     * Keeps the permitted capabilities across exec as ambient ones ({@code --keep-caps}).
     *
     * @param keep whether to keep them
     * @return this builder
     */
    public NamespacedProcessBuilder keepCapabilities(boolean keep) { keepCapabilities = keep; return this; }

    /**
     * Sets {@code PR_SET_NO_NEW_PRIVS} before exec: no set-id bit or file capability raises privileges.
     *
     * @param set whether to set it
     * @return this builder
     */
    public NamespacedProcessBuilder noNewPrivileges(boolean set) { noNewPrivileges = set; return this; }

    /**
     * A seccomp filter ({@code SeccompFilter.compile()}), installed last before exec under noNewPrivileges, else before the credential change (it needs CAP_SYS_ADMIN then).
     * One that notifies ({@code SeccompAction.NOTIFY}) is installed with a listener, which
     * {@link NamespacedProcess#seccompNotifications()} hands over (one such filter per process: the kernel refuses a second).
     *
     * @param filter the compiled filter, added after earlier ones
     * @return this builder
     */
    public NamespacedProcessBuilder seccomp(SeccompProgram filter) { seccomp.add(Objects.requireNonNull(filter)); return this; }

    /**
     * The signal the program gets if its supervising helper dies ({@code PR_SET_PDEATHSIG}; SIGKILL by default).
     *
     * @param signal the signal number, 0 for none
     * @return this builder
     */
    public NamespacedProcessBuilder parentDeathSignal(int signal) { parentDeathSignal = signal; return this; }

    /**
     * Signals the supervisor passes on (SIGTERM, so {@link Process#destroy()} works, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2).
     *
     * @param signals the signal numbers, replacing the default list
     * @return this builder
     */
    public NamespacedProcessBuilder forwardSignals(List<Integer> signals) { forwardedSignals = List.copyOf(signals); return this; }

    /**
     * Signals the supervisor neither dies of nor passes on (a terminal's Ctrl-C reaches the program by its process group).
     *
     * @param signals the signal numbers
     * @return this builder
     */
    public NamespacedProcessBuilder ignoreSignals(List<Integer> signals) { ignoredSignals = List.copyOf(signals); return this; }

    // ---- results -------------------------------------------------------------------------

    /**
     * The settings as a spec.
     *
     * @return the immutable spec {@link #start()} runs
     * @throws IllegalStateException if there is no command or the settings contradict each other
     */
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
     * Starts the program; returns once it runs (exec succeeded). The native helper, started
     * through {@link ProcessBuilder}, makes and joins the namespaces, runs the setup and execs.
     *
     * @return the running program
     * @throws SpawnException if a setup step failed; nothing of this start is left behind
     * @throws IOException if the helper could not be started
     */
    public NamespacedProcess start() throws IOException {
        return Spawner.start(spec(), stdio, beforeExec, openNamespaceHandles);
    }
}
