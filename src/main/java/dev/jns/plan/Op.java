package dev.jns.plan;

import dev.jns.ids.IdMap;

import java.time.Duration;
import java.util.List;

/**
 * One step of a {@link LaunchPlan}. Each op names the system call it makes (the name the
 * helper reports when it fails) and the {@link Side} that runs it. Ops carry only values;
 * the native helper gives them their meaning, one small function per op.
 */
public sealed interface Op {

    /** The op's name in the helper protocol and in error messages, e.g. {@code sethostname}. */
    String name();

    Side side();

    // ---- the helper, before the clone ----------------------------------------------------


    /**
     * Blocks these signals in the helper and, once the target runs, forwards each one the
     * helper receives to the target. The target starts with the helper's original mask.
     */
    record ForwardSignals(List<Integer> signals) implements Op {
        public ForwardSignals { signals = List.copyOf(signals); }
        public String name() { return "sigprocmask"; }
        public Side side() { return Side.HELPER; }
    }

    /**
     * Blocks these signals in the helper for good, never reading them: they neither end it
     * nor reach the target through it. The target starts with the original mask and, being a
     * new process, with none of the helper's pending signals.
     */
    record IgnoreSignals(List<Integer> signals) implements Op {
        public IgnoreSignals { signals = List.copyOf(signals); }
        public String name() { return "sigprocmask"; }
        public Side side() { return Side.HELPER; }
    }

    /**
     * Drops the supplementary groups and becomes {@code uid}/{@code gid} before the clone, so
     * that the user namespace it creates is owned by that user (util-linux's {@code --owner}).
     */
    record BecomeOwner(long uid, long gid) implements Op {
        public String name() { return "setresuid"; }
        public Side side() { return Side.HELPER; }
    }

    /**
     * {@code clone3} with these {@code CLONE_NEW*} flags (the helper adds CLONE_PIDFD). The
     * child is created in the new namespaces and waits for its turn.
     */
    record Clone(int namespaceFlags) implements Op {
        public String name() { return "clone3"; }
        public Side side() { return Side.HELPER; }
    }

    // ---- the parent, acting on the child from outside --------------------------------------

    /** Writes {@code allow} or {@code deny} to the child's {@code /proc/PID/setgroups}. */
    record WriteSetgroups(boolean allow) implements Op {
        public String name() { return "setgroups"; }
        public Side side() { return Side.PARENT; }
    }

    /** Writes the child's {@code uid_map} ({@code uid}) or {@code gid_map} directly. */
    record WriteIdMap(IdKind kind, List<IdMap> maps) implements Op {
        public WriteIdMap { maps = List.copyOf(maps); }
        public String name() { return kind == IdKind.UID ? "uid_map" : "gid_map"; }
        public Side side() { return Side.PARENT; }
    }

    /**
     * Runs shadow-utils' {@code newuidmap} or {@code newgidmap} (the setuid programs that let
     * an unprivileged user map the ranges {@code /etc/subuid} grants) as
     * {@code program PID inside outside count ...}.
     */
    record RunIdMapProgram(String program, List<IdMap> maps) implements Op {
        public RunIdMapProgram { maps = List.copyOf(maps); }
        public String name() { return program.substring(program.lastIndexOf('/') + 1); }
        public Side side() { return Side.PARENT; }
    }

    /**
     * Keeps a namespace of the child alive after it exits by bind-mounting
     * {@code /proc/PID/ns/<nsFileName>} onto {@code target} (first created as an empty file
     * if {@code createTarget} and missing), from the parent, which is still in the caller's
     * mount namespace. The helper removes the mount again if a later op fails.
     */
    record PersistNamespace(String nsFileName, String target, boolean createTarget) implements Op {
        /** Persistence onto a target that is created if missing. */
        public PersistNamespace(String nsFileName, String target) {
            this(nsFileName, target, true);
        }

        public String name() { return "mount"; }
        public Side side() { return Side.PARENT; }
    }

    /**
     * Tells the caller the child's pid and waits until the caller says go, so that the caller
     * can open handles on the child's namespaces while the child surely still lives.
     */
    record AwaitCaller() implements Op {
        public String name() { return "await-caller"; }
        public Side side() { return Side.PARENT; }
    }

    // ---- the child, inside its new namespaces ----------------------------------------------

    /**
     * The child writes {@code allow} or {@code deny} to its own {@code /proc/self/setgroups},
     * as util-linux's {@code unshare -r} does; with {@link WriteOwnIdMap} it sets up its user
     * namespace alone, so the parent need not act between clone and exec.
     */
    record WriteOwnSetgroups(boolean allow) implements Op {
        public String name() { return "setgroups"; }
        public Side side() { return Side.CHILD; }
    }

    /**
     * The child writes its own {@code uid_map} or {@code gid_map}: the kernel lets a process
     * map the one id that created its user namespace (for gid_map only after setgroups is denied).
     */
    record WriteOwnIdMap(IdKind kind, IdMap map) implements Op {
        public String name() { return kind == IdKind.UID ? "uid_map" : "gid_map"; }
        public Side side() { return Side.CHILD; }
    }

