package dev.jns.ns;

import dev.jns.sys.LibC;

import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Runs Java code inside other namespaces of type net, uts, ipc, cgroup, mnt and pid.
 *
 * <p>Namespaces belong to OS threads, not to the JVM: {@code setns} moves only the thread
 * that calls it. So each call gets a <em>fresh platform thread</em>, which joins the
 * namespaces, runs the code, and ends. The caller, whether a platform or a virtual thread,
 * only waits for it; no thread that was moved ever runs anything else. (A pool that moves
 * threads back was measured slower than it saves; see {@code bench/README.md}.)
 *
 * <p>What each type means for the code:
 * <ul>
 *   <li><b>net, uts, ipc, cgroup</b>: sockets opened, the hostname seen, SysV IPC objects
 *       and {@code /proc/self/cgroup} are those of the target.</li>
 *   <li><b>mnt</b>: paths resolve in the target's mount table, from the target's root;
 *       the thread first leaves the JVM's shared filesystem context
 *       ({@code unshare(CLONE_FS)}), as the kernel requires. Relative paths resolve from
 *       that root, not from {@code user.dir}.</li>
 *   <li><b>pid</b>: applies to children only. The code itself stays in the JVM's pid
 *       namespace (its pid does not change), but processes it starts land in the target
 *       pid namespace. The kernel forbids a thread in that state to create threads, so the
 *       code cannot start threads (including a {@code ProcessBuilder} whose JDK reaper
 *       thread does not exist yet).</li>
 *   <li><b>user, time</b>: refused. The kernel lets only a single-threaded process join
 *       them, and a JVM never is one; start a process in them with the spawn API.</li>
 * </ul>
 *
 * <p>Threads the code starts inherit its namespaces and outlive the call: do not start
 * long-lived threads (pools, parallel streams, virtual threads, whose carriers may be
 * created right there) inside.
 */
public final class InNamespaces {
    /**
     * The order the thread joins them: util-linux nsenter's, with mnt last so that the
     * other joins are not affected by a changed root.
     */
    private static final List<NamespaceType> JOIN_ORDER = List.of(
            NamespaceType.CGROUP, NamespaceType.IPC, NamespaceType.UTS, NamespaceType.NET,
            NamespaceType.PID, NamespaceType.MNT);

    /** From {@code <linux/sched.h>}: the thread's own root, cwd and umask. */
    private static final int CLONE_FS = 0x00000200;

    private InNamespaces() {}

    /**
     * Runs {@code body} inside all of {@code namespaces} at once (at most one per type) and
     * returns its result. Whatever {@code body} throws is thrown here, the same object.
     * The handles stay owned by the caller and must stay open until this returns.
     *
     * @throws IllegalArgumentException for a user or time namespace, or two of one type
     * @throws dev.jns.sys.SyscallException if joining one fails; {@code body} did not run
     */
    public static <T, E extends Exception> T run(Collection<Namespace> namespaces, ThrowingCallable<T, E> body) throws E {
        List<Namespace> joins = joinOrder(namespaces);
        Outcome<T, E> outcome = new Outcome<>();
        Thread worker = Thread.ofPlatform()
                .name("jns-in-" + joins.stream().map(Namespace::toString).collect(Collectors.joining(",")))
                .daemon(true)
                .unstarted(() -> outcome.runIn(joins, body));
        worker.start();
        awaitEnd(worker);
        return outcome.result();
    }

    /** Checks the set and puts it in join order. */
    static List<Namespace> joinOrder(Collection<Namespace> namespaces) {
        Map<NamespaceType, Namespace> byType = new EnumMap<>(NamespaceType.class);
        for (Namespace ns : namespaces) {
            refuseProcessWide(ns.type());
            Namespace earlier = byType.putIfAbsent(ns.type(), ns);
            if (earlier != null) {
                throw new IllegalArgumentException("two " + ns.type().procName() + " namespaces given: "
                        + earlier + " and " + ns + "; a thread can be in only one of each type");
            }
        }
        List<Namespace> ordered = new ArrayList<>();
        for (NamespaceType t : JOIN_ORDER) {
            Namespace ns = byType.get(t);
            if (ns != null) ordered.add(ns);
        }
        return ordered;
    }

    private static void refuseProcessWide(NamespaceType type) {
        switch (type) {
            case USER -> throw new IllegalArgumentException("cannot run Java code in a user namespace:"
                    + " the kernel lets only a single-threaded process join one (setns fails with EINVAL"
                    + " in a JVM); start a process in it with the spawn API (dev.jns.spawn) instead");
            case TIME -> throw new IllegalArgumentException("cannot run Java code in a time namespace:"
                    + " the kernel lets only a single-threaded process join one (setns fails with EUSERS"
                    + " in a JVM); start a process in it with the spawn API (dev.jns.spawn) instead");
            default -> { }
        }
    }

    /**
     * Waits for the worker to end, even if interrupted: the interrupt is passed on to the
     * code and set again on the caller afterwards. Waiting for the thread's end, rather
     * than for a signal from it, means a thread in foreign namespaces never wakes a virtual
     * thread itself (which could make it create a carrier thread in those namespaces).
     */
    private static void awaitEnd(Thread worker) {
        boolean interrupted = false;
        while (true) {
            try {
                worker.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
                worker.interrupt();
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
    }

    /** What the worker produced; written by the worker, read after it ended. */
    private static final class Outcome<T, E extends Exception> {
        private T value;
        private Throwable failure;

        void runIn(List<Namespace> joins, ThrowingCallable<T, E> body) {
            try {
                join(joins);
                value = body.call();
            } catch (Throwable t) {
                failure = t;
            }
        }

        private static void join(List<Namespace> joins) {
            for (Namespace ns : joins) {
                // Threads of a process share one filesystem context (root, cwd) until one
                // leaves it, and setns into a mount namespace refuses a shared one.
                if (ns.type() == NamespaceType.MNT) LibC.unshare(CLONE_FS, "CLONE_FS");
                LibC.setns(ns.fd(), ns.type().cloneFlag(), ns.toString());
            }
        }

        @SuppressWarnings("unchecked")
        T result() throws E {
            if (failure == null) return value;
            if (failure instanceof RuntimeException r) throw r;
            if (failure instanceof Error e) throw e;
            // Only body.call() can throw a checked exception here, and its type is E.
            throw (E) failure;
        }
    }
}
