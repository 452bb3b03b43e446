package dev.jns.sandbox;

import dev.jns.caps.Capability;
import dev.jns.ids.IdMap;
import dev.jns.mount.Propagation;
import dev.jns.ns.Namespace;
import dev.jns.ns.NamespaceType;
import dev.jns.os.ProcessEnvironment;
import dev.jns.os.Signals;
import dev.jns.plan.CallerIds;
import dev.jns.plan.LaunchPlan;
import dev.jns.plan.PlanCompiler;
import dev.jns.seccomp.SeccompFilter;
import dev.jns.spawn.BeforeExec;
import dev.jns.spawn.NamespacedProcess;
import dev.jns.spawn.Spawner;
import dev.jns.spec.Capabilities;
import dev.jns.spec.Credentials;
import dev.jns.spec.Descriptor;
import dev.jns.spec.Filesystem;
import dev.jns.spec.FsStep;
import dev.jns.spec.IdMapWriter;
import dev.jns.spec.Joins;
import dev.jns.spec.LaunchSpec;
import dev.jns.spec.NewNamespaces;
import dev.jns.spec.PerTypeSetup;
import dev.jns.spec.PidNamespaceEntry;
import dev.jns.spec.Program;
import dev.jns.spec.SeccompProgram;
import dev.jns.spec.Setgroups;
import dev.jns.spec.Supervision;
import dev.jns.spec.UserNamespace;

import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

import static dev.jns.mount.MountFlags.MOUNT_ATTR_NODEV;
import static dev.jns.mount.MountFlags.MOUNT_ATTR_NOSUID;
import static dev.jns.mount.MountFlags.MOUNT_ATTR_RDONLY;

/**
 * A sealed-off view of the system for a program you do not trust, in bubblewrap's model: the
 * program sees an empty root (a tmpfs) holding only what you put there — binds of the
 * caller's files, read-only or not, a fresh {@code /proc}, a minimal {@code /dev}, tmpfs
 * directories, links — in new namespaces, with no capability left and no way to gain
 * privilege by exec. {@link #start()} returns a real {@link Process}; the sandbox dies with
 * the JVM, everything the program started included.
 *
 * <pre>{@code
 * Process p = Sandbox.command("python3", "job.py")
 *         .unshareAll()
 *         .roBind("/usr", "/usr").symlink("usr/bin", "/bin").symlink("usr/lib", "/lib").symlink("usr/lib64", "/lib64")
 *         .proc("/proc").dev("/dev").tmpfs("/home/job")
 *         .directory("/home/job")
 *         .seccomp(ContainerProfile.filter(true))
 *         .start();
 * }</pre>
 *
 * <p>Paths: a source names a file of the caller's; a destination a place in the sandbox's
 * root, made (with its parents) if missing. Every bind is nosuid, and nodev unless it is a
 * {@link #devBind}. Like {@code ProcessBuilder}, a {@code Sandbox} is not thread-safe;
 * build one per start or start from one thread at a time.
 */
public final class Sandbox {
    private final List<String> command;
    private final Set<NamespaceType> namespaces = EnumSet.noneOf(NamespaceType.class);
    private final List<FsStep> filesystem = new ArrayList<>(List.of(new FsStep.TmpfsRoot()));
    private final Map<String, String> environment = ProcessEnvironment.initial();
    private final ProcessBuilder stdio = new ProcessBuilder();
    private final Set<Capability> capabilities = EnumSet.noneOf(Capability.class);
    private final List<SeccompProgram> seccomp = new ArrayList<>();
    private final List<Descriptor> descriptors = new ArrayList<>();
    private final List<dev.jns.spec.LockFile> locks = new ArrayList<>();
    private final List<Joins.JoinedFile> joinedNamespaces = new ArrayList<>();
    private final List<Joins.JoinedDescriptor> joinedDescriptors = new ArrayList<>();
    private final List<BeforeExec> beforeExec = new ArrayList<>();
    private Joins.UserAfterSetup userAfterSetup;
    private UserNamespace.Nested nestedUserNamespaces = UserNamespace.Nested.ALLOWED;
    private Integer blockFd, mapsByCallerFd;
    private dev.jns.spawn.AfterClone cloned;
    private Spawner.ListenerHandoff seccompListener;
    private Long uid, gid;
    private String hostname, argv0;
    private Path directory;
    private boolean newSession, callerCapabilities, asPid1, namespaceHandles;

    private Sandbox(List<String> command) {
        if (command.isEmpty()) throw new IllegalArgumentException("no command to run");
        this.command = List.copyOf(command);
    }

