package dev.jns.plan;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * One low-level op of a {@link LaunchPlan}: a system call or two, with values only. The native
 * helper executes these and nothing else, one small C function per {@link OpCode}; what to
 * mount, map or join is decided by the plan compiler, which expands the steps a spec asks for
 * into these ops. Each op gives its wire form ({@link #code()}, {@link #args()}); the C
 * function of the same code reads the arguments in the order written here.
 *
 * <p>Paths: in the parent, a path beginning {@code /proc/child/} names the new process's
 * {@code /proc/PID/} directory; in the child itself {@code /proc/self/}. (The kernel has no
 * {@code /proc/child}, so the prefix cannot clash with a real path.) Slots: small numbers
 * naming descriptors the helper holds between ops (opened files, pidfds, received bytes);
 * their descriptors are close-on-exec, so the program never sees them unless a {@link Dup}
 * places one.
 */
public sealed interface Op {

    /** The prefix that names the new process's {@code /proc} directory, whichever side runs the op. */
    String CHILD_PROC = "/proc/child/";

    /** The root slot of an op whose paths are plain (resolved from the helper's root and working directory). */
    int NO_ROOT = -1;

    OpCode code();

    /** The arguments as the helper reads them. */
    List<String> args();

    // ---- signals and the helper itself ------------------------------------------------------

    /** Blocks these signals in the helper; once the program runs, each one the helper receives is passed on to it. */
    record ForwardSignals(List<Integer> signals) implements Op {
        public ForwardSignals { signals = List.copyOf(signals); }
        public OpCode code() { return OpCode.FORWARD_SIGNALS; }
        public List<String> args() { return Wire.numbers(signals); }
    }

    /** Blocks these signals in the helper for good, never reading them; the program starts with them unblocked. */
    record BlockSignals(List<Integer> signals) implements Op {
        public BlockSignals { signals = List.copyOf(signals); }
        public OpCode code() { return OpCode.BLOCK_SIGNALS; }
        public List<String> args() { return Wire.numbers(signals); }
    }

    /**
     * {@code PR_SET_CHILD_SUBREAPER}: the program's orphaned descendants become the helper's
     * children, so that when the caller dies the helper can kill the whole tree, not only the program.
     */
    record BecomeSubreaper() implements Op {
        public OpCode code() { return OpCode.BECOME_SUBREAPER; }
        public List<String> args() { return List.of(); }
    }

    /**
     * Drops supplementary groups and becomes {@code uid}/{@code gid}, keeping the saved ids (the
     * parent side takes them back after the clone), so the namespaces it creates are owned by that user.
     */
    record BecomeOwner(long uid, long gid) implements Op {
        public OpCode code() { return OpCode.BECOME_OWNER; }
        public List<String> args() { return List.of(Long.toString(uid), Long.toString(gid)); }
    }

    /** {@code clone3} with these {@code CLONE_NEW*} flags; the helper becomes parent and child. */
    record Clone(int namespaceFlags) implements Op {
        public OpCode code() { return OpCode.CLONE; }
        public List<String> args() { return List.of(Wire.hex(namespaceFlags)); }
    }

    record Unshare(int namespaceFlags) implements Op {
        public OpCode code() { return OpCode.UNSHARE; }
        public List<String> args() { return List.of(Wire.hex(namespaceFlags)); }
    }

    /** Succeeds only if {@code unshare(namespaceFlags)} is refused: a check that the program cannot make them. */
    record UnshareRefused(int namespaceFlags) implements Op {
        public OpCode code() { return OpCode.UNSHARE_REFUSED; }
        public List<String> args() { return List.of(Wire.hex(namespaceFlags)); }
    }

    // ---- descriptors: open, receive, join, write ------------------------------------------

    /**
     * {@code openat2(dirSlot's fd or AT_FDCWD, path, {flags, mode, resolve})} into {@code slot};
     * {@code dirSlot} -1 means relative to the working directory. O_CLOEXEC is always added.
     */
    record Open(int slot, int dirSlot, String path, int flags, int mode, long resolve) implements Op {
        public static final int O_RDONLY = 0, O_WRONLY = 1, O_RDWR = 2, O_CREAT = 0100, O_APPEND = 02000, O_DIRECTORY = 0200000,
                O_NOFOLLOW = 0400000, O_PATH = 010000000;
        public static final long RESOLVE_NO_SYMLINKS = 0x04, RESOLVE_IN_ROOT = 0x10;

        /** Opens an absolute or working-directory-relative path. */
        public static Open path(int slot, String path, int flags) {
            return new Open(slot, -1, path, flags, 0, 0);
        }

        public OpCode code() { return OpCode.OPEN; }
        public List<String> args() {
            return List.of(Integer.toString(slot), Integer.toString(dirSlot), path, Integer.toString(flags),
                    Integer.toOctalString(mode), Long.toString(resolve));
        }
    }

    /**
     * {@code pidfd_open(pid)} into {@code slot}; with {@code inode} other than 0 it fails with
     * ESRCH unless the pidfd has that inode (the process is the one the caller saw).
     */
    record OpenPidfd(int slot, int pid, long inode) implements Op {
        public OpCode code() { return OpCode.OPEN_PIDFD; }
        public List<String> args() { return List.of(Integer.toString(slot), Integer.toString(pid), Long.toString(inode)); }
    }

    /**
     * Puts {@code bytes} into a sealed memfd in {@code slot}: the caller sends them over the
     * control pipe after its hello (a seccomp program, say), the helper reads them here.
     */
    record Receive(int slot, ByteBuffer bytes) implements Op {
        public Receive { bytes = bytes.asReadOnlyBuffer(); }
        public OpCode code() { return OpCode.RECEIVE; }
        public List<String> args() { return List.of(Integer.toString(slot), Integer.toString(bytes.remaining())); }
    }

    /**
     * Takes descriptors of the caller (this JVM's fd numbers {@code callerFds}) into slots
     * {@code firstSlot} on: the JVM sends them over a socket with SCM_RIGHTS, which works for
     * every kind of descriptor (sockets too, which /proc/PID/fd cannot reopen).
     */
    record ReceiveFds(int firstSlot, List<Integer> callerFds) implements Op {
        public ReceiveFds { callerFds = List.copyOf(callerFds); }
        public OpCode code() { return OpCode.RECEIVE_FDS; }
        public List<String> args() { return List.of(Integer.toString(firstSlot), Integer.toString(callerFds.size())); }
    }

    /** {@code setns(slot's fd, types)}: an nsfs file with its one type, or a pidfd with any set of types. */
    record Setns(int slot, int types) implements Op {
        public OpCode code() { return OpCode.SETNS; }
        public List<String> args() { return List.of(Integer.toString(slot), Wire.hex(types)); }
    }

    /** Writes all of {@code text} to the descriptor in {@code slot}. */
    record Write(int slot, String text) implements Op {
        public OpCode code() { return OpCode.WRITE; }
        public List<String> args() { return List.of(Integer.toString(slot), text); }
    }

    /** Opens {@code path} for writing (no create) and writes all of {@code text}: uid_map, setgroups, timens_offsets. */
    record WriteFile(String path, String text) implements Op {
        public OpCode code() { return OpCode.WRITE_FILE; }
        public List<String> args() { return List.of(path, text); }
    }

    /**
     * Runs {@code program CHILD-PID args...} and waits; fails unless it exits 0 (errno 0 then,
     * the detail says how it ended). For shadow-utils' newuidmap and newgidmap.
     */
    record RunForChild(String program, List<String> args) implements Op {
        public RunForChild { args = List.copyOf(args); }
        public OpCode code() { return OpCode.RUN_FOR_CHILD; }
        public List<String> args() {
            List<String> a = new ArrayList<>(args.size() + 1);
            a.add(program);
            a.addAll(args);
            return a;
        }
    }

    // ---- mounts and files ------------------------------------------------------------------

    /**
     * {@code mount(source, target, fstype, flags, data)}; null strings pass as NULL. A mount made
     * by the helper or the parent (in the caller's mount namespace) is undone if a later op fails.
     */
    record Mount(String source, String target, String fstype, long flags, String data) implements Op {
        public OpCode code() { return OpCode.MOUNT; }
        public List<String> args() {
            return List.of(Wire.nullable(source), target, Wire.nullable(fstype), Long.toString(flags), Wire.nullable(data));
        }
    }

    /**
     * A bind mount through the new mount API: {@code open_tree(source, OPEN_TREE_CLONE [|AT_RECURSIVE])},
     * {@code mount_setattr} with {@code MOUNT_ATTR_*} bits {@code attrSet} on the whole tree (so a
     * read-only bind is read-only on every submount from the moment it appears), {@code move_mount}
     * onto target.
     */
    record Bind(String source, String target, boolean recursive, long attrSet) implements Op {
        public OpCode code() { return OpCode.BIND; }
        public List<String> args() {
            return List.of(source, target, recursive ? "1" : "0", Long.toString(attrSet));
        }
    }

    /**
     * Binds what the O_PATH descriptor in {@code sourceSlot} names onto {@code target} in the
     * root held in {@code root} (resolved there with {@code RESOLVE_IN_ROOT}: no symlink or
     * {@code ..} leads out of it): {@code open_tree(fd, "", OPEN_TREE_CLONE|AT_EMPTY_PATH [|AT_RECURSIVE])},
     * {@code mount_setattr} on the detached tree, {@code move_mount} onto the target's descriptor.
     * A missing target is made first like the source (a directory 0755, else an empty file
     * 0444), its missing parents with {@code parentMode}.
     */
    record BindAt(int sourceSlot, int root, String target, boolean recursive, long attrSet, int parentMode) implements Op {
        public OpCode code() { return OpCode.BIND_AT; }
        public List<String> args() {
            return List.of(Integer.toString(sourceSlot), Integer.toString(root), target, recursive ? "1" : "0",
                    Long.toString(attrSet), Integer.toOctalString(parentMode));
        }
    }

    /**
     * A new filesystem on the directory {@code target} in the root held in {@code root}, by the
     * new mount API: {@code fsopen(fstype)}, {@code fsconfig} with the source (if not empty) and
     * each option ({@code KEY=VALUE}, or a flag {@code KEY}), {@code fsmount} with
     * {@code MOUNT_ATTR_*} bits {@code attrSet}, {@code move_mount} onto the target's descriptor.
     */
    record MountAt(int root, String target, String fstype, String source, long attrSet, List<String> options) implements Op {
        public MountAt { options = List.copyOf(options); }
        public OpCode code() { return OpCode.MOUNT_AT; }
        public List<String> args() {
            List<String> a = new ArrayList<>(List.of(Integer.toString(root), target, fstype, source, Long.toString(attrSet)));
            a.addAll(options);
            return a;
        }
    }

    /**
     * {@code mount_setattr(path)} setting {@code MOUNT_ATTR_*} bits on the mount at {@code path}
     * (not on its submounts); {@code path} in the root held in slot {@code root} ({@link #NO_ROOT}: a plain path).
     */
    record SetMountAttributes(int root, String path, long attrSet) implements Op {
        public SetMountAttributes(String path, long attrSet) { this(NO_ROOT, path, attrSet); }
        public OpCode code() { return OpCode.MOUNT_SETATTR; }
        public List<String> args() { return List.of(Integer.toString(root), path, Long.toString(attrSet)); }
    }

    /**
     * A new user namespace whose {@code uid_map} and {@code gid_map} are {@code uidMap} and
     * {@code gidMap} ({@code /proc} form: "inside outside count" lines), held in {@code slot}
     * for {@link IdmapTree}s: a child of the helper unshares it and waits while the helper (root:
     * any map is allowed) writes the maps and opens it, then leaves and is reaped.
     */
    record UserNamespaceWithMaps(int slot, String uidMap, String gidMap) implements Op {
        public OpCode code() { return OpCode.USERNS_WITH_MAPS; }
        public List<String> args() { return List.of(Integer.toString(slot), uidMap, gidMap); }
    }

    /**
     * An id-mapped copy of the tree at {@code source} (a plain path, as the helper sees it
     * before the clone), kept detached in {@code slot} for an {@link AttachTree}:
     * {@code open_tree(OPEN_TREE_CLONE|AT_RECURSIVE)}, {@code MOUNT_ATTR_*} bits {@code attrSet}
     * on every mount in it, then {@code mount_setattr(MOUNT_ATTR_IDMAP)} with the user namespace
     * in {@code usernsSlot} (a {@link UserNamespaceWithMaps}'), on its top mount or, {@code recursive},
     * on all of them. The kernel id-maps only for a caller privileged over the filesystem's user
     * namespace, so this runs in the helper, before the clone.
     */
    record IdmapTree(int slot, String source, boolean recursive, long attrSet, int usernsSlot) implements Op {
        public OpCode code() { return OpCode.IDMAP_TREE; }
        public List<String> args() {
            return List.of(Integer.toString(slot), source, recursive ? "1" : "0", Long.toString(attrSet), Integer.toString(usernsSlot));
        }
    }

    /**
     * {@code move_mount} of the detached tree in {@code slot} (an {@link IdmapTree}'s) onto
     * {@code target} in the root held in slot {@code root} ({@link #NO_ROOT}: a plain path). With
     * {@code make}, a missing target is made first like the tree's top (a directory 0755, else an
     * empty file 0444), its missing parents with {@code parentMode}; without, it must be there.
     */
    record AttachTree(int slot, int root, String target, boolean make, int parentMode) implements Op {
        public OpCode code() { return OpCode.ATTACH_TREE; }
        public List<String> args() {
            return List.of(Integer.toString(slot), Integer.toString(root), target, make ? "1" : "0",
                    Integer.toOctalString(parentMode));
        }
    }

    /** Closes the descriptor in {@code slot}: the parent's copy of one that only the child needs. */
    record Close(int slot) implements Op {
        public OpCode code() { return OpCode.CLOSE; }
        public List<String> args() { return List.of(Integer.toString(slot)); }
    }

    /** {@code umount2(target, flags)}. */
    record Unmount(String target, int flags) implements Op {
        public OpCode code() { return OpCode.UNMOUNT; }
        public List<String> args() { return List.of(target, Integer.toString(flags)); }
    }

    /**
     * {@code mkdir(path, mode)} (the mode set past the umask), and its missing parents with
     * {@code parentMode}; a directory already there, or a symlink to one, is fine. In the root
     * held in slot {@code root} ({@link #NO_ROOT}: a plain path).
     */
    record MakeDirectory(int root, String path, int mode, int parentMode) implements Op {
        public MakeDirectory(String path, int mode) { this(NO_ROOT, path, mode, 0755); }
        public OpCode code() { return OpCode.MKDIR; }
        public List<String> args() {
            return List.of(Integer.toString(root), path, Integer.toOctalString(mode), Integer.toOctalString(parentMode));
        }
    }

    /** Creates an empty regular file with {@code mode} unless a non-directory is there already (a bind target). */
    record CreateFile(int root, String path, int mode) implements Op {
        public CreateFile(String path, int mode) { this(NO_ROOT, path, mode); }
        public OpCode code() { return OpCode.CREATE_FILE; }
        public List<String> args() { return List.of(Integer.toString(root), path, Integer.toOctalString(mode)); }
    }

    /**
     * {@code mknodat} of a device node or fifo at {@code path} (its parent resolved in the root held
     * in slot {@code root}; {@link #NO_ROOT}: a plain path), then {@code fchownat} to {@code uid}/{@code gid}
     * and {@code fchmodat} to {@code mode}'s permission bits exactly, whatever the umask.
     */
    record MakeNode(int root, String path, int mode, long major, long minor, long uid, long gid) implements Op {
        public OpCode code() { return OpCode.MKNOD; }
        public List<String> args() {
            return List.of(Integer.toString(root), path, Integer.toOctalString(mode), Long.toString(major), Long.toString(minor),
                    Long.toString(uid), Long.toString(gid));
        }
    }

    /**
     * {@code symlinkat(target, dir, name)} where {@code dir} is {@code linkPath}'s directory in
     * the root held in slot {@code root} ({@link #NO_ROOT}: a plain path); the same link already there is fine.
     */
    record Symlink(int root, String target, String linkPath) implements Op {
        public Symlink(String target, String linkPath) { this(NO_ROOT, target, linkPath); }
        public OpCode code() { return OpCode.SYMLINK; }
        public List<String> args() { return List.of(Integer.toString(root), target, linkPath); }
    }

    /** Sets the mode of {@code path} (followed, in the root held in slot {@code root}; {@link #NO_ROOT}: a plain path). */
    record Chmod(int root, String path, int mode) implements Op {
        public Chmod(String path, int mode) { this(NO_ROOT, path, mode); }
        public OpCode code() { return OpCode.CHMOD; }
        public List<String> args() { return List.of(Integer.toString(root), path, Integer.toOctalString(mode)); }
    }

    /** {@code pivot_root(newRoot, putOld)}. */
    record PivotRoot(String newRoot, String putOld) implements Op {
        public OpCode code() { return OpCode.PIVOT_ROOT; }
        public List<String> args() { return List.of(newRoot, putOld); }
    }

    record ChangeRoot(String path) implements Op {
        public OpCode code() { return OpCode.CHROOT; }
        public List<String> args() { return List.of(path); }
    }

    record ChangeDirectory(String path) implements Op {
        public OpCode code() { return OpCode.CHDIR; }
        public List<String> args() { return List.of(path); }
    }

    /** {@code fchdir} to the directory held in {@code slot}. */
    record ChangeDirectoryTo(int slot) implements Op {
        public OpCode code() { return OpCode.FCHDIR; }
        public List<String> args() { return List.of(Integer.toString(slot)); }
    }

    /**
     * Creates (or empties) {@code path} in the root held in slot {@code root} with exactly
     * {@code mode} ({@link #NO_ROOT}: a plain path, which must be new); copies in the bytes of the descriptor in {@code dataSlot} (from its start);
     * keeps the file in {@code slot}, e.g. as a {@link BindAt}'s source.
     */
    record CopyFile(int slot, int dataSlot, int root, String path, int mode) implements Op {
        public OpCode code() { return OpCode.COPY_FILE; }
        public List<String> args() {
            return List.of(Integer.toString(slot), Integer.toString(dataSlot), Integer.toString(root), path,
                    Integer.toOctalString(mode));
        }
    }

    /**
     * {@code faccessat2} of {@code path} in the root held in slot {@code root} ({@link #NO_ROOT}:
     * a plain path) for {@code mode} (R_OK 4, W_OK 2, X_OK 1), by the real ids: fails unless
     * allowed, so that a later op can run only if it succeeded.
     */
    record Access(int root, String path, int mode) implements Op {
        public static final int W_OK = 2;
        public OpCode code() { return OpCode.ACCESS; }
        public List<String> args() { return List.of(Integer.toString(root), path, Integer.toString(mode)); }
    }

    // ---- per-type settings ---------------------------------------------------------------

    record SetHostname(String hostname) implements Op {
        public OpCode code() { return OpCode.SETHOSTNAME; }
        public List<String> args() { return List.of(hostname); }
    }

    record SetDomainname(String domainname) implements Op {
        public OpCode code() { return OpCode.SETDOMAINNAME; }
        public List<String> args() { return List.of(domainname); }
    }

    /** Sets a network link up ({@code SIOCSIFFLAGS}), e.g. {@code lo} of a new network namespace. */
    record LinkUp(String name) implements Op {
        public OpCode code() { return OpCode.LINK_UP; }
        public List<String> args() { return List.of(name); }
    }

    // ---- credentials and limits ------------------------------------------------------------

    /** {@code setgroups} with these supplementary groups (possibly none). */
    record SetGroups(List<Long> gids) implements Op {
        public SetGroups { gids = List.copyOf(gids); }
        public OpCode code() { return OpCode.SETGROUPS; }
        public List<String> args() { return Wire.numbers(gids); }
    }

    /** {@code setresgid(gid, gid, gid)}. */
    record SetGid(long gid) implements Op {
        public OpCode code() { return OpCode.SETGID; }
        public List<String> args() { return List.of(Long.toString(gid)); }
    }

    /** {@code setresuid(uid, uid, uid)}. */
    record SetUid(long uid) implements Op {
        public OpCode code() { return OpCode.SETUID; }
        public List<String> args() { return List.of(Long.toString(uid)); }
    }

    /** {@code PR_SET_KEEPCAPS}: keep the permitted capabilities across the next {@link SetUid}. */
    record KeepCapsAcrossSetuid() implements Op {
        public OpCode code() { return OpCode.KEEP_CAPS; }
        public List<String> args() { return List.of(); }
    }

    /**
     * Sets all five capability sets: drops from the bounding set every capability not in
     * {@code bounding}, sets effective, permitted and inheritable by {@code capset}, then
     * clears the ambient set and raises {@code ambient}. Masks are 64-bit, bit N = capability N.
     */
    record SetCapabilities(long bounding, long effective, long permitted, long inheritable, long ambient) implements Op {
        public OpCode code() { return OpCode.SET_CAPS; }
        public List<String> args() {
            return List.of(Wire.hex(bounding), Wire.hex(effective), Wire.hex(permitted), Wire.hex(inheritable), Wire.hex(ambient));
        }
    }

    /** Makes every permitted capability inheritable and ambient, so the program keeps them across exec. */
    record AmbientFromPermitted() implements Op {
        public OpCode code() { return OpCode.AMBIENT_FROM_PERMITTED; }
        public List<String> args() { return List.of(); }
    }

    record NoNewPrivileges() implements Op {
        public OpCode code() { return OpCode.NO_NEW_PRIVS; }
        public List<String> args() { return List.of(); }
    }

    /** {@code setsid()}: a new session without a controlling terminal. */
    record NewSession() implements Op {
        public OpCode code() { return OpCode.SETSID; }
        public List<String> args() { return List.of(); }
    }
    /** Waits for one byte, or the end, on the descriptor in {@code slot}, then closes it. */
    record ReadByte(int slot) implements Op {
        public OpCode code() { return OpCode.READ_BYTE; }
        public List<String> args() { return List.of(Integer.toString(slot)); }
    }


    /** {@code umask(mask)}: the mode bits files the program creates leave out. */
    record SetUmask(int mask) implements Op {
        public OpCode code() { return OpCode.UMASK; }
        public List<String> args() { return List.of(Integer.toOctalString(mask)); }
    }

    /** {@code setrlimit(resource, {soft, hard})}; -1 is RLIM_INFINITY. */
    record SetRlimit(int resource, long soft, long hard) implements Op {
        public OpCode code() { return OpCode.RLIMIT; }
        public List<String> args() { return List.of(Integer.toString(resource), Long.toString(soft), Long.toString(hard)); }
    }

    /**
     * Installs the classic BPF program held in {@code slot} (an array of {@code struct sock_filter})
     * as a seccomp filter. With {@code listener} (the program notifies) it is installed with
     * {@code SECCOMP_FILTER_FLAG_NEW_LISTENER}, and the listener travels to the caller (status
     * frame 'L' with the descriptor), the child keeping no copy.
     */
    record InstallSeccomp(int slot, boolean listener) implements Op {
        public OpCode code() { return OpCode.SECCOMP; }
        public List<String> args() {
            return listener ? List.of(Integer.toString(slot), "listener") : List.of(Integer.toString(slot));
        }
    }

    /** Sets {@code name=value} in the program's environment at exec (a value only the child can know). */
    record SetEnv(String name, String value) implements Op {
        public OpCode code() { return OpCode.SETENV; }
        public List<String> args() { return List.of(name + "=" + value); }
    }

    /** Places the descriptor of {@code slot} at number {@code fd} of the program (not close-on-exec). */
    record Dup(int slot, int fd) implements Op {
        public OpCode code() { return OpCode.DUP; }
        public List<String> args() { return List.of(Integer.toString(slot), Integer.toString(fd)); }
    }

    // ---- the caller, supervision and exec ------------------------------------------------------

    /**
     * The child (PID 1 of a new pid namespace) forks: the program carries on with the plan
     * as PID 2, and PID 1 stays behind as its reaper, passing {@code forwarded} signals on,
     * reaping orphans, and exiting with the program's status (128+N for a signal death). It
     * keeps the descriptors in {@code lockSlots} open (and so their {@link LockFile} locks),
     * closing every other.
     */
    record ForkReaper(List<Integer> forwarded, List<Integer> lockSlots) implements Op {
        public ForkReaper {
            forwarded = List.copyOf(forwarded);
            lockSlots = List.copyOf(lockSlots);
        }

        public ForkReaper(List<Integer> forwarded) {
            this(forwarded, List.of());
        }

        public OpCode code() { return OpCode.FORK_REAPER; }
        public List<String> args() {
            List<String> args = new java.util.ArrayList<>();
            args.add(Integer.toString(forwarded.size()));
            args.addAll(Wire.numbers(forwarded));
            args.addAll(Wire.numbers(lockSlots));
            return args;
        }
    }

    /**
     * A read lock ({@code fcntl F_SETLK F_RDLCK}) on the file open in {@code slot}: held by this
     * process, which a {@link ForkReaper} after it keeps as the sandbox's reaper.
     */
    record LockFile(int slot) implements Op {
        public OpCode code() { return OpCode.LOCK_FILE; }
        public List<String> args() { return List.of(Integer.toString(slot)); }
    }

    /**
     * Tells the caller the child's pid and waits until it says go, so the caller can act on the
     * child's namespaces from outside while the child surely still lives.
     */
    record AwaitCaller() implements Op {
        public OpCode code() { return OpCode.AWAIT_CALLER; }
        public List<String> args() { return List.of(); }
    }

    /**
     * The parent reports the child's pid as detached and exits without supervising; the child
     * carries on alone (it must have cleared its death signal before).
     */
    record Detach() implements Op {
        public OpCode code() { return OpCode.DETACH; }
        public List<String> args() { return List.of(); }
    }

    /**
     * {@code PR_SET_PDEATHSIG}: the signal the child gets when the helper dies (0: none). Set
     * after every credential change, which clears it; if the helper is already gone, the child leaves.
     */
    record DeathSignal(int signal) implements Op {
        public OpCode code() { return OpCode.DEATH_SIGNAL; }
        public List<String> args() { return List.of(Integer.toString(signal)); }
    }

    /**
     * Restores the helper's original signal mask and execs; a {@code program} without a slash
     * is looked up in {@code searchPath} in order, like {@code execvp}. The environment is the
     * helper's own (see {@link LaunchPlan#environment()}).
     */
    record Exec(String program, List<String> searchPath, List<String> argv) implements Op {
        public Exec {
            searchPath = List.copyOf(searchPath);
            argv = List.copyOf(argv);
        }
        public OpCode code() { return OpCode.EXEC; }
        public List<String> args() {
            List<String> a = new ArrayList<>();
            a.add(program);
            a.add(Integer.toString(searchPath.size()));
            a.addAll(searchPath);
            a.addAll(argv);
            return a;
        }
    }

    /** Formatting shared by the wire forms. */
    final class Wire {
        private Wire() {}

        static List<String> numbers(List<? extends Number> values) {
            List<String> out = new ArrayList<>(values.size());
            for (Number n : values) out.add(n.toString());
            return out;
        }

        static String hex(long value) {
            return "0x" + Long.toHexString(value);
        }

        /** The helper reads an empty string as NULL. */
        static String nullable(String s) {
            return s == null ? "" : s;
        }
    }
}
