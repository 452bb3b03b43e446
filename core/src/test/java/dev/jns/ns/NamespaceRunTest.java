package dev.jns.ns;

import dev.jns.testing.Privilege;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What {@link Namespace#run} does with threads, exceptions and calls that do not return,
 * and that once the call is over and the handle closed the namespace is gone: its nsfs
 * link is no longer held by any task or fd on the machine.
 */
class NamespaceRunTest {
    private static final Path HOME_NET = Path.of("/proc/self/ns/net");

    @Test
    void aPlatformCallerRunsTheCodeItselfInsideAndComesBack() throws Exception {
        Privilege.requireRoot("create a network namespace");
        String home = link(HOME_NET);
        try (Namespace net = Namespace.newNetwork()) {
            Thread caller = Thread.currentThread();
            record Seen(Thread thread, String net) {}
            Seen seen = net.run(() -> new Seen(Thread.currentThread(), threadNet()));
            assertThat(seen.thread()).isSameAs(caller);
            assertThat(seen.net()).isEqualTo(nsLink(net));
            assertThat(threadNet()).isEqualTo(home);
        }
    }

    @Test
    void aVirtualCallerWaitsForTheHandlesCarrierWhichStaysInsideUntilClose() throws Exception {
        Privilege.requireRoot("create a network namespace");
        Namespace net = Namespace.newNetwork();
        String inside = nsLink(net);
        Thread first, second;
        try (ExecutorService virtual = Executors.newVirtualThreadPerTaskExecutor()) {
            first = virtual.submit(() -> net.run(Thread::currentThread)).get();
            second = virtual.submit(() -> net.run(Thread::currentThread)).get();
            assertThat(virtual.submit(() -> net.run(NamespaceRunTest::threadNet)).get()).isEqualTo(inside);
        }
        assertThat(first).isSameAs(second);
        assertThat(first.isVirtual()).isFalse();
        assertThat(holdersOf(inside)).anyMatch(h -> h.contains("/task/"));
        net.close();
        assertThat(first.isAlive()).isFalse();
        assertThat(holdersOf(inside)).isEmpty();
    }

    @Test
    void whatTheCodeThrowsComesBackAndTheNextCallStillRunsInside() throws Exception {
        Privilege.requireRoot("create a network namespace");
        String home = link(HOME_NET);
        try (Namespace net = Namespace.newNetwork()) {
            IOException checked = new IOException("from inside");
            ThrowingCallable<String, IOException> throwing = () -> { throw checked; };
            assertThatThrownBy(() -> net.run(throwing)).isSameAs(checked);
            assertThat(threadNet()).isEqualTo(home);
            Thread vt = Thread.ofVirtual().start(() -> assertThatThrownBy(() -> net.run(throwing)).isSameAs(checked));
            vt.join();
            assertThat(net.run(NamespaceRunTest::threadNet)).isEqualTo(nsLink(net));
        }
    }

    @Test
    void codeThatNeverReturnsIsInterruptedThroughItsCallerAndCloseThenReleasesTheNamespace() throws Exception {
        Privilege.requireRoot("create a network namespace");
        Namespace net = Namespace.newNetwork();
        String inside = nsLink(net);
        CountDownLatch running = new CountDownLatch(1);
        AtomicReference<Throwable> outcome = new AtomicReference<>();
        Thread caller = Thread.ofVirtual().start(() -> {
            try {
                net.run(() -> {
                    running.countDown();
                    new CountDownLatch(1).await(); // forever
                    return null;
                });
            } catch (Throwable t) {
                outcome.set(t);
            }
        });
        assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();
        caller.interrupt();
        caller.join(10_000);
        assertThat(outcome.get()).isInstanceOf(InterruptedException.class);
        net.close();
        assertThat(holdersOf(inside)).isEmpty();
    }

    @Test
    void closeDoesNotWaitForACallStillRunningAndItsCarrierEndsWhenTheCallReturns() throws Exception {
        Privilege.requireRoot("create a network namespace");
        Namespace net = Namespace.newNetwork();
        String inside = nsLink(net);
        CountDownLatch running = new CountDownLatch(1), release = new CountDownLatch(1);
        try (ExecutorService virtual = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<String> call = virtual.submit(() -> net.run(() -> {
                running.countDown();
                release.await();
                return threadNet();
            }));
            assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();
            net.close();
            assertThat(holdersOf(inside)).isNotEmpty();
            release.countDown();
            assertThat(call.get(10, TimeUnit.SECONDS)).isEqualTo(inside);
        }
        awaitNoHolders(inside);
    }

    @Test
    void aProcessStartedInsideRunsInsideAndNoJdkReaperThreadIsBornThere() throws Exception {
        Privilege.requireRoot("create a network namespace");
        String inside;
        String childNet;
        try (Namespace net = Namespace.newNetwork()) {
            inside = nsLink(net);
            childNet = net.run(() -> {
                Process p = new ProcessBuilder("readlink", "/proc/self/ns/net").start();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
                p.waitFor();
                return out;
            });
        }
        assertThat(childNet).isEqualTo(inside);
        assertThat(holdersOf(inside)).isEmpty();
        assertThat(jdkThreadsOutsideHome()).isEmpty();
    }

    @Test
    void virtualThreadsTheCommonPoolAndTheCleanerUsedInsideRunOutsideAndHoldNothing() throws Exception {
        Privilege.requireRoot("create a network namespace");
        String home = link(HOME_NET);
        String inside;
        List<String> seen;
        try (Namespace net = Namespace.newNetwork()) {
            inside = nsLink(net);
            seen = net.run(() -> {
                List<String> s = new ArrayList<>();
                AtomicReference<String> fromVirtual = new AtomicReference<>();
                Thread.ofVirtual().start(() -> fromVirtual.set(threadNetUnchecked())).join();
                s.add(fromVirtual.get());
                s.add(CompletableFuture.supplyAsync(NamespaceRunTest::threadNetUnchecked).get());
                s.addAll(IntStream.range(0, 8).parallel().mapToObj(i -> threadNetUnchecked()).distinct().toList());
                new java.util.zip.Deflater().end(); // registers with the Common-Cleaner
                return s;
            });
        }
        // The parallel stream runs some of its work on the calling thread, which is inside.
        assertThat(seen.subList(0, 2)).containsOnly(home);
        assertThat(seen.subList(2, seen.size())).containsAnyOf(home, inside).doesNotContainNull();
        assertThat(holdersOf(inside)).isEmpty();
        assertThat(jdkThreadsOutsideHome()).isEmpty();
    }

    @Test
    void anHttpClientBuiltAndClosedInsideLeavesNoSelectorThreadThere() throws Exception {
        Privilege.requireRoot("create a network namespace");
        String inside;
        String selectorNet;
        try (Namespace net = Namespace.newNetwork()) {
            inside = nsLink(net);
            selectorNet = net.run(() -> {
                try (java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient()) {
                    return netOfThreadNamed(n -> n.startsWith("HttpClient-") && n.endsWith("SelectorManager"));
                }
            });
        }
        assertThat(selectorNet).isEqualTo(inside); // born inside, as documented
        assertThat(holdersOf(inside)).isEmpty();    // and gone with the client
    }

    private static String netOfThreadNamed(java.util.function.Predicate<String> name) throws IOException {
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (name.test(t.getName())) {
                return link(Path.of("/proc/self/task", Long.toString(tidOf(t)), "ns/net"));
            }
        }
        return "no such thread";
    }

    /** A Java thread's tid, found through its name in /proc/self/task/N/comm (first 15 bytes). */
    private static long tidOf(Thread t) throws IOException {
        String comm = t.getName().length() > 15 ? t.getName().substring(0, 15) : t.getName();
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
            for (Path task : tasks) {
                if (Files.readString(task.resolve("comm")).strip().equals(comm)) return Long.parseLong(task.getFileName().toString());
            }
        }
        throw new IllegalStateException("no task for thread " + t.getName());
    }

    @Test
    void platformThreadsTheCodeStartsStayInsideAndHoldTheNamespaceUntilTheyEnd() throws Exception {
        Privilege.requireRoot("create a network namespace");
        Namespace net = Namespace.newNetwork();
        String inside = nsLink(net);
        CountDownLatch release = new CountDownLatch(1);
        AtomicReference<String> seenByThread = new AtomicReference<>();
        Thread started = net.run(() -> Thread.ofPlatform().start(() -> {
            seenByThread.set(threadNetUnchecked());
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
        net.close();
        assertThat(holdersOf(inside)).isNotEmpty();
        release.countDown();
        started.join();
        assertThat(seenByThread.get()).isEqualTo(inside);
        awaitNoHolders(inside);
    }

    @Test
    void theThreadFactorysThreadsRunInsideFromAnyCreator() throws Exception {
        Privilege.requireRoot("create network namespaces");
        try (Namespace a = Namespace.newNetwork(); Namespace b = Namespace.newNetwork()) {
            String insideA = nsLink(a);
            // Created from inside b, a's threads still end up in a.
            String fromInsideB = b.run(() -> {
                try (ExecutorService inA = Executors.newThreadPerTaskExecutor(a.threadFactory())) {
                    return inA.submit(NamespaceRunTest::threadNet).get();
                }
            });
            assertThat(fromInsideB).isEqualTo(insideA);
            try (ExecutorService inA = Executors.newThreadPerTaskExecutor(a.threadFactory())) {
                // a call made on such a thread into b comes back to a, not to the JVM's namespace
                assertThat(inA.submit(() -> b.run(NamespaceRunTest::threadNet) + " " + threadNet()).get())
                        .isEqualTo(nsLink(b) + " " + insideA);
            }
        }
    }

    @Test
    void nestedAndConcurrentCallsOnOneHandleAllRunInside() throws Exception {
        Privilege.requireRoot("create a network namespace");
        try (Namespace net = Namespace.newNetwork()) {
            String inside = nsLink(net);
            assertThat(net.run(() -> net.run(NamespaceRunTest::threadNet))).isEqualTo(inside);
            try (ExecutorService mixed = Executors.newFixedThreadPool(8, r -> Math.random() < 0.5
                    ? Thread.ofVirtual().unstarted(r) : Thread.ofPlatform().unstarted(r))) {
                List<Future<String>> calls = new ArrayList<>();
                for (int i = 0; i < 400; i++) calls.add(mixed.submit(() -> net.run(NamespaceRunTest::threadNet)));
                for (Future<String> f : calls) assertThat(f.get()).isEqualTo(inside);
            }
        }
        assertThat(InNamespacesTest.threadsOutsideTheProcessNamespaces()).isEmpty();
    }

    // ---- helpers ------------------------------------------------------------------------

    private static String nsLink(Namespace ns) {
        return ns.type().procName() + ":[" + ns.inode() + "]";
    }

    private static String link(Path p) throws IOException {
        return Files.readSymbolicLink(p).toString();
    }

    private static String threadNet() throws IOException {
        return link(Path.of("/proc/thread-self/ns/net"));
    }

    private static String threadNetUnchecked() {
        try {
            return threadNet();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Every task namespace link and fd on the machine that refers to {@code nsLink}. */
    static List<String> holdersOf(String nsLink) throws IOException {
        List<String> holders = new ArrayList<>();
        try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), p -> p.getFileName().toString().matches("\\d+"))) {
            for (Path proc : procs) {
                scan(proc.resolve("fd"), nsLink, holders);
                try (DirectoryStream<Path> tasks = Files.newDirectoryStream(proc.resolve("task"))) {
                    for (Path task : tasks) scan(task.resolve("ns"), nsLink, holders);
                } catch (NoSuchFileException | java.nio.file.AccessDeniedException gone) {
                    // ended while we looked
                }
            }
        }
        return holders;
    }

    private static void scan(Path dir, String nsLink, List<String> holders) throws IOException {
        try (DirectoryStream<Path> links = Files.newDirectoryStream(dir)) {
            for (Path l : links) {
                try {
                    if (Files.readSymbolicLink(l).toString().equals(nsLink)) holders.add(l.toString());
                } catch (NoSuchFileException gone) {
                    // closed or ended while we looked
                }
            }
        } catch (NoSuchFileException | java.nio.file.AccessDeniedException gone) {
            // ended while we looked
        }
    }

    /** A thread's task leaves /proc a moment after Thread.join returns. */
    private static void awaitNoHolders(String nsLink) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!holdersOf(nsLink).isEmpty() && System.nanoTime() < deadline) Thread.sleep(5);
        assertThat(holdersOf(nsLink)).isEmpty();
    }

    /** JDK service threads (reaper, pools, cleaner, scheduler) whose net namespace is not the JVM's. */
    private static List<String> jdkThreadsOutsideHome() throws IOException {
        String home = link(HOME_NET);
        List<String> foreign = new ArrayList<>();
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
            for (Path task : tasks) {
                try {
                    String comm = Files.readString(task.resolve("comm")).strip();
                    boolean jdk = comm.startsWith("process reaper") || comm.startsWith("ForkJoinPool")
                            || comm.startsWith("Common-Cleaner") || comm.startsWith("VirtualThread")
                            || comm.startsWith("InnocuousForkJ");
                    String net = link(task.resolve("ns/net"));
                    if (jdk && !net.equals(home)) foreign.add(comm + " " + net);
                } catch (NoSuchFileException gone) {
                    // ended while we looked
                }
            }
        }
        return foreign;
    }
}