    /**
     * A sandbox for {@code command} (looked up in the PATH of its environment when it has no slash).
     *
     * @param command the program and its arguments
     * @return a sandbox with no namespaces and an empty root yet
     */
    public static Sandbox command(String... command) {
        return new Sandbox(Arrays.asList(command));
    }

    /**
     * A sandbox for {@code command} (looked up in the PATH of its environment when it has no slash).
     *
     * @param command the program and its arguments
     * @return a sandbox with no namespaces and an empty root yet
     * @throws IllegalArgumentException if {@code command} is empty
     */
    public static Sandbox command(List<String> command) {
        return new Sandbox(command);
    }

    // ---- namespaces ------------------------------------------------------------------------

    /**
     * New namespaces of every type bubblewrap's {@code --unshare-all} makes: user, ipc, pid, net, uts, cgroup.
     *
     * @return this sandbox
     */
    public Sandbox unshareAll() {
        return unshare(NamespaceType.USER, NamespaceType.IPC, NamespaceType.PID, NamespaceType.NET, NamespaceType.UTS,
                NamespaceType.CGROUP);
    }

    /**
     * New namespaces of these types. A new mount namespace is always made (the root is built
     * in one), and so is a user namespace when this JVM is not root (without one an
     * unprivileged user cannot mount), as bubblewrap does.
     *
     * @param types the namespace types
     * @return this sandbox
     */
    public Sandbox unshare(NamespaceType... types) {
        namespaces.addAll(Arrays.asList(types));
        return this;
    }

    /**
     * Keeps the caller's network namespace after {@link #unshareAll()} ({@code --share-net}).
     *
     * @return this sandbox
     */
    public Sandbox shareNet() {
        namespaces.remove(NamespaceType.NET);
        return this;
    }

    /** The types {@link #joinNamespace} takes: those whose joining changes nothing else about the sandbox. */
    private static final Set<NamespaceType> JOINABLE = EnumSet.of(NamespaceType.NET, NamespaceType.UTS, NamespaceType.IPC,
            NamespaceType.CGROUP);

    /**
     * Puts the program into an existing network, uts, ipc or cgroup namespace instead of a new
     * one of its type, e.g. a network namespace made with {@link dev.jns.net.NetNamespace} so
     * that the program's sockets live there. It is joined before the new namespaces are made.
     * Keep the handle open until {@link #start()} returns.
     *
     * @param namespace a handle on the namespace
     * @return this sandbox
     * @throws IllegalArgumentException for a mount or user namespace (the sandbox builds its
     *         root in mount and user namespaces of its own), a pid or a time namespace
     */
    public Sandbox joinNamespace(Namespace namespace) {
        NamespaceType type = namespace.type();
        if (!JOINABLE.contains(type)) {
            throw new IllegalArgumentException("a sandbox cannot join a " + type.procName()
                    + " namespace this way: only a net, uts, ipc or cgroup namespace");
        }
        joinedNamespaces.add(new Joins.JoinedFile(namespace.fdPath(), type));
        return this;
    }

    /**
     * Runs the sandbox in the user namespace this process holds open at {@code callerFd}
     * ({@code --userns FD}) instead of a new one: it is joined before anything else is made, so
     * the sandbox's other namespaces belong to it. The program keeps this process's ids as that
     * namespace maps them ({@link #uid}/{@link #gid} switch to others it maps). Keep the
     * descriptor open until {@link #start()} returns.
     *
     * @param callerFd a descriptor open in this process
     * @return this sandbox
     * @throws IllegalStateException at {@link #spec()} if a new user namespace is asked for too
     */
    public Sandbox joinUserNamespace(int callerFd) {
        joinedDescriptors.add(new Joins.JoinedDescriptor(callerFd, NamespaceType.USER));
        return this;
    }

    /**
     * Runs the program in the pid namespace this process holds open at {@code callerFd}
     * ({@code --pidns FD}); with {@link #unshare} of {@link NamespaceType#PID} too, in a new pid
     * namespace nested in that one. Joining it needs privilege over its user namespace: join
     * that first ({@link #joinUserNamespace}) unless this process is root.
     *
     * @param callerFd a descriptor open in this process
     * @return this sandbox
     */
    public Sandbox joinPidNamespace(int callerFd) {
        joinedDescriptors.add(new Joins.JoinedDescriptor(callerFd, NamespaceType.PID));
        return this;
    }

