package dev.jns.ns;

import dev.jns.sys.LibC;

import java.util.EnumSet;
import java.util.Set;

/**
 * The fast way into a namespace: {@code setns} there and back on the caller's own thread,
 * for the types whose membership is the thread's alone and harmless to hold for a moment
 * (net, uts, ipc, cgroup) and for callers that are platform threads known to be in the
 * JVM's namespaces. Everything else goes to a {@link NamespaceCarrier}.
 *
 * <p>A thread is known to be home unless it carries the {@link #AWAY} mark: jns sets it on
 * a caller for the length of a call, and for good on its own threads that live inside
 * (carriers, {@link Namespace#threadFactory()} threads) or move about (the pooled
 * {@link NamespaceThread}s). The mark is an inheritable thread-local, so a thread started by
 * code inside a namespace is marked too: it was born inside. (A thread moved by someone
 * else's {@code setns} is not known to jns and counts as home.)
 *
 * <p>Virtual callers never move their thread: a virtual thread that blocks inside would
 * leave its carrier thread there to run other virtual threads. The mount namespace needs a
 * thread with its own filesystem context (for good), and a thread whose children go to
 * another pid namespace cannot start threads: both would change the caller's thread too
 * much.
 */
final class CallingThread {
    private static final Set<NamespaceType> MOVABLE =
            EnumSet.of(NamespaceType.NET, NamespaceType.UTS, NamespaceType.IPC, NamespaceType.CGROUP);
    private static final InheritableThreadLocal<Object> AWAY = new InheritableThreadLocal<>();
    private static final Object FOR_GOOD = new Object();

    private CallingThread() {}

    /** Whether {@code ns} may be entered on the calling thread. */
    static boolean mayEnter(NamespaceType type) {
        return MOVABLE.contains(type) && !Thread.currentThread().isVirtual() && AWAY.get() == null;
    }

    /** Marks the calling thread as one that is, or may be, away from home for good. */
    static void markAway() {
        AWAY.set(FOR_GOOD);
    }

    /**
     * Runs {@code body} on the calling thread inside {@code ns} and moves the thread back
     * to the JVM's namespace of that type, whatever {@code body} did to its membership.
     */
    static <T, E extends Exception> T run(Namespace ns, ThrowingCallable<T, E> body) throws E {
        NamespaceType type = ns.type();
        int flag = type.cloneFlag();
        Namespace home = Home.get().namespace(type);
        LibC.setns(ns.fd(), flag, ns.toString());
        AWAY.set(ns);
        Throwable failure = null;
        try {
            return body.call();
        } catch (Throwable t) {
            failure = t;
            throw t;
        } finally {
            try {
                LibC.setns(home.fd(), flag, "home " + home);
                AWAY.remove();
            } catch (RuntimeException e) {
                // The mark stays: this thread will not be trusted to be home again.
                IllegalStateException stuck = new IllegalStateException("thread " + Thread.currentThread().getName()
                        + " could not return from " + ns + " to " + home + ": " + e.getMessage(), e);
                if (failure != null) stuck.addSuppressed(failure);
                throw stuck;
            }
        }
    }

    /** {@code unshare(CLONE_NEWNET)} here, a handle on the new namespace, and back home. */
    static Namespace newNetwork() {
        Namespace home = Home.get().namespace(NamespaceType.NET);
        int flag = NamespaceType.NET.cloneFlag();
        LibC.unshare(flag, "CLONE_NEWNET");
        AWAY.set(FOR_GOOD);
        try {
            return Namespace.current(NamespaceType.NET);
        } finally {
            LibC.setns(home.fd(), flag, "home " + home);
            AWAY.remove();
        }
    }
}
