package dev.jns.ns;

import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Runs Java code inside other namespaces of type net, uts, ipc, cgroup, mnt and pid.
 *
 * <p>Namespaces belong to OS threads, not to the JVM: {@code setns} moves only the thread
 * that calls it. So the code runs on a pooled platform thread of jns's own, which joins
 * the namespaces, runs it, moves back into the JVM's namespaces and checks every
 * {@code /proc/thread-self/ns} link (and its root and cwd) before it may serve again; a
 * thread that cannot prove it is back ends instead. The caller, platform or virtual
 * thread, only waits. For the types not given, the code runs in the JVM's own namespaces
 * (those of its main thread), also when {@code run} is called from inside another
 * {@code run}. Measured against a fresh thread per call, the pool is several times faster
 * (see {@code bench/jmh/.../NamespaceRunBenchmark}).
 *
 * <p>The code runs on another thread: the caller's thread-locals are not there, and
 * thread-locals it sets may be seen by later calls on the same pooled thread.
 *
 * <p>What each type means for the code:
 * <ul>
 *   <li><b>net, uts, ipc, cgroup</b>: sockets opened, the hostname seen, SysV IPC objects
 *       and {@code /proc/self/cgroup} are those of the target.</li>
 *   <li><b>mnt</b>: paths resolve in the target's mount table, from the target's root;
 *       jns's threads have their own filesystem context
 *       ({@code unshare(CLONE_FS)}), as the kernel requires for this. Relative paths
 *       resolve from that root, not from {@code user.dir}.</li>
 *   <li><b>pid</b>: applies to children only. The code itself stays in the JVM's pid
 *       namespace (its pid does not change), but processes it starts land in the target
 *       pid namespace. The kernel forbids a thread in that state to create threads, so the
 *       code cannot start threads, nor, as a rule, use {@code ProcessBuilder}, which needs
 *       a JDK reaper thread: start processes in a pid namespace with the spawn API.</li>
 *   <li><b>user, time</b>: refused. The kernel lets only a single-threaded process join
 *       them, and a JVM never is one; start a process in them with the spawn API.</li>
 * </ul>
 *
 * <p>Threads the code starts inherit its namespaces and outlive the call; the JDK's own
 * service threads are started outside first. {@link Namespace#run} says what that means for
 * platform threads, virtual threads, the process reaper and the JDK's pools, and
 * {@link Namespace#threadFactory()} makes threads that stay inside on purpose.
 */
public final class InNamespaces {
    /** The order the thread joins them: nsenter's, without the types a thread cannot join (user, time). */
    static final List<NamespaceType> JOIN_ORDER = NamespaceType.JOIN_ORDER.stream()
            .filter(t -> t != NamespaceType.USER && t != NamespaceType.TIME).toList();

    private InNamespaces() {}

    /**
     * Runs {@code body} inside all of {@code namespaces} at once (at most one per type) and
     * returns its result. Whatever {@code body} throws is thrown here, the same object.
     * The handles stay owned by the caller and must stay open until this returns.
     *
     * @param <T> the result type
     * @param <E> the checked exception {@code body} may throw
     * @param namespaces the namespaces, at most one per type
     * @param body the code to run
     * @return what {@code body} returned
     * @throws IllegalArgumentException for a user or time namespace, or two of one type
     * @throws dev.jns.os.SyscallException if joining one fails; {@code body} did not run
     * @throws E what {@code body} throws
     */
    public static <T, E extends Exception> T run(Collection<Namespace> namespaces, ThrowingCallable<T, E> body) throws E {
        List<Namespace> joins = joinOrder(namespaces);
        JdkServiceThreads.ensureStarted();
        return NamespaceThread.run(joins, body);
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

    static void refuseProcessWide(NamespaceType type) {
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
}