    /**
     * Moves the program, once its root is built and before its ids and capabilities are set,
     * into the user namespace this process holds open at {@code callerFd} ({@code --userns2 FD}),
     * typically one the caller made inside the sandbox's own user namespace while the sandbox
     * waited for it. It must be one the sandbox's user namespace may enter: a child of it.
     *
     * @param callerFd a descriptor open in this process
     * @return this sandbox
     */
    public Sandbox switchUserNamespace(int callerFd) {
        userAfterSetup = new Joins.UserAfterSetup(callerFd);
        return this;
    }

    /**
     * The program cannot make user namespaces ({@code --disable-userns}): it runs in a user
     * namespace nested in the sandbox's, whose parent allows no more than that one, and the
     * launch fails unless making one is refused. Needs a new user namespace ({@link #unshare}
     * of {@link NamespaceType#USER}, or a caller that is not root).
     *
     * @return this sandbox
     */
    public Sandbox disableUserNamespaces() {
        nestedUserNamespaces = UserNamespace.Nested.DISABLED;
        return this;
    }

    /**
     * The launch fails unless the program already cannot make user namespaces
     * ({@code --assert-userns-disabled}), e.g. in a sandbox nested in one that disabled them.
     *
     * @return this sandbox
     */
    public Sandbox requireUserNamespacesDisabled() {
        if (nestedUserNamespaces == UserNamespace.Nested.ALLOWED) nestedUserNamespaces = UserNamespace.Nested.MUST_BE_IMPOSSIBLE;
        return this;
    }

    // ---- the filesystem, in the order given ---------------------------------------------------

    /**
     * Binds {@code source} read-write at {@code dest} ({@code --bind}).
     *
     * @param source the caller's file or directory
     * @param dest the path in the sandbox
     * @return this sandbox
     */
    public Sandbox bind(String source, String dest) {
        return bind(source, dest, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV, false);
    }

    /**
     * As {@link #bind}, skipped when {@code source} does not exist ({@code --bind-try}).
     *
     * @param source the caller's file or directory
     * @param dest the path in the sandbox
     * @return this sandbox
     */
    public Sandbox bindTry(String source, String dest) {
        return bind(source, dest, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV, true);
    }

    /**
     * Binds {@code source} read-only, on every submount too ({@code --ro-bind}).
     *
     * @param source the caller's file or directory
     * @param dest the path in the sandbox
     * @return this sandbox
     */
    public Sandbox roBind(String source, String dest) {
        return bind(source, dest, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV, false);
    }

    /**
     * As {@link #roBind}, skipped when {@code source} does not exist ({@code --ro-bind-try}).
     *
     * @param source the caller's file or directory
     * @param dest the path in the sandbox
     * @return this sandbox
     */
    public Sandbox roBindTry(String source, String dest) {
        return bind(source, dest, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV, true);
    }

    /**
     * Binds {@code source} with its device nodes usable ({@code --dev-bind}).
     *
     * @param source the caller's file or directory
     * @param dest the path in the sandbox
     * @return this sandbox
     */
    public Sandbox devBind(String source, String dest) {
        return bind(source, dest, MOUNT_ATTR_NOSUID, false);
    }

    /**
     * As {@link #devBind}, skipped when {@code source} does not exist ({@code --dev-bind-try}).
     *
     * @param source the caller's file or directory
     * @param dest the path in the sandbox
     * @return this sandbox
     */
    public Sandbox devBindTry(String source, String dest) {
        return bind(source, dest, MOUNT_ATTR_NOSUID, true);
    }

    /**
     * Binds {@code source} read-write at {@code dest} as {@link #bind} does, id-mapped: its
     * files' owners show through {@code mapping} (see {@link FsStep.IdMapping}; an
     * {@code IdMap(1000, 0, 1)} uid map shows files stored as uid 1000 as root's). Needs a
     * caller that is root and a filesystem that supports id-mapped mounts; the kernel's EPERM or
     * EINVAL otherwise fails {@link #start()}.
     *
     * @param source the caller's file or directory
     * @param dest the path in the sandbox
     * @param mapping how stored ids show in the sandbox
     * @return this sandbox
     */
    public Sandbox bindIdMapped(String source, String dest, FsStep.IdMapping mapping) {
        filesystem.add(new FsStep.Bind(Path.of(source), Path.of(dest), MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV, false,
                Optional.of(mapping)));
        return this;
    }

    private Sandbox bind(String source, String dest, long attributes, boolean optional) {
        filesystem.add(new FsStep.Bind(Path.of(source), Path.of(dest), attributes, optional));
        return this;
    }