    /** {@code unshare} for types that the clone should not create, e.g. time (see {@link SetTimeOffsets}). */
    record Unshare(int namespaceFlags) implements Op {
        public String name() { return "unshare"; }
        public Side side() { return Side.CHILD; }
    }

    /**
     * Writes the clock offsets of the time namespace the child just unshared into
     * {@code /proc/self/timens_offsets}; the target enters that namespace at exec.
     */
    record SetTimeOffsets(Duration monotonic, Duration boottime) implements Op {
        public String name() { return "timens_offsets"; }
        public Side side() { return Side.CHILD; }
    }

    /** {@code mount(NULL, path, NULL, flags, NULL)}: changes propagation, e.g. MS_REC|MS_PRIVATE. */
    record SetPropagation(String path, long flags) implements Op {
        public String name() { return "mount"; }
        public Side side() { return Side.CHILD; }
    }

    /**
     * Makes {@code path} recursively private if it is a mount point (a directory that is none
     * needs nothing), so a mount on it cannot propagate out of the new mount namespace.
     */
    record PrivatizeMountPoint(String path) implements Op {
        public String name() { return "mount"; }
        public Side side() { return Side.CHILD; }
    }

    /** A plain {@code mount(source, target, fstype, flags, data)}; empty strings stand for NULL. */
    record Mount(String source, String target, String fstype, long flags, String data) implements Op {
        public Mount {
            source = source == null ? "" : source;
            fstype = fstype == null ? "" : fstype;
            data = data == null ? "" : data;
        }

        public String name() { return "mount"; }
        public Side side() { return Side.CHILD; }
    }

    /**
     * Writes a binfmt_misc definition ({@code :name:type:offset:magic:mask:interpreter:flags})
     * to {@code directory/register}, the binfmt_misc instance mounted there.
     */
    record RegisterBinaryFormat(String directory, String definition) implements Op {
        public String name() { return "binfmt_misc register"; }
        public Side side() { return Side.CHILD; }
    }

    /** {@code umount2(target, flags)}, e.g. MNT_DETACH to drop a subtree the new namespace copied. */
    record Unmount(String target, int flags) implements Op {
        public String name() { return "umount2"; }
        public Side side() { return Side.CHILD; }
    }

    /**
     * A recursive bind mount through the new mount API ({@code open_tree}, {@code mount_setattr},
     * {@code move_mount}), so that a read-only bind is read-only on every submount from the
     * moment it appears.
     */
    record BindMount(String source, String target, boolean readOnly) implements Op {
        public String name() { return "bind-mount"; }
        public Side side() { return Side.CHILD; }
    }

    /** {@code chroot(path)} then {@code chdir("/")}. */
    record ChangeRoot(String path) implements Op {
        public String name() { return "chroot"; }
        public Side side() { return Side.CHILD; }
    }

    /** {@code pivot_root} into {@code path} and detach the old root. */
    record PivotRoot(String path) implements Op {
        public String name() { return "pivot_root"; }
        public Side side() { return Side.CHILD; }
    }

    record ChangeDirectory(String path) implements Op {
        public String name() { return "chdir"; }
        public Side side() { return Side.CHILD; }
    }

    /** Sets {@code lo} up in the new network namespace (while the child still has CAP_NET_ADMIN there). */
    record LoopbackUp() implements Op {
        public String name() { return "SIOCSIFFLAGS"; }
        public Side side() { return Side.CHILD; }
    }

    record SetHostname(String hostname) implements Op {
        public String name() { return "sethostname"; }
        public Side side() { return Side.CHILD; }
    }

    record SetDomainname(String domainname) implements Op {
        public String name() { return "setdomainname"; }
        public Side side() { return Side.CHILD; }
    }

    /** {@code setgroups} with these supplementary groups (possibly none). */
    record SetGroups(List<Long> gids) implements Op {
        public SetGroups { gids = List.copyOf(gids); }
        public String name() { return "setgroups"; }
        public Side side() { return Side.CHILD; }
    }

    /** {@code setresgid(gid, gid, gid)}. */
    record SetGid(long gid) implements Op {
        public String name() { return "setresgid"; }
        public Side side() { return Side.CHILD; }
    }

    /** {@code setresuid(uid, uid, uid)}. */
    record SetUid(long uid) implements Op {
        public String name() { return "setresuid"; }
        public Side side() { return Side.CHILD; }
    }

    /** {@code PR_SET_KEEPCAPS}: keep the permitted capabilities across the next {@link SetUid}. */
    record KeepCapsAcrossSetuid() implements Op {
        public String name() { return "PR_SET_KEEPCAPS"; }
        public Side side() { return Side.CHILD; }
    }

    /**
     * Makes every permitted capability inheritable and ambient, so that the target keeps them
     * across exec (util-linux's {@code --keep-caps}).
     */
    record RaiseAmbientCaps() implements Op {
        public String name() { return "PR_CAP_AMBIENT_RAISE"; }
        public Side side() { return Side.CHILD; }
    }

