package dev.jns.spawn;

import dev.jns.ids.IdMap;
import dev.jns.ns.NamespaceType;
import dev.jns.plan.LaunchPlan;
import dev.jns.plan.Op;
import dev.jns.spawn.NamespacedProcessBuilder.Clock;
import dev.jns.spawn.NamespacedProcessBuilder.IdMapWriter;
import dev.jns.spawn.NamespacedProcessBuilder.MountStep;
import dev.jns.spawn.NamespacedProcessBuilder.PidNamespaceEntry;
import dev.jns.spawn.NamespacedProcessBuilder.Propagation;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.jns.ns.NamespaceType.MNT;
import static dev.jns.ns.NamespaceType.PID;
import static dev.jns.ns.NamespaceType.TIME;
import static dev.jns.ns.NamespaceType.USER;
import static dev.jns.ns.NamespaceType.UTS;

/**
 * Turns a builder's settings into a {@link LaunchPlan}. All ordering rules live here:
 * maps before anything that needs privilege inside, setgroups before the gid map,
 * propagation before mounts, mounts before the root change, {@code /proc} inside the new
 * root, credentials last, the death signal after every credential change (which clears it).
 */
final class PlanCompiler {
    static final int MNT_DETACH = 0x2;
    static final long MS_NOSUID = 0x2, MS_NODEV = 0x4, MS_NOEXEC = 0x8, MS_REC = 0x4000,
            MS_PRIVATE = 1 << 18, MS_SLAVE = 1 << 19, MS_SHARED = 1 << 20;
    static final String NEWUIDMAP = "/usr/bin/newuidmap", NEWGIDMAP = "/usr/bin/newgidmap";
    static final String PROC_BINFMT_MISC = "/proc/sys/fs/binfmt_misc";
    /** glibc's execvp default (_PATH_DEFPATH) when the environment has no PATH. */
    private static final List<String> DEFAULT_PATH = List.of("/bin", "/usr/bin");

    private PlanCompiler() {}

    static LaunchPlan compile(NamespacedProcessBuilder b) {
        return compile(b, CallerIds.current());
    }