    /**
     * Binds the directory or file this process's descriptor {@code callerFd} is open on
     * ({@code --bind-fd}), found by the path it has now in this process's view.
     *
     * @param callerFd a descriptor open in this process
     * @param dest the path in the sandbox
     * @return this sandbox
     */
    public Sandbox bindFd(int callerFd, String dest) {
        return bind(pathOf(callerFd), dest);
    }

    /**
     * As {@link #bindFd}, read-only ({@code --ro-bind-fd}).
     *
     * @param callerFd a descriptor open in this process
     * @param dest the path in the sandbox
     * @return this sandbox
     */
    public Sandbox roBindFd(int callerFd, String dest) {
        return roBind(pathOf(callerFd), dest);
    }

    private static String pathOf(int fd) {
        try {
            Path p = java.nio.file.Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd));
            if (!p.isAbsolute()) throw new IllegalArgumentException("descriptor " + fd + " is no file or directory: " + p);
            return p.toString();
        } catch (IOException e) {
            throw new IllegalArgumentException("descriptor " + fd + ": " + dev.jns.os.Errno.describe(e), e);
        }
    }

    /**
     * A file at {@code dest} holding {@code data}, with exactly {@code mode} ({@code --perms MODE --file}); one there is emptied first.
     *
     * @param data the file's contents (copied)
     * @param dest the path in the sandbox
     * @param mode its permission bits
     * @return this sandbox
     */
    public Sandbox file(byte[] data, String dest, int mode) {
        filesystem.add(new FsStep.File(ByteBuffer.wrap(data.clone()), Path.of(dest), mode));
        return this;
    }

    /**
     * A file of its own holding {@code data}, with exactly {@code mode}, bound writable at
     * {@code dest} ({@code --perms MODE --bind-data}): writes go to that file, which nothing
     * outside the sandbox can reach.
     *
     * @param data the file's contents (copied)
     * @param dest the path in the sandbox
     * @param mode its permission bits
     * @return this sandbox
     */
    public Sandbox bindData(byte[] data, String dest, int mode) {
        filesystem.add(new FsStep.BindData(ByteBuffer.wrap(data.clone()), Path.of(dest), mode, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV));
        return this;
    }

    /**
     * As {@link #bindData}, read-only ({@code --ro-bind-data}).
     *
     * @param data the file's contents (copied)
     * @param dest the path in the sandbox
     * @param mode its permission bits
     * @return this sandbox
     */
    public Sandbox roBindData(byte[] data, String dest, int mode) {
        filesystem.add(new FsStep.BindData(ByteBuffer.wrap(data.clone()), Path.of(dest), mode,
                MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV));
        return this;
    }

    /**
     * An overlay at {@code dest} of the directories {@code sources}, bottom to top (a later one
     * covers an earlier one), writing to {@code upper} with its work directory {@code work} on
     * the same filesystem ({@code --overlay-src ... --overlay RWSRC WORKDIR DEST}).
     *
     * @param sources the lower directories, bottom first
     * @param upper the directory that receives the writes
     * @param work the overlay's work directory, on the same filesystem as {@code upper}
     * @param dest the path in the sandbox
     * @return this sandbox
     */
    public Sandbox overlay(List<String> sources, String upper, String work, String dest) {
        filesystem.add(new FsStep.Overlay(paths(sources), Optional.of(Path.of(upper)), Optional.of(Path.of(work)), false,
                Path.of(dest)));
        return this;
    }

    /**
     * An overlay whose writes go to a tmpfs that ends with the sandbox ({@code --overlay-src ... --tmp-overlay DEST}).
     *
     * @param sources the lower directories, bottom first
     * @param dest the path in the sandbox
     * @return this sandbox
     */
    public Sandbox tmpOverlay(List<String> sources, String dest) {
        filesystem.add(new FsStep.Overlay(paths(sources), Optional.empty(), Optional.empty(), true, Path.of(dest)));
        return this;
    }

    /**
     * A read-only overlay of two directories or more ({@code --overlay-src ... --ro-overlay DEST}).
     *
     * @param sources the lower directories, bottom first
     * @param dest the path in the sandbox
     * @return this sandbox
     */
    public Sandbox roOverlay(List<String> sources, String dest) {
        filesystem.add(new FsStep.Overlay(paths(sources), Optional.empty(), Optional.empty(), false, Path.of(dest)));
        return this;
    }

    private static List<Path> paths(List<String> names) {
        List<Path> out = new ArrayList<>();
        for (String n : names) out.add(Path.of(n));
        return out;
    }

    /**
     * A fresh {@code proc} of the sandbox's pid namespace ({@code --proc}).
     *
     * @param dest the path in the sandbox
     * @return this sandbox
     */
    public Sandbox proc(String dest) {
        filesystem.add(new FsStep.Proc(Path.of(dest)));
        return this;
    }

    /**
     * A minimal {@code /dev} ({@code --dev}): null, zero, full, random, urandom, tty, a private devpts, shm, the fd links.
     *
     * @param dest the path in the sandbox
     * @return this sandbox
     */
    public Sandbox dev(String dest) {
        filesystem.add(new FsStep.Dev(Path.of(dest)));
        return this;
    }

    /**
     * An empty tmpfs, mode 0755 ({@code --tmpfs}).
     *
     * @param dest the path in the sandbox
     * @return this sandbox
     */
    public Sandbox tmpfs(String dest) {
        return tmpfs(dest, 0755, OptionalLong.empty());
    }

    /**
     * A tmpfs with this mode and, if given, size limit in bytes ({@code --perms MODE --size BYTES --tmpfs}).
     *
     * @param dest the path in the sandbox
     * @param mode its permission bits
     * @param size its size limit in bytes, if any
     * @return this sandbox
     */
    public Sandbox tmpfs(String dest, int mode, OptionalLong size) {
        filesystem.add(new FsStep.Tmpfs(Path.of(dest), mode, size));
        return this;
    }

    /**
     * A POSIX message queue filesystem ({@code --mqueue}); the sandbox needs its own IPC namespace.
     *
     * @param dest the path in the sandbox
     * @return this sandbox
     */
    public Sandbox mqueue(String dest) {
        filesystem.add(new FsStep.Dir(Path.of(dest), 0755));
        filesystem.add(new FsStep.Mount("mqueue", Path.of(dest), "mqueue", 0, null));
        return this;
    }

    /**
     * A directory, parents included ({@code --dir}).
     *
     * @param dest the path in the sandbox
     * @return this sandbox
     */
    public Sandbox dir(String dest) {
        return dir(dest, 0755);
    }

    /**
     * A directory with exactly {@code mode}, parents included ({@code --perms MODE --dir}).
     *
     * @param dest the directory in the sandbox
     * @param mode its permission bits
     * @return this sandbox
     */
    public Sandbox dir(String dest, int mode) {
        filesystem.add(new FsStep.Dir(Path.of(dest), mode));
        return this;
    }

    /**
     * A symbolic link at {@code link} to {@code target} ({@code --symlink}).
     *
     * @param target what the link points to
     * @param link the link's path in the sandbox
     * @return this sandbox
     */
    public Sandbox symlink(String target, String link) {
        filesystem.add(new FsStep.Symlink(target, Path.of(link)));
        return this;
    }

    /**
     * Sets a mode ({@code --chmod}).
     *
     * @param mode its permission bits
     * @param path the path in the sandbox
     * @return this sandbox
     */
    public Sandbox chmod(int mode, String path) {
        filesystem.add(new FsStep.Chmod(Path.of(path), mode));
        return this;
    }

    /**
     * Makes what is mounted at {@code dest} read-only, not what is mounted under it ({@code --remount-ro}).
     *
     * @param dest the path in the sandbox
     * @return this sandbox
     */
    public Sandbox remountReadOnly(String dest) {
        filesystem.add(new FsStep.RemountReadOnly(Path.of(dest)));
        return this;
    }

    // ---- the process ---------------------------------------------------------------------------

    /**
     * The uid inside (a new user namespace maps it to the caller's); default the caller's.
     *
     * @param uid the uid
     * @return this sandbox
     */
    public Sandbox uid(long uid) {
        this.uid = uid;
        return this;
    }

    /**
     * The gid inside; default the caller's.
     *
     * @param gid the gid
     * @return this sandbox
     */
    public Sandbox gid(long gid) {
        this.gid = gid;
        return this;
    }

    /**
     * The host name in the sandbox's new UTS namespace ({@code --hostname}).
     *
     * @param hostname the name
     * @return this sandbox
     */
    public Sandbox hostname(String hostname) {
        this.hostname = hostname;
        return this;
    }

    /**
     * The working directory inside; launching fails if the sandbox has no such directory. By
     * default, as bubblewrap: this process's working directory if the sandbox has it, else the
     * environment's {@code HOME} if it has that, else {@code /}. Either way the program's
     * {@code PWD} names the directory it starts in.
     *
     * @param dir the directory in the sandbox
     * @return this sandbox
     */
    public Sandbox directory(String dir) {
        this.directory = Path.of(dir);
        return this;
    }

    /**
     * The program, set up, waits before exec until one byte can be read from this process's
     * descriptor {@code callerFd} (or its other end is closed): write to or close the other
     * end to let it go ({@code --block-fd}). {@link #start()} returns without waiting for it.
     *
     * @param callerFd a descriptor open in this process
     * @return this sandbox
     */
    public Sandbox blockOn(int callerFd) {
        if (callerFd < 0) throw new IllegalArgumentException("not a descriptor number: " + callerFd);
        this.blockFd = callerFd;
        return this;
    }

    /**
     * The new user namespace gets its uid and gid maps (and setgroups) from the caller, not from
     * jns ({@code --userns-block-fd}): as soon as the sandbox's first process is in its new
     * namespaces, {@code cloned} runs with its pid (tell it to whoever writes
     * {@code /proc/PID/uid_map} and {@code gid_map}), and the process waits, before it sets
     * anything up, until one byte can be read from this process's descriptor {@code callerFd}
     * or its other end is closed. The ids inside are then whatever the caller maps ({@link #uid}
     * and {@link #gid} change nothing, as under bubblewrap). Needs a new user namespace; not with
     * {@link #disableUserNamespaces()}.
     *
     * @param callerFd a descriptor open in this process, written to once the maps are written
     * @param cloned   run with the new process's pid and its new namespaces; the start fails if it throws
     * @return this sandbox
     */
    public Sandbox userNamespaceMappedByCaller(int callerFd, dev.jns.spawn.AfterClone cloned) {
        if (callerFd < 0) throw new IllegalArgumentException("not a descriptor number: " + callerFd);
        this.mapsByCallerFd = callerFd;
        this.cloned = java.util.Objects.requireNonNull(cloned, "cloned");
        return this;
    }

    /**
     * Work done from outside while the program, set up, waits just before exec: wiring its new
     * network namespace to the world ({@link dev.jns.net.VethUplink},
     * {@link dev.jns.net.UserModeNetwork} for slirp4netns), or telling someone its pid and
     * namespaces (what {@code jns run --info-fd} writes). Steps run in order, before the program
     * reads its {@link #blockOn} descriptor; what they return is released when it has ended.
     *
     * @param step the step; the start fails, leaving nothing behind, if it throws
     * @return this sandbox
     */
    public Sandbox beforeExec(BeforeExec step) {
        beforeExec.add(java.util.Objects.requireNonNull(step, "step"));
        return this;
    }

    /**
     * Hands the listener of a seccomp filter that uses {@link dev.jns.seccomp.SeccompAction#NOTIFY}
     * to {@code handoff} the moment the filter is installed, before the program execs, instead
     * of through {@link NamespacedProcess#seccompNotifications()} once it runs. Needed when the
     * filter notifies a call made on the way to exec ({@code execve} itself, say): that call
     * waits for an answer, and {@link #start()} with it. Serve the listener from another thread;
     * it is the handoff's to close.
     *
     * @param handoff what takes the listener; the start fails, leaving nothing behind, if it throws
     * @return this sandbox
     */
    public Sandbox seccompListener(Spawner.ListenerHandoff handoff) {
        this.seccompListener = java.util.Objects.requireNonNull(handoff, "handoff");
        return this;
    }

    /**
     * A read lock ({@code fcntl F_RDLCK}) on {@code dest}, a file of the sandbox (relative: to
     * its working directory), held from before exec for as long as the sandbox runs, by a
     * reaper forked for it even without a new pid namespace ({@code --lock-file}). Whoever
     * tries a write lock on the file learns whether the sandbox still runs. Not with {@link #asPid1()}.
     *
     * @param dest the file's path in the sandbox
     * @return this sandbox
     */
    public Sandbox lockFile(String dest) {
        locks.add(new dev.jns.spec.LockFile(Path.of(dest)));
        return this;
    }

    /**
     * What the program sees as {@code argv[0]} ({@code --argv0}).
     *
     * @param name the name
     * @return this sandbox
     */
    public Sandbox argv0(String name) {
        this.argv0 = name;
        return this;
    }

    /**
     * The program's environment: this process's, in its order; change it before {@link #start()}.
     *
     * @return the mutable map
     */
    public Map<String, String> environment() {
        return environment;
    }

    /**
     * The program is PID 1 of its pid namespace ({@code --as-pid-1}) instead of PID 2 under a
     * reaper; as PID 1 it ignores every signal it has no handler for, SIGTERM included.
     *
     * @return this sandbox
     */
    public Sandbox asPid1() {
        this.asPid1 = true;
        return this;
    }

    /**
     * Opens a handle on each new namespace while the program waits before exec, for
     * {@link NamespacedProcess#namespaces()} (the caller closes them): its namespaces are
     * known even if it has ended by the time they are asked about.
     *
     * @return this sandbox
     */
    public Sandbox openNamespaceHandles() {
        this.namespaceHandles = true;
        return this;
    }

    /**
     * A new session: no controlling terminal to push input into ({@code --new-session}).
     *
     * @return this sandbox
     */
    public Sandbox newSession() {
        this.newSession = true;
        return this;
    }

    /**
     * Keeps these capabilities (they are all dropped by default); for a program that is root inside.
     *
     * @param kept the capabilities to keep
     * @return this sandbox
     */
    public Sandbox capabilities(Capability... kept) {
        capabilities.addAll(Arrays.asList(kept));
        return this;
    }

    /**
     * A program that is root inside keeps the caller's effective capabilities, and no more,
     * instead of none (bubblewrap's default for a root caller).
     *
     * @return this sandbox
     */
    public Sandbox keepCallerCapabilities() {
        this.callerCapabilities = true;
        return this;
    }

    /**
     * A seccomp filter, installed last before exec; several stack, all applying.
     *
     * @param filter the filter
     * @return this sandbox
     */
    public Sandbox seccomp(SeccompFilter filter) {
        return seccomp(filter.compile());
    }

    /**
     * A compiled filter (classic BPF), e.g. one bubblewrap's {@code --seccomp FD} reads.
     *
     * @param program the compiled classic BPF program
     * @return this sandbox
     */
    public Sandbox seccomp(SeccompProgram program) {
        seccomp.add(program);
        return this;
    }

    /**
     * This process's open descriptor {@code callerFd} at {@code fd} in the program.
     *
     * @param callerFd a descriptor open in this process
     * @param fd the descriptor number in the program
     * @return this sandbox
     */
    public Sandbox inheritFd(int callerFd, int fd) {
        descriptors.add(new Descriptor.Inherited(callerFd, fd));
        return this;
    }

    /**
     * The program's standard input, as {@link ProcessBuilder#redirectInput(Redirect)}.
     *
     * @param source where it reads from
     * @return this sandbox
     */
    public Sandbox redirectInput(Redirect source) {
        stdio.redirectInput(source);
        return this;
    }

    /**
     * The program's standard output, as {@link ProcessBuilder#redirectOutput(Redirect)}.
     *
     * @param destination where it writes to
     * @return this sandbox
     */
    public Sandbox redirectOutput(Redirect destination) {
        stdio.redirectOutput(destination);
        return this;
    }

    /**
     * The program's standard error, as {@link ProcessBuilder#redirectError(Redirect)}.
     *
     * @param destination where it writes to
     * @return this sandbox
     */
    public Sandbox redirectError(Redirect destination) {
        stdio.redirectError(destination);
        return this;
    }

    /**
     * Whether standard error goes where standard output goes.
     *
     * @param merge true to merge the two
     * @return this sandbox
     */
    public Sandbox redirectErrorStream(boolean merge) {
        stdio.redirectErrorStream(merge);
        return this;
    }

    /**
     * The program shares this process's standard input, output and error.
     *
     * @return this sandbox
     */
    public Sandbox inheritIO() {
        stdio.inheritIO();
        return this;
    }

    // ---- results -------------------------------------------------------------------------------

    /**
     * What the sandbox is, as the engine's spec: testable without running anything.
     *
     * @return the immutable spec {@link #start()} runs
     */
    public LaunchSpec spec() {
        CallerIds caller = CallerIds.current();
        Set<NamespaceType> types = EnumSet.copyOf(namespaces);
        types.add(NamespaceType.MNT);
        if (caller.euid() != 0) types.add(NamespaceType.USER);
        for (Joins.JoinedFile j : joinedNamespaces) types.remove(j.type());
        boolean joinsUser = false;
        for (Joins.JoinedDescriptor j : joinedDescriptors) {
            if (j.type() == NamespaceType.USER) {
                if (namespaces.contains(NamespaceType.USER)) {
                    throw new IllegalStateException("a sandbox joining a user namespace cannot have a new one as well");
                }
                joinsUser = true;
                types.remove(NamespaceType.USER);
            }
        }
        if (asPid1 && !locks.isEmpty()) throw new IllegalStateException("a program that is PID 1 has no reaper to hold lock files");
        boolean userNs = types.contains(NamespaceType.USER);
        long insideUid = uid != null ? uid : caller.euid(), insideGid = gid != null ? gid : caller.egid();
        if (mapsByCallerFd != null && !userNs) throw new IllegalStateException("the caller maps only a new user namespace");
        UserNamespace user = mapsByCallerFd != null
                ? UserNamespace.mappedByCaller(nestedUserNamespaces, mapsByCallerFd)
                : userNs
                ? new UserNamespace(List.of(IdMap.single(insideUid, caller.euid())), List.of(IdMap.single(insideGid, caller.egid())),
                        IdMapWriter.PROC_FILES, IdMapWriter.PROC_FILES, Optional.of(Setgroups.DENY), Optional.empty(),
                        nestedUserNamespaces)
                : nestedUserNamespaces == UserNamespace.Nested.DISABLED
                ? throwing("disabling user namespaces needs a new user namespace")
                : new UserNamespace(List.of(), List.of(), IdMapWriter.PROC_FILES, IdMapWriter.PROC_FILES, Optional.empty(),
                        Optional.empty(), nestedUserNamespaces);
        List<String> env = new ArrayList<>();
        for (Map.Entry<String, String> e : environment.entrySet()) env.add(e.getKey() + "=" + e.getValue());
        return new LaunchSpec(
                program(env),
                new NewNamespaces(types, asPid1 ? PidNamespaceEntry.PROGRAM_IS_PID_1 : PidNamespaceEntry.REAPER_IS_PID_1, Map.of()),
                // In a joined user namespace the program keeps the ids it has there (preserved credentials).
                new Joins(joinedNamespaces, Optional.empty(), joinsUser, Optional.empty(), Optional.empty(), Optional.empty(),
                        joinedDescriptors, Optional.ofNullable(userAfterSetup)),
                user,
                new Filesystem(Propagation.PRIVATE, filesystem),
                new PerTypeSetup(Optional.ofNullable(hostname), Optional.empty(), true, Map.of()),
                new Credentials(userNs || uid == null ? Optional.empty() : Optional.of(uid),
                        userNs || gid == null ? Optional.empty() : Optional.of(gid),
                        // Without a user namespace the program keeps the caller's supplementary groups,
                        // as under bubblewrap, unless it changes ids (which bubblewrap never does there):
                        // another uid must not keep root's groups.
                        userNs || joinsUser || (uid == null && gid == null) ? Optional.empty() : Optional.of(List.of()),
                        true, newSession),
                callerCapabilities ? new Capabilities.Bounded(Capability.effectiveOfThisProcess())
                        : new Capabilities.Exactly(capabilities),
                new Supervision.Leashed(Signals.SIGKILL, Signals.FORWARDED_BY_DEFAULT, List.of(), locks),
                descriptors, seccomp, namespaceHandles || !beforeExec.isEmpty());
    }

    private static UserNamespace throwing(String message) {
        throw new IllegalStateException(message);
    }

    private Program program(List<String> env) {
        java.util.OptionalInt block = blockFd == null ? java.util.OptionalInt.empty() : java.util.OptionalInt.of(blockFd);
        if (directory != null) return new Program(command, Optional.ofNullable(argv0), env, Optional.of(directory), List.of(), true, block);
        List<Path> fallbacks = new ArrayList<>();
        String home = environment.get("HOME");
        if (home != null && home.startsWith("/")) fallbacks.add(Path.of(home));
        fallbacks.add(Path.of("/"));
        return new Program(command, Optional.ofNullable(argv0), env, Optional.of(Path.of(System.getProperty("user.dir"))),
                fallbacks, true, block);
    }

    /** The helper's ops for this sandbox, for this package's tests: the plan is internal. */
    LaunchPlan plan() {
        return PlanCompiler.compile(spec());
    }

    /**
     * Starts the program in its sandbox; returns once it runs.
     *
     * @return the running program
     * @throws dev.jns.spawn.SpawnException naming the step that failed, and why; nothing is left behind
     * @throws IOException if the helper could not be started
     */
    public NamespacedProcess start() throws IOException {
        return Spawner.start(spec(), stdio, beforeExec, namespaceHandles, cloned != null ? cloned : (pid, namespaces) -> {},
                seccompListener);
    }
}
