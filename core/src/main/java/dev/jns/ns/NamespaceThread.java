package dev.jns.ns;

import dev.jns.sys.FsContext;
import dev.jns.sys.LibC;

import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.TimeUnit;

/**
 * A pooled platform thread that runs one call at a time inside other namespaces, then
 * moves back {@link Home} and checks that it got there. A thread that cannot prove it is
 * home ends instead of going back to the pool, so no later call starts in a foreign
 * namespace. Idle threads end after {@link #IDLE_LIFETIME_MS}.
 *
 * <p>Hand-off in both directions is by {@code Object.wait/notifyAll}, never by
 * {@code LockSupport.unpark} or a {@code Future}: when a virtual thread waits in
 * {@code Object.wait}, the JDK's own unblocker thread wakes it, not the notifier, so a
 * thread still in a foreign namespace never submits work to the virtual-thread scheduler
 * (which could make it create a carrier thread there).
 */
final class NamespaceThread {
    private static final long IDLE_LIFETIME_MS = 30_000;
    private static final Deque<NamespaceThread> IDLE = new ConcurrentLinkedDeque<>();

    private final Home home;
    private final Thread thread;
    private Call<?, ?> pending; // guarded by this

    private NamespaceThread(Home home) {
        this.home = home;
        this.thread = Thread.ofPlatform().name("jns-namespace-thread").daemon(true).unstarted(this::serve);
    }

    /** Runs {@code body} inside {@code joins} (already checked and ordered) and returns its result. */
    static <T, E extends Exception> T run(List<Namespace> joins, ThrowingCallable<T, E> body) throws E {
        NamespaceThread worker = IDLE.pollFirst();
        if (worker == null) {
            worker = new NamespaceThread(Home.get());
            worker.thread.start();
        }
        Call<T, E> call = new Call<>(joins, body);
        worker.hand(call);
        call.awaitDone(worker.thread);
        if (call.cameHome) IDLE.push(worker);
        return call.result();
    }

    private synchronized void hand(Call<?, ?> call) {
        pending = call;
        notifyAll();
    }

    private void serve() {
        // Its own root and cwd, so that it may join mount namespaces; and if it was started
        // by a thread that was itself inside other namespaces, it starts by going home.
        boolean home;
        CallingThread.markAway();
        try {
            FsContext.leaveShared();
            home = this.home.isHere() || tryReturn(InNamespaces.JOIN_ORDER);
        } catch (RuntimeException e) {
            home = false;
        }
        while (true) {
            Call<?, ?> call = nextCall();
            if (call == null) return;
            if (home) {
                home = call.runInside(this.home);
            } else {
                call.refuse();
            }
            if (!home) return;
        }
    }

    private boolean tryReturn(List<NamespaceType> types) {
        try {
            home.returnTo(types);
            return home.isHere();
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** The next call, or null when idle too long (and no caller took this thread meanwhile). */
    private synchronized Call<?, ?> nextCall() {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(IDLE_LIFETIME_MS);
        while (pending == null) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (left <= 0 && IDLE.remove(this)) return null;
            try {
                wait(Math.max(left, 1));
            } catch (InterruptedException e) {
                // a late interrupt meant for the previous call; nothing to stop here
            }
        }
        Call<?, ?> call = pending;
        pending = null;
        Thread.interrupted();
        return call;
    }

    /** One call: what to run and where, and what came of it. Fields are guarded by this. */
    private static final class Call<T, E extends Exception> {
        private final List<Namespace> joins;
        private final ThrowingCallable<T, E> body;
        private T value;
        private Throwable failure;
        private boolean done;
        private boolean cameHome;

        Call(List<Namespace> joins, ThrowingCallable<T, E> body) {
            this.joins = joins;
            this.body = body;
        }

        /** Runs on the worker; returns whether the worker is verifiably home afterwards. */
        boolean runInside(Home home) {
            List<NamespaceType> joined = new ArrayList<>();
            T v = null;
            Throwable f = null;
            try {
                for (Namespace ns : joins) {
                    LibC.setns(ns.fd(), ns.type().cloneFlag(), ns.toString());
                    joined.add(ns.type());
                }
                v = body.call();
            } catch (Throwable t) {
                f = t;
            }
            boolean back;
            try {
                home.returnTo(joined);
                back = home.isHere();
            } catch (Throwable e) {
                back = false;
            }
            finish(v, f, back);
            return back;
        }

        void refuse() {
            finish(null, new IllegalStateException("jns namespace thread could not return to the JVM's namespaces"), false);
        }

        private synchronized void finish(T v, Throwable f, boolean back) {
            value = v;
            failure = f;
            cameHome = back;
            done = true;
            notifyAll();
        }

        /**
         * Waits for the worker, even when interrupted: the interrupt is passed on to the
         * code and set again on the caller afterwards.
         */
        synchronized void awaitDone(Thread worker) {
            boolean interrupted = false;
            while (!done) {
                try {
                    wait();
                } catch (InterruptedException e) {
                    interrupted = true;
                    worker.interrupt();
                }
            }
            if (interrupted) Thread.currentThread().interrupt();
        }

        @SuppressWarnings("unchecked")
        synchronized T result() throws E {
            if (failure == null) return value;
            if (failure instanceof RuntimeException r) throw r;
            if (failure instanceof Error e) throw e;
            // Only body.call() throws checked exceptions here, and its type is E.
            throw (E) failure;
        }
    }
}
