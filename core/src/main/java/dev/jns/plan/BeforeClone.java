package dev.jns.plan;

import dev.jns.ids.IdMap;
import dev.jns.ns.NamespaceType;
import dev.jns.os.Errno;
import dev.jns.spec.Descriptor;
import dev.jns.spec.Joins;
import dev.jns.spec.LaunchSpec;
import dev.jns.spec.PidNamespaceEntry;
import dev.jns.spec.SeccompProgram;
import dev.jns.spec.Step;
import dev.jns.spec.Supervision;

import java.nio.file.Path;
import dev.jns.spec.FsStep;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.jns.ns.NamespaceType.PID;
import static dev.jns.ns.NamespaceType.TIME;

/**
 * The helper alone, before the clone: its signal handling, the descriptors it opens while
 * paths still name what the caller sees, the joins (nsenter's way), the owner, and the clone.
 */
final class BeforeClone {
    /** What later stages need of this one: the slots it filled and the ops they depend on. */
    record Pins(int root, int workDir, int cgroupProcs, int pidNamespace, int groupsDropped, List<int[]> descriptorSlots,
                List<Integer> seccompSlots, int startFifoDirectory) {}

    private BeforeClone() {}

    static Pins append(PlanDraft d, Kernel kernel) {
        LaunchSpec s = d.spec;
        if (s.supervision() instanceof Supervision.Leashed l) {
            d.add(Side.HELPER, new Op.BecomeSubreaper(), l);
            List<Integer> forwarded = new ArrayList<>();
            for (int sig : l.forwarded()) if (!l.ignored().contains(sig)) forwarded.add(sig);
            if (!forwarded.isEmpty()) d.add(Side.HELPER, new Op.ForwardSignals(forwarded), l);
            if (!l.ignored().isEmpty()) d.add(Side.HELPER, new Op.BlockSignals(l.ignored()), l);
        }

        // The caller's descriptors arrive in one message, in consecutive slots; files are opened one by one.
        List<int[]> descriptors = new ArrayList<>();
        List<Integer> inherited = new ArrayList<>();
        int firstInherited = -1;
        for (Descriptor f : s.descriptors()) {
            if (f instanceof Descriptor.Inherited i) {
                int slot = d.slot();
                if (firstInherited < 0) firstInherited = slot;
                inherited.add(i.callerFd());
                descriptors.add(new int[] {slot, f.fd()});
            }
        }
        if (!inherited.isEmpty()) d.add(Side.HELPER, new Op.ReceiveFds(firstInherited, inherited), s.descriptors().getFirst());
        receiveNamespaceDescriptors(d);
        for (Descriptor f : s.descriptors()) {
            if (f instanceof Descriptor.OpenFile o) {
                int slot = d.slot();
                d.add(Side.HELPER, Op.Open.path(slot, o.source().toString(), o.flags()), f);
                descriptors.add(new int[] {slot, f.fd()});
            }
        }
        List<Integer> seccomp = new ArrayList<>();
        for (SeccompProgram p : s.seccomp()) {
            int slot = d.slot();
            d.add(Side.HELPER, new Op.Receive(slot, p.bpf()), p);
            seccomp.add(slot);
        }

        // The start fifo is opened last before exec, after any root change: its directory is
        // pinned now, while the path names what the caller sees.
        int startFifoDirectory = -1;
        if (s.supervision() instanceof Supervision.Detached det && det.startFifo().isPresent()) {
            startFifoDirectory = d.slot();
            d.add(Side.HELPER, Op.Open.path(startFifoDirectory, parentOf(det.startFifo().get()),
                    Op.Open.O_PATH | Op.Open.O_DIRECTORY), det);
        }

        // Files' contents for the filesystem: received now, used once the root is being built.
        for (FsStep step : s.filesystem().steps()) {
            ByteBuffer data = step instanceof FsStep.File f ? f.data() : step instanceof FsStep.BindData b ? b.data() : null;
            if (data == null) continue;
            int slot = d.slot();
            d.add(Side.HELPER, new Op.Receive(slot, data), step);
            d.received.put(step, slot);
        }

        // Id-mapped trees: copied and mapped now, while the helper is privileged over the
        // filesystems and paths name the caller's tree; each attached by the child in its place.
        // Trees with the same maps share one user namespace (each costs a fork and a reap).
        List<PlannedOp> closes = new ArrayList<>();
        Map<String, Integer> userNamespaces = new LinkedHashMap<>();
        for (FsStep step : s.filesystem().steps()) {
            if (!(step instanceof FsStep.Bind b) || b.idMapping().isEmpty()) continue;
            FsStep.IdMapping m = b.idMapping().get();
            String uids = procLines(m.uids()), gids = procLines(m.gids());
            Integer userns = userNamespaces.get(uids + "/" + gids);
            if (userns == null) {
                userns = d.slot();
                d.add(Side.HELPER, new Op.UserNamespaceWithMaps(userns, uids, gids), step);
                userNamespaces.put(uids + "/" + gids, userns);
            }
            int slot = d.slot();
            int at = d.add(new PlannedOp(Side.HELPER, new Op.IdmapTree(slot, b.source().toAbsolutePath().toString(),
                    m.recursive(), b.attributes(), userns), step, b.optional() ? Errno.ENOENT : 0, null));
            d.received.put(step, slot);
            d.idmappedAt.put(step, at);
            // an optional bind's source may be missing: then there is no tree to close either
            closes.add(new PlannedOp(Side.PARENT, new Op.Close(slot), step, 0, b.optional() ? new PlannedOp.Condition(at, true) : null));
        }
        // the trees hold their user namespaces now: neither child nor program needs the descriptors
        for (int userns : userNamespaces.values()) d.add(Side.HELPER, new Op.Close(userns), s.filesystem());

        // /proc as the caller sees it, for the nested user namespace made after the root change
        if (s.user().nested() == dev.jns.spec.UserNamespace.Nested.DISABLED) {
            int proc = d.slot();
            d.add(Side.HELPER, Op.Open.path(proc, "/proc", Op.Open.O_PATH | Op.Open.O_DIRECTORY), s.user());
            d.received.put(s.user(), proc);
        }

        Joins j = s.join();
        int root = j.root().isPresent() ? d.slot() : -1, workDir = j.directory().isPresent() ? d.slot() : -1;
        if (root >= 0) {
            d.add(Side.HELPER, Op.Open.path(root, j.root().get().toString(), Op.Open.O_RDONLY | Op.Open.O_DIRECTORY),
                    new Joins.PinnedRoot(j.root().get()));
        }
        if (workDir >= 0) {
            d.add(Side.HELPER, Op.Open.path(workDir, j.directory().get().toString(), Op.Open.O_RDONLY | Op.Open.O_DIRECTORY),
                    new Joins.PinnedWorkingDirectory(j.directory()));
        }
        int cgroupProcs = -1;
        if (j.cgroup().isPresent()) {
            cgroupProcs = d.slot();
            d.add(Side.HELPER, Op.Open.path(cgroupProcs, j.cgroup().get().procsFile().toString(),
                    Op.Open.O_WRONLY | Op.Open.O_APPEND), j.cgroup().get());
        }
        // In a joined user namespace the program is root with no groups, unless told otherwise:
        // the groups go now, while the caller may still have the privilege, and again inside.
        int groupsDropped = -1;
        if (becomesRootInJoinedUserNs(s) && s.credentials().groups().isEmpty()) {
            groupsDropped = d.add(new PlannedOp(Side.HELPER, new Op.SetGroups(List.of()), s.credentials(),
                    PlannedOp.ANY_ERROR, null));
        }
        // A joined pid namespace the program stays outside of is entered by the child, for its children.
        int pidNamespace = -1;
        boolean pidForChildren = joinedPidForChildren(s);
        if (pidForChildren) {
            pidNamespace = d.slot();
            d.add(Side.HELPER, Op.Open.path(pidNamespace, pidNamespaceFile(j), Op.Open.O_RDONLY), j.process().isPresent()
                    ? j.process().get() : firstJoinedFile(j, PID));
        }
        JoinPasses.append(d, j, kernel.setnsTakesPidfd(), pidForChildren);

        if (s.user().owner().isPresent()) {
            d.add(Side.HELPER, new Op.BecomeOwner(s.user().owner().get().uid(), s.user().owner().get().gid()), s.user());
        }
        int cloneFlags = 0;
        for (NamespaceType t : s.create().types()) {
            // A time namespace's offsets can only be written before a process is in it, so the
            // child unshares it and the program enters it at exec; a pid namespace the program
            // stays outside of is likewise unshared by the child, and so is one nested in a
            // joined pid namespace (the kernel refuses a new one until the joiner has forked).
            if (t == TIME || (t == PID && (s.create().pidForChildren() || pidNestedInJoined(s)))) continue;
            cloneFlags |= t.cloneFlag();
        }
        d.add(Side.HELPER, new Op.Clone(cloneFlags), s.create());
        // The parent's copy of a tree would keep its mount busy (umount: EBUSY) while the helper supervises.
        closes.forEach(d::add);
        return new Pins(root, workDir, cgroupProcs, pidNamespace, groupsDropped, descriptors, seccomp, startFifoDirectory);
    }