    static LaunchPlan compile(NamespacedProcessBuilder b, CallerIds caller) {
        check(b);
        List<Op> ops = new ArrayList<>();
        boolean pidForChildren = b.newTypes.contains(PID) && b.pidEntry == PidNamespaceEntry.CHILDREN_ENTER;

        // The helper, alone.
        List<Integer> forwarded = b.forwardedSignals.stream().filter(s -> !b.ignoredSignals.contains(s)).toList();
        if (!forwarded.isEmpty()) ops.add(new Op.ForwardSignals(forwarded));
        if (!b.ignoredSignals.isEmpty()) ops.add(new Op.IgnoreSignals(b.ignoredSignals));
        if (b.rootFromOutside != null || b.directoryFromOutside != null) {
            ops.add(new Op.PinDirectories(pathOrEmpty(b.rootFromOutside), pathOrEmpty(b.directoryFromOutside)));
        }
        // In a joined user namespace the program is root with no groups, unless told otherwise.
        boolean becomeRoot = JoinCompiler.joinsUser(b.joins, b.joinProcess) && !b.preserveCredentials;
        boolean dropGroups = becomeRoot && b.groups == null;
        if (dropGroups) ops.add(new Op.DropGroupsBeforeJoining());
        // A joined pid namespace the program must stay outside of is joined by the child, for its children.
        boolean joinedPidForChildren = JoinCompiler.joins(PID, b.joins, b.joinProcess) && !b.newTypes.contains(PID)
                && b.pidEntry == PidNamespaceEntry.CHILDREN_ENTER;
        if (joinedPidForChildren) ops.add(new Op.PinPidNamespace(JoinCompiler.pidNamespaceFile(b.joins, b.joinProcess)));
        Op.EnterNamespaces enter = JoinCompiler.enter(b.joins, b.joinProcess, JoinCompiler.kernelSetnsTakesPidfd(),
                joinedPidForChildren);
        if (enter != null) ops.add(enter);
        if (b.ownerUid != null) ops.add(new Op.BecomeOwner(b.ownerUid, b.ownerGid));
        int cloneFlags = 0;
        for (NamespaceType t : b.newTypes) {
            // A time namespace's offsets can only be written before a process is in it, so the
            // child unshares it and the program enters it at exec; a pid namespace the program
            // must stay outside of is likewise unshared by the child.
            if (t == TIME || (t == PID && pidForChildren)) continue;
            cloneFlags |= t.cloneFlag();
        }
        ops.add(new Op.Clone(cloneFlags));

        // The new user namespace's maps. Mapping just the ids that create it, the child can do
        // alone (as util-linux's -r does); anything else the parent writes from outside.
        boolean mapsItself = b.newTypes.contains(USER) && mapsOnlyItself(b, caller, enter != null);
        if (mapsItself) {
            if (b.setgroups != null) ops.add(new Op.WriteOwnSetgroups(b.setgroups == NamespacedProcessBuilder.Setgroups.ALLOW));
            if (!b.uidMap.isEmpty()) ops.add(new Op.WriteOwnIdMap(Op.IdKind.UID, b.uidMap.getFirst()));
            if (!b.gidMap.isEmpty()) ops.add(new Op.WriteOwnIdMap(Op.IdKind.GID, b.gidMap.getFirst()));
        } else if (b.newTypes.contains(USER)) {
            if (b.setgroups != null) ops.add(new Op.WriteSetgroups(b.setgroups == NamespacedProcessBuilder.Setgroups.ALLOW));
            if (!b.uidMap.isEmpty()) {
                ops.add(b.uidMapWriter == IdMapWriter.PROC_FILES ? new Op.WriteIdMap(Op.IdKind.UID, b.uidMap)
                        : new Op.RunIdMapProgram(NEWUIDMAP, b.uidMap));
            }
            if (!b.gidMap.isEmpty()) {
                ops.add(b.gidMapWriter == IdMapWriter.PROC_FILES ? new Op.WriteIdMap(Op.IdKind.GID, b.gidMap)
                        : new Op.RunIdMapProgram(NEWGIDMAP, b.gidMap));
            }
        }

        // The child, inside.
        if (joinedPidForChildren) ops.add(new Op.JoinPinnedPidNamespace());
        if (pidForChildren) ops.add(new Op.Unshare(PID.cloneFlag()));
        if (b.newTypes.contains(TIME)) {
            ops.add(new Op.Unshare(TIME.cloneFlag()));
            if (!b.timeOffsets.isEmpty()) {
                ops.add(new Op.SetTimeOffsets(b.timeOffsets.getOrDefault(Clock.MONOTONIC, Duration.ZERO),
                        b.timeOffsets.getOrDefault(Clock.BOOTTIME, Duration.ZERO)));
            }
        }
        if (b.newTypes.contains(MNT) && b.propagation != Propagation.UNCHANGED) {
            long kind = switch (b.propagation) {
                case PRIVATE -> MS_PRIVATE;
                case SLAVE -> MS_SLAVE;
                case SHARED -> MS_SHARED;
                case UNCHANGED -> throw new AssertionError();
            };
            ops.add(new Op.SetPropagation("/", MS_REC | kind));
        }
        for (MountStep m : b.mounts) {
            if (m instanceof MountStep.Bind bind) {
                ops.add(new Op.BindMount(bind.source().toString(), bind.target().toString(), bind.readOnly()));
            } else if (m instanceof MountStep.Fs fs) {
                ops.add(new Op.Mount(fs.source(), fs.target().toString(), fs.fstype(), fs.flags(), fs.data()));
            } else if (m instanceof MountStep.Unmount u) {
                ops.add(new Op.Unmount(u.target().toString(), u.detach() ? MNT_DETACH : 0));
            }
        }
        // A fixed-interpreter format (flag F) opens its interpreter when registered: before a
        // root change, in the caller's /proc binfmt_misc directory, as util-linux does.
        boolean rootChange = b.chroot != null || b.pivotRoot != null;
        List<String> registeredEarly = rootChange ? b.binaryFormats.stream().filter(PlanCompiler::fixesInterpreter).toList()
                : List.of();
        if (!registeredEarly.isEmpty()) {
            ops.add(binfmtMount(PROC_BINFMT_MISC));
            for (String d : registeredEarly) ops.add(new Op.RegisterBinaryFormat(PROC_BINFMT_MISC, d));
        }
        if (b.pivotRoot != null) ops.add(new Op.PivotRoot(b.pivotRoot.toString()));
        if (b.chroot != null) ops.add(new Op.ChangeRoot(b.chroot.toString()));
        if (b.procMount != null) {
            // Where / is not private and stays the root, a mount on the directory could
            // propagate back into the caller's namespace and cover its /proc.
            if (b.chroot == null && b.pivotRoot == null && b.propagation != Propagation.PRIVATE) {
                ops.add(new Op.PrivatizeMountPoint(b.procMount.toString()));
            }
            ops.add(new Op.Mount("proc", b.procMount.toString(), "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, ""));
        }
        if (b.binfmtMount != null) {
            ops.add(binfmtMount(b.binfmtMount.toString()));
            for (String d : b.binaryFormats) {
                if (!registeredEarly.contains(d)) ops.add(new Op.RegisterBinaryFormat(b.binfmtMount.toString(), d));
            }
        }
        if (b.rootFromOutside != null || b.directoryFromOutside != null) {
            ops.add(new Op.EnterPinnedDirectories(b.directoryIfSet().isEmpty()));
        }
        b.directoryIfSet().ifPresent(d -> ops.add(new Op.ChangeDirectory(d.toString())));
        if (b.hostname != null) ops.add(new Op.SetHostname(b.hostname));
        if (b.domainname != null) ops.add(new Op.SetDomainname(b.domainname));
        if (b.loopbackUp && b.newTypes.contains(NamespaceType.NET)) ops.add(new Op.LoopbackUp());
        if (dropGroups) ops.add(new Op.DropGroupsAfterJoining());
        if (b.groups != null) ops.add(new Op.SetGroups(b.groups));
        Long gid = b.gid != null ? b.gid : becomeRoot ? Long.valueOf(0) : null;
        Long uid = b.uid != null ? b.uid : becomeRoot ? Long.valueOf(0) : null;
        if (gid != null) ops.add(new Op.SetGid(gid));
        if (b.keepCapabilities && uid != null) ops.add(new Op.KeepCapsAcrossSetuid());
        if (uid != null) ops.add(new Op.SetUid(uid));
        if (b.keepCapabilities) ops.add(new Op.RaiseAmbientCaps());
        if (b.noNewPrivileges) ops.add(new Op.NoNewPrivileges());

        // The parent again: everything that needs the finished namespaces from outside.
        for (Map.Entry<NamespaceType, NamespacedProcessBuilder.Persist> e : b.persist.entrySet()) {
            ops.add(new Op.PersistNamespace(nsFileName(e.getKey(), pidForChildren), e.getValue().file().toString(),
                    e.getValue().createMissing()));
        }
        if (b.openNamespaceHandles || !b.beforeExec.isEmpty()) ops.add(new Op.AwaitCaller());

        // The child, last: nothing may change its credentials after the death signal is set.
        ops.add(new Op.ParentDeathSignal(b.parentDeathSignal));
        ops.add(exec(b));
        return new LaunchPlan(ops);
    }

    /**
     * Whether each map is one id, the creator's own, written as a file: the case the kernel
     * lets a process handle inside its new user namespace. A gid map also needs setgroups
     * denied. After a join the caller's ids mean something else, so not then.
     */
    private static boolean mapsOnlyItself(NamespacedProcessBuilder b, CallerIds caller, boolean joins) {
        if (joins) return false;
        long uid = b.ownerUid != null ? b.ownerUid : caller.euid();
        long gid = b.ownerGid != null ? b.ownerGid : caller.egid();
        boolean uidOk = b.uidMap.isEmpty() || (b.uidMapWriter == IdMapWriter.PROC_FILES && ownIdOnly(b.uidMap, uid));
        boolean gidOk = b.gidMap.isEmpty() || (b.gidMapWriter == IdMapWriter.PROC_FILES && ownIdOnly(b.gidMap, gid)
                && b.setgroups == NamespacedProcessBuilder.Setgroups.DENY);
        return uidOk && gidOk;
    }

    private static boolean ownIdOnly(List<IdMap> maps, long id) {
        return maps.size() == 1 && maps.getFirst().count() == 1 && maps.getFirst().outside() == id;
    }

    /**
     * The file under {@code /proc/CHILD/ns} that holds a new namespace of this type while the
     * child waits to exec: the child unshared time (and, if asked, pid) itself, so those sit
     * in its {@code *_for_children} files.
     */
    static String nsFileName(NamespaceType type, boolean pidForChildren) {
        return type == TIME || (type == PID && pidForChildren) ? type.forChildrenProcName() : type.procName();
    }

    /** The flags are the definition's last field (after its last colon). */
    private static boolean fixesInterpreter(String definition) {
        return definition.substring(definition.lastIndexOf(':') + 1).contains("F");
    }

    private static Op.Mount binfmtMount(String dir) {
        return new Op.Mount("binfmt_misc", dir, "binfmt_misc", MS_NOSUID | MS_NODEV | MS_NOEXEC, null);
    }

    private static String pathOrEmpty(Path p) {
        return p == null ? "" : p.toString();
    }

    private static Op.Exec exec(NamespacedProcessBuilder b) {
        Map<String, String> env = b.environmentOrNull() != null ? b.environmentOrNull() : System.getenv();
        List<String> envLines = env.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).sorted().toList();
        String path = env.get("PATH");
        List<String> search = path == null ? DEFAULT_PATH
                : List.of(path.split(":", -1)).stream().map(d -> d.isEmpty() ? "." : d).toList();
        String program = b.command().getFirst();
        List<String> argv = new ArrayList<>(b.command());
        if (b.argv0 != null) argv.set(0, b.argv0);
        return new Op.Exec(program, program.contains("/") ? List.of() : search, argv, envLines);
    }

    private static void check(NamespacedProcessBuilder b) {
        if (b.command() == null || b.command().isEmpty()) throw new IllegalStateException("no command to run");
        boolean mntNs = b.newTypes.contains(MNT) || JoinCompiler.joins(MNT, b.joins, b.joinProcess);
        if (!mntNs && (!b.mounts.isEmpty() || b.procMount != null || b.pivotRoot != null)) {
            throw new IllegalStateException("mounts, mountProc and pivotRoot need a new or joined mount namespace;"
                    + " without one they would change the caller's");
        }
        boolean utsNs = b.newTypes.contains(UTS) || JoinCompiler.joins(UTS, b.joins, b.joinProcess);
        if (!utsNs && (b.hostname != null || b.domainname != null)) {
            throw new IllegalStateException("hostname and domainname need a new or joined UTS namespace;"
                    + " without one they would change the caller's");
        }
        if (!b.timeOffsets.isEmpty() && !b.newTypes.contains(TIME)) {
            throw new IllegalStateException("time offsets need a new time namespace");
        }
        if ((!b.uidMap.isEmpty() || !b.gidMap.isEmpty() || b.setgroups != null) && !b.newTypes.contains(USER)) {
            throw new IllegalStateException("uid/gid maps and setgroups need a new user namespace");
        }
        for (NamespaceType t : b.persist.keySet()) {
            if (!b.newTypes.contains(t)) throw new IllegalStateException("cannot persist " + t.procName()
                    + ": it is not a new namespace");
        }
        if (b.chroot != null && b.pivotRoot != null) throw new IllegalStateException("root and pivotRoot exclude each other");
        if (b.binfmtMount != null && !(b.newTypes.contains(USER) && b.newTypes.contains(MNT))) {
            throw new IllegalStateException("mountBinfmtMisc needs a new user namespace (binfmt_misc is per user"
                    + " namespace) and a new mount namespace");
        }
        if (!b.binaryFormats.isEmpty() && b.binfmtMount == null) {
            throw new IllegalStateException("registerBinaryFormat needs mountBinfmtMisc: the formats go into that instance");
        }
    }
}
