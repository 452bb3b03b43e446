package dev.jns.plan;

import dev.jns.ns.NamespaceType;
import dev.jns.spec.LaunchSpec;
import dev.jns.spec.NewNamespaces;
import dev.jns.spec.PidNamespaceEntry;
import dev.jns.spec.Program;
import dev.jns.spec.Supervision;

import java.util.ArrayList;
import java.util.List;

import static dev.jns.mount.MountFlags.MS_BIND;
import static dev.jns.ns.NamespaceType.PID;
import static dev.jns.ns.NamespaceType.TIME;

/**
 * The end of the plan: what the parent does from outside once the child is set up (persisting
 * namespaces, letting the caller act), how the program is tied to its caller, its
 * descriptors, its seccomp filters, and the exec.
 */
final class HandoverStage {
    /** glibc's execvp default (_PATH_DEFPATH) when the environment has no PATH. */
    private static final List<String> DEFAULT_PATH = List.of("/bin", "/usr/bin");

    private HandoverStage() {}

    static void append(PlanDraft d, BeforeClone.Pins pins) {
        LaunchSpec s = d.spec;
        for (NewNamespaces.Persistence p : s.create().persist().values()) {
            String file = p.file().toString();
            if (p.createMissing()) d.add(Side.PARENT, new Op.CreateFile(file, 0444), p);
            d.add(Side.PARENT, new Op.Mount(Op.CHILD_PROC + "ns/" + nsFileName(p.type(), s.create().pidForChildren()), file,
                    null, MS_BIND, null), p);
        }
        if (s.waitForCaller()) d.add(Side.PARENT, new Op.AwaitCaller(), s.supervision());
        // Set up, with its privileges gone, and reported to the caller (the wait above): only then
        // does the program wait to be let go, so a caller may read the report before it lets it go.
        if (s.program().blockFd().isPresent()) d.add(Side.CHILD, new Op.ReadByte(d.received.get(s.program())), s.program());

        if (s.supervision() instanceof Supervision.Leashed l) {
            // Last among the child's settings: a credential change clears it.
            d.add(Side.CHILD, new Op.DeathSignal(l.deathSignal()), l);
            // The program under a reaper: when PID 1 ends, the kernel kills the rest of the namespace.
            // Lock files need one too, pid namespace or not, as in bubblewrap: a process that holds them.
            boolean reaper = s.create().contains(PID) && s.create().pidEntry() == PidNamespaceEntry.REAPER_IS_PID_1;
            if (reaper || !l.locks().isEmpty()) {
                List<Integer> lockSlots = new ArrayList<>();
                for (dev.jns.spec.LockFile lock : l.locks()) {
                    int slot = d.slot();
                    d.add(Side.CHILD, Op.Open.path(slot, lock.file().toString(), Op.Open.O_RDONLY), lock);
                    d.add(Side.CHILD, new Op.LockFile(slot), lock);
                    lockSlots.add(slot);
                }
                List<Integer> forwarded = new ArrayList<>();
                for (int sig : l.forwarded()) if (!l.ignored().contains(sig)) forwarded.add(sig);
                d.add(Side.CHILD, new Op.ForkReaper(forwarded, lockSlots), l.locks().isEmpty() ? s.create() : l);
            }
        } else if (s.supervision() instanceof Supervision.Detached det) {
            // A listener must reach the caller through the parent, which leaves at Detach: the
            // filter goes in before (the program then waits at its start fifo under it, as under runc).
            if (notifiesLast(s)) InsideStage.appendSeccomp(d, pins);
            d.add(Side.CHILD, new Op.DeathSignal(0), det);
            d.add(Side.PARENT, new Op.Detach(), det);
            if (det.startFifo().isPresent()) {
                int fifo = d.slot();
                d.add(Side.CHILD, new Op.Open(fifo, pins.startFifoDirectory(), det.startFifo().get().getFileName().toString(),
                        Op.Open.O_WRONLY, 0, 0), det);
                d.add(Side.CHILD, new Op.Write(fifo, "0"), det);
            }
        }
        for (int[] slotAndFd : pins.descriptorSlots()) {
            d.add(Side.CHILD, new Op.Dup(slotAndFd[0], slotAndFd[1]), descriptorAt(s, slotAndFd[1]));
        }
        if (!InsideStage.seccompBeforeCredentials(s) && !notifiesLast(s)) InsideStage.appendSeccomp(d, pins);
        d.add(Side.CHILD, exec(s.program()), s.program());
    }

    /** A detached program's filters that would go in last, one of them with a listener. */
    private static boolean notifiesLast(LaunchSpec s) {
        if (!(s.supervision() instanceof Supervision.Detached) || InsideStage.seccompBeforeCredentials(s)) return false;
        for (dev.jns.spec.SeccompProgram p : s.seccomp()) if (p.notifies()) return true;
        return false;
    }

    /**
     * The file under {@code /proc/CHILD/ns} that holds a new namespace of this type while the
     * child waits to exec: the child unshared time (and, if asked, pid) itself, so those sit
     * in its {@code *_for_children} files.
     */
    static String nsFileName(NamespaceType type, boolean pidForChildren) {
        return type == TIME || (type == PID && pidForChildren) ? type.forChildrenProcName() : type.procName();
    }

    private static dev.jns.spec.Descriptor descriptorAt(LaunchSpec s, int fd) {
        for (dev.jns.spec.Descriptor d : s.descriptors()) if (d.fd() == fd) return d;
        throw new IllegalStateException("no descriptor for fd " + fd);
    }

    private static Op.Exec exec(Program p) {
        String path = null;
        for (String e : p.environment()) if (e.startsWith("PATH=")) path = e.substring(5);
        List<String> search = new ArrayList<>();
        if (path == null) search.addAll(DEFAULT_PATH);
        else for (String dir : path.split(":", -1)) search.add(dir.isEmpty() ? "." : dir);
        String program = p.command().getFirst();
        List<String> argv = new ArrayList<>(p.command());
        if (p.argv0().isPresent()) argv.set(0, p.argv0().get());
        return new Op.Exec(program, program.contains("/") ? List.of() : search, argv);
    }
}