    /**
     * The caller's descriptors on namespaces (to join before the clone, or to switch to after
     * setup), the one the program waits on and the one the new user namespace waits on, received
     * in one message into consecutive slots, each slot noted by its step.
     */
    private static void receiveNamespaceDescriptors(PlanDraft d) {
        List<Step> steps = new ArrayList<>(d.spec.join().descriptors());
        d.spec.join().userAfterSetup().ifPresent(steps::add);
        if (d.spec.program().blockFd().isPresent()) steps.add(d.spec.program());
        if (d.spec.user().mapsByCaller().isPresent()) steps.add(d.spec.user());
        if (steps.isEmpty()) return;
        List<Integer> fds = new ArrayList<>();
        int first = -1;
        for (Step step : steps) {
            int slot = d.slot();
            if (first < 0) first = slot;
            d.received.put(step, slot);
            fds.add(switch (step) {
                case Joins.JoinedDescriptor j -> j.callerFd();
                case Joins.UserAfterSetup u -> u.callerFd();
                case dev.jns.spec.UserNamespace u -> u.mapsByCaller().getAsInt();
                default -> d.spec.program().blockFd().getAsInt();
            });
        }
        d.add(Side.HELPER, new Op.ReceiveFds(first, fds), steps.getFirst());
    }

    /**
     * Whether the program gets a new pid namespace inside a joined one: the helper joins it and
     * the child makes the new one, then forks into it (bubblewrap's {@code --pidns} with
     * {@code --unshare-pid}).
     */
    static boolean pidNestedInJoined(LaunchSpec s) {
        return s.create().contains(PID) && !s.create().pidForChildren() && s.join().joins(PID);
    }

