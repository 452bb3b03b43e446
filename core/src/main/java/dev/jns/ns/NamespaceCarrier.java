package dev.jns.ns;

import dev.jns.sys.LibC;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The platform thread that runs a {@link Namespace} handle's calls: it enters the namespace
 * once, when it starts, and never leaves; it ends when the handle is closed or after
 * {@link #IDLE_LIFETIME_MS} without work. So a call costs a hand-off and no {@code setns},
 * and no thread that has been inside ever serves anyone else.
 *
 * <p>One call at a time: a caller takes the carrier with {@link #tryAcquire()}; one that
 * finds it busy (concurrent or nested calls on one handle) goes elsewhere.
 *
 * <p>Hand-off both ways first spins for {@link #SPIN_NANOS} (the two threads are usually on
 * different cores and a call is often short), then sleeps in {@code Object.wait}. Never
 * {@code LockSupport.unpark} or a {@code Future}: when a virtual thread waits in
 * {@code Object.wait}, the JDK's unblocker thread (at home) wakes it, not the notifier, so
 * this thread never submits work to the virtual-thread scheduler, which could make it
 * create a scheduler thread inside the namespace.
 */
final class NamespaceCarrier {
    private static final long SPIN_NANOS = 50_000;
    private static final long IDLE_LIFETIME_MS = 30_000;
    /** How long {@link #retire} waits for the ended thread's task to leave /proc. */
    private static final long EXIT_WAIT_NANOS = TimeUnit.SECONDS.toNanos(2);

    /** Runs on the new thread before its first call: moves it into the namespace. */
    @FunctionalInterface
    interface Entry {
        void enter();
    }

    private final Thread thread;
    private final Entry entry;
    /** Taken by the one caller whose call is pending or running, or by whoever retires it. */
    private final AtomicBoolean busy = new AtomicBoolean(true);
    private volatile Call<?, ?> pending;
    private volatile boolean sleeping;
    private volatile boolean retired;
    /** Set by {@link #retire} once it holds the idle carrier: end now. */
    private volatile boolean stopping;
    private volatile int tid;

    private NamespaceCarrier(String name, Entry entry) {
        this.entry = entry;
        this.thread = Thread.ofPlatform().name(name).daemon(true).unstarted(this::serve);
    }

    /** Starts a carrier that runs {@code entry} first; the caller holds it (as after {@link #tryAcquire}). */
    static NamespaceCarrier start(String name, Entry entry) {
        NamespaceCarrier c = new NamespaceCarrier(name, entry);
        c.thread.start();
        return c;
    }

    boolean isRetired() { return retired; }

    /** Takes the carrier for one {@link #call}; false if it is busy or retired. */
    boolean tryAcquire() {
        if (retired || !busy.compareAndSet(false, true)) return false;
        if (retired) { // retire() came in between and could not take it: end it for retire()
            stopping = true;
            wake();
            return false;
        }
        return true;
    }

    /** Runs {@code body} on the carrier; the caller must hold it. Releases it. */
    <T, E extends Exception> T call(ThrowingCallable<T, E> body) throws E {
        Call<T, E> call = new Call<>(body);
        pending = call;
        if (sleeping) wake();
        call.awaitDone(thread);
        return call.result();
    }

    private void wake() {
        synchronized (this) {
            notifyAll();
        }
    }

    /**
     * Ends the carrier. An idle one ends now, and this returns once its thread has left the
     * process (its task is gone from {@code /proc/self/task}), so it no longer holds the
     * namespace; one running a call ends when the call returns, and this does not wait.
     */
    void retire() {
        retired = true;
        if (!busy.compareAndSet(false, true)) return;
        if (Thread.currentThread() == thread) return;
        stopping = true;
        wake();
        boolean interrupted = false;
        while (thread.isAlive()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        awaitTaskGone();
        if (interrupted) Thread.currentThread().interrupt();
    }

    /**
     * {@code Thread.join} returns when the Java thread is done, a moment before the OS thread
     * exits and drops its namespaces; wait for that too, so that a closed handle really
     * means the namespace is no longer held by jns.
     */
    private void awaitTaskGone() {
        int t = tid;
        if (t <= 0) return;
        Path task = Path.of("/proc/self/task", Integer.toString(t));
        long deadline = System.nanoTime() + EXIT_WAIT_NANOS;
        while (Files.exists(task) && System.nanoTime() < deadline) Thread.onSpinWait();
    }

    private void serve() {
        tid = LibC.gettid();
        Throwable entryFailure = null;
        try {
            entry.enter();
        } catch (Throwable t) {
            entryFailure = t;
            retired = true;
        }
        while (true) {
            Call<?, ?> call = nextCall();
            if (call == null) return;
            pending = null;
            if (entryFailure != null) {
                call.finish(null, entryFailure);
                return;
            }
            call.run();
            Thread.interrupted(); // an interrupt meant for that call, not the next
            if (retired) { // closed during the call: keep busy taken so that no one hands another
                call.publish();
                return;
            }
            busy.set(false);
            call.publish();
        }
    }

    /** The next call, or null when retired or idle too long (and no caller took this carrier). */
    private Call<?, ?> nextCall() {
        long spinUntil = System.nanoTime() + SPIN_NANOS;
        while (System.nanoTime() < spinUntil) {
            Call<?, ?> c = pending;
            if (c != null) return c;
            if (stopping) return null;
            Thread.onSpinWait();
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(IDLE_LIFETIME_MS);
        synchronized (this) {
            sleeping = true;
            try {
                while (true) {
                    Call<?, ?> c = pending;
                    if (c != null) return c;
                    if (stopping) return null;
                    long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                    if (left <= 0 && busy.compareAndSet(false, true)) {
                        retired = true;
                        return null;
                    }
                    try {
                        wait(Math.max(left, 1));
                    } catch (InterruptedException e) {
                        // a late interrupt meant for the previous call; nothing to stop here
                    }
                }
            } finally {
                sleeping = false;
            }
        }
    }

    /** One call: the code and what came of it. */
    private static final class Call<T, E extends Exception> {
        private final ThrowingCallable<T, E> body;
        private T value;
        private Throwable failure;
        private volatile boolean done;
        private volatile boolean waiting;

        Call(ThrowingCallable<T, E> body) {
            this.body = body;
        }

        /** On the carrier: runs the code and keeps its outcome (published by {@link #publish}). */
        void run() {
            try {
                value = body.call();
            } catch (Throwable t) {
                failure = t;
            }
        }

        @SuppressWarnings("unchecked")
        void finish(Object v, Throwable f) {
            value = (T) v;
            failure = f;
            publish();
        }

        void publish() {
            done = true;
            if (waiting) {
                synchronized (this) {
                    notifyAll();
                }
            }
        }

        /**
         * Waits for the carrier, even when interrupted: the interrupt is passed on to the
         * code and set again on the caller afterwards.
         */
        void awaitDone(Thread carrier) {
            long spinUntil = System.nanoTime() + SPIN_NANOS;
            while (!done && System.nanoTime() < spinUntil) Thread.onSpinWait();
            if (done) return;
            boolean interrupted = false;
            synchronized (this) {
                waiting = true;
                while (!done) {
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        interrupted = true;
                        carrier.interrupt();
                    }
                }
            }
            if (interrupted) Thread.currentThread().interrupt();
        }

        @SuppressWarnings("unchecked")
        T result() throws E {
            if (failure == null) return value;
            if (failure instanceof RuntimeException r) throw r;
            if (failure instanceof Error e) throw e;
            // Only body.call() throws checked exceptions here, and its type is E.
            throw (E) failure;
        }
    }
}