    record NoNewPrivileges() implements Op {
        public String name() { return "PR_SET_NO_NEW_PRIVS"; }
        public Side side() { return Side.CHILD; }
    }

    /**
     * {@code PR_SET_PDEATHSIG}: the signal the target gets when the helper dies. Placed after
     * every credential change, which would clear it.
     */
    record ParentDeathSignal(int signal) implements Op {
        public String name() { return "PR_SET_PDEATHSIG"; }
        public Side side() { return Side.CHILD; }
    }

    /**
     * Closes every fd but 0, 1 and 2, then execs. A {@code program} without a slash is looked
     * up in {@code searchPath} in order, like {@code execvp}.
     */
    record Exec(String program, List<String> searchPath, List<String> argv, List<String> env) implements Op {
        public Exec {
            searchPath = List.copyOf(searchPath);
            argv = List.copyOf(argv);
            env = List.copyOf(env);
        }
        public String name() { return "execve"; }
        public Side side() { return Side.CHILD; }
    }

    // ---- joining existing namespaces, as util-linux nsenter does ----------------------------

    /**
     * Joins existing namespaces all at one point, as util-linux nsenter does. Every file is
     * opened first, so each path names what the caller sees; then two passes: the first joins
     * all but the user namespace and ignores failures, the second joins what is left, user
     * included, and fails at the first error. So a privileged caller enters the user
     * namespace last (dropping privilege) and an unprivileged one first (gaining the
     * privilege the others need).
     *
     * <p>The namespaces of process {@code pid} of the types in {@code pidTypes} are joined
     * through a pidfd, with one atomic {@code setns(pidfd, types)} per pass (Linux 5.8+);
     * the plan compiler turns them into {@code /proc/PID/ns} files on older kernels.
     *
     * @param pid        the process whose namespaces are joined through a pidfd; 0 for none
     * @param pidfdInode when not 0, the pidfd's inode must be this one (the process is the
     *                   one the caller saw, not a later one that reused its pid)
     * @param pidTypes   the {@code CLONE_NEW*} flags to join from {@code pid}
     * @param files      nsfs files joined one by one, in this order within each pass
     */
    record EnterNamespaces(int pid, long pidfdInode, int pidTypes, List<JoinNamespace> files) implements Op {
        public EnterNamespaces { files = List.copyOf(files); }
        public String name() { return "setns"; }
        public Side side() { return Side.HELPER; }
    }

    /**
     * One nsfs file that {@link EnterNamespaces} joins ({@code setns(fd, cloneFlag)}); the
     * kernel checks that the file is a namespace of that type.
     */
    record JoinNamespace(String nsFile, int cloneFlag) {}

    /**
     * Opens a root and a working directory (empty: none) before {@link EnterNamespaces}, so
     * that paths such as {@code /proc/PID/root} name what the caller sees; the child enters
     * them with {@link EnterPinnedDirectories}.
     */
    record PinDirectories(String root, String workDir) implements Op {
        public String name() { return "open"; }
        public Side side() { return Side.HELPER; }
    }

    /**
     * In the child: makes the pinned root its root ({@code fchdir}, {@code chroot(".")}) and
     * the pinned working directory its cwd. With a root but no pinned working directory,
     * {@code keepCwd} keeps the directory it was in (nsenter's {@code -r} alone); otherwise
     * the cwd is the new root.
     */
    record EnterPinnedDirectories(boolean keepCwd) implements Op {
        public String name() { return "chroot"; }
        public Side side() { return Side.CHILD; }
    }

    /**
     * Clears the supplementary groups before joining (where the caller may still have the
     * privilege to), remembering whether that worked; failure is not an error here.
     */
    record DropGroupsBeforeJoining() implements Op {
        public String name() { return "setgroups"; }
        public Side side() { return Side.HELPER; }
    }

    /**
     * Clears the supplementary groups inside a joined user namespace; fails only if
     * {@link DropGroupsBeforeJoining} failed too (a namespace whose setgroups is "deny"
     * refuses it), as util-linux nsenter does.
     */
    record DropGroupsAfterJoining() implements Op {
        public String name() { return "setgroups"; }
        public Side side() { return Side.CHILD; }
    }

    /**
     * Opens a pid namespace before {@link EnterNamespaces}, for {@link JoinPinnedPidNamespace}:
     * a program that must stay outside a joined pid namespace while its children enter it.
     */
    record PinPidNamespace(String nsFile) implements Op {
        public String name() { return "open"; }
        public Side side() { return Side.HELPER; }
    }

    /** In the child: {@code setns} into the pinned pid namespace, which only its children enter. */
    record JoinPinnedPidNamespace() implements Op {
        public String name() { return "setns"; }
        public Side side() { return Side.CHILD; }
    }

    /** The two id files of a user namespace. */
    enum IdKind { UID, GID }
}