    /** A map as {@code /proc/PID/uid_map} takes it: one "inside outside count" line each. */
    static String procLines(List<IdMap> map) {
        StringBuilder b = new StringBuilder();
        for (IdMap line : map) b.append(line.toProcLine()).append('\n');
        return b.toString();
    }

    private static String parentOf(Path file) {
        Path parent = file.toAbsolutePath().getParent();
        return parent == null ? "/" : parent.toString();
    }

    static boolean becomesRootInJoinedUserNs(LaunchSpec s) {
        return s.join().joins(NamespaceType.USER) && !s.join().preserveCredentials();
    }

    private static boolean joinedPidForChildren(LaunchSpec s) {
        return s.join().joins(PID) && !s.create().contains(PID) && s.create().pidEntry() == PidNamespaceEntry.CHILDREN_ENTER;
    }

    /** The joined pid namespace's file: a joined file, else the process's. */
    private static String pidNamespaceFile(Joins j) {
        Joins.JoinedFile f = firstJoinedFile(j, PID);
        return f != null ? f.file().toString() : Path.of("/proc", Integer.toString(j.process().orElseThrow().pid()), "ns", "pid").toString();
    }

    private static Joins.JoinedFile firstJoinedFile(Joins j, NamespaceType type) {
        for (Joins.JoinedFile f : j.files()) if (f.type() == type) return f;
        return null;
    }
}
