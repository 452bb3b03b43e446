package dev.jns.ns;

import dev.jns.sys.LibC;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.zip.Deflater;

/**
 * Makes sure the JDK's own service threads exist, at home, before code runs inside a
 * namespace. The JDK creates them lazily, on the thread that first needs one, and a new
 * thread inherits its creator's namespaces: the first {@code ProcessBuilder.start()} made
 * inside {@code run} would create the "process reaper" there, where it would stay (and keep a
 * closed namespace alive) and serve every later process; a virtual thread started inside
 * could make a scheduler thread there, on which any virtual thread may later run.
 *
 * <p>Started on a thread that is verifiably home: the Common-Cleaner; the virtual-thread
 * scheduler's threads, as many as its parallelism, and its unblocker; the common
 * {@code ForkJoinPool}'s workers, as many as its parallelism; one idle process reaper. The
 * pools let idle threads end (the virtual-thread scheduler after 30 s, the others after
 * 60 s), so this is done again before a call when the last time is {@link #REFRESH_NANOS}
 * ago. A pool only grows where it has no idle thread, so what is left uncovered is code that
 * keeps more of them busy at once from inside (two processes alive at once, more parallel
 * tasks than the parallelism): those extra threads start inside.
 */
final class JdkServiceThreads {
    private static final long REFRESH_NANOS = TimeUnit.SECONDS.toNanos(20);
    private static final long RENDEZVOUS_MS = 200;
    private static final Object LOCK = new Object();
    private static volatile long startedAt;
    private static volatile boolean started;

    private JdkServiceThreads() {}

    /** Cheap when fresh (a volatile read); otherwise starts them on a home thread first. */
    static void ensureStarted() {
        if (started && System.nanoTime() - startedAt < REFRESH_NANOS) return;
        synchronized (LOCK) {
            if (started && System.nanoTime() - startedAt < REFRESH_NANOS) return;
            // A fresh thread: the threads it makes share its filesystem context, which must
            // not be one that a pooled jns thread still needs for joining mount namespaces.
            Throwable[] failure = new Throwable[1];
            Thread starter = Thread.ofPlatform().name("jns-start-jdk-threads").daemon(true).start(() -> {
                try {
                    Home.get().goHomeIfAway();
                    startAll();
                } catch (Throwable t) {
                    failure[0] = t;
                }
            });
            joinUninterruptibly(starter);
            if (failure[0] != null) {
                throw new IllegalStateException("could not start the JDK's service threads outside namespaces: " + failure[0], failure[0]);
            }
            startedAt = System.nanoTime();
            started = true;
        }
    }

    private static void joinUninterruptibly(Thread t) {
        boolean interrupted = false;
        while (t.isAlive()) {
            try {
                t.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
    }

    private static void startAll() throws Exception {
        // The Common-Cleaner: its thread starts with the class that holds it, with which a
        // Deflater registers.
        new Deflater().end();
        int schedulerThreads = Integer.getInteger("jdk.virtualThreadScheduler.parallelism",
                Runtime.getRuntime().availableProcessors());
        occupyAtOnce(schedulerThreads, task -> Thread.ofVirtual().start(task));
        int commonWorkers = ForkJoinPool.getCommonPoolParallelism();
        occupyAtOnce(commonWorkers, task -> {
            Future<?> f = ForkJoinPool.commonPool().submit(task);
            return (Joinable) () -> f.get(RENDEZVOUS_MS * 2, TimeUnit.MILLISECONDS);
        });
        startIdleProcessReaper();
    }

    /** Something to wait for. */
    private interface Joinable {
        void join() throws Exception;
    }

    /** How a task is started on the pool under test. */
    private interface Starter {
        Object start(Runnable task) throws Exception;
    }

    /**
     * Runs {@code n} tasks that wait, spinning (so each keeps its thread), until all have
     * started: the pool must have {@code n} threads for that, and makes them here.
     */
    private static void occupyAtOnce(int n, Starter starter) throws Exception {
        if (n <= 0) return;
        CountDownLatch allIn = new CountDownLatch(n);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(RENDEZVOUS_MS);
        Runnable task = () -> {
            allIn.countDown();
            while (allIn.getCount() > 0 && System.nanoTime() < deadline) Thread.onSpinWait();
        };
        List<Object> started = new ArrayList<>();
        for (int i = 0; i < n; i++) started.add(starter.start(task));
        for (Object s : started) {
            if (s instanceof Thread t) t.join();
            else if (s instanceof Joinable j) j.join();
        }
    }

    /**
     * The process reaper pool makes a thread for each process whose exit it waits for. Ask
     * it about a "process" that has already ended, a short-lived thread of this JVM (its tid
     * is a pid to ProcessHandle): the reaper thread finds it gone at once and stays idle.
     */
    private static void startIdleProcessReaper() throws Exception {
        CountDownLatch named = new CountDownLatch(1), release = new CountDownLatch(1);
        int[] tid = new int[1];
        Thread shortLived = Thread.ofPlatform().daemon(true).start(() -> {
            tid[0] = LibC.gettid();
            named.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        named.await();
        Optional<ProcessHandle> handle = ProcessHandle.of(tid[0]);
        release.countDown();
        shortLived.join();
        Path task = Path.of("/proc", Integer.toString(tid[0]));
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(RENDEZVOUS_MS);
        while (Files.exists(task) && System.nanoTime() < deadline) Thread.onSpinWait();
        if (handle.isPresent()) handle.get().onExit().get(RENDEZVOUS_MS * 5, TimeUnit.MILLISECONDS);
    }
}
