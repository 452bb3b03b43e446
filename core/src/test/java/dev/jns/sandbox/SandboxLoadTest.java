package dev.jns.sandbox;

import dev.jns.spawn.SpawnException;
import dev.jns.testing.MachineState;
import dev.jns.testing.Privilege;
import org.junit.jupiter.api.Test;

import java.lang.ProcessBuilder.Redirect;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * 1,000 sandboxes from 8 threads, one in ten failing on purpose (a bind source that is not
 * there, a program that is not there), and then nothing of them left: no mount in this
 * process's view, no namespace on the machine, no descriptor of the JVM, no child process, and
 * the JVM's thread count back near where it was.
 */
class SandboxLoadTest {
    private static final int SANDBOXES = 1000, THREADS = 8;

    @Test
    void aThousandSandboxesFromEightThreadsLeaveNothingBehind() throws Exception {
        Privilege.requireRoot("count namespaces machine-wide");
        // one of each kind first, so that lazily made things (FFM handles, the reaper threads) are in the baseline
        for (int i : new int[] {0, 1, 10}) {
            try {
                sandbox(i).start().waitFor();
            } catch (SpawnException expected) {
                // sandbox 0's bind source is missing
            }
        }
        MachineState before = MachineState.capture();
        List<String> mounts = Files.readAllLines(Path.of("/proc/self/mountinfo"));
        long fds = fdCount(), otherThreads = otherThreads(), osThreads = osThreadCount();

        AtomicInteger ran = new AtomicInteger(), refused = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        List<Future<?>> work = new ArrayList<>();
        for (int i = 0; i < SANDBOXES; i++) {
            int n = i;
            work.add(pool.submit(() -> {
                try {
                    int status = sandbox(n).start().waitFor();
                    if (n % 10 != 0) assertThat(status).as("sandbox %d", n).isZero();
                    ran.incrementAndGet();
                } catch (SpawnException e) {
                    assertThat(n % 10).as("sandbox %d failed: %s", n, e.getMessage()).isZero();
                    refused.incrementAndGet();
                }
                return null;
            }));
        }
        for (Future<?> f : work) f.get();
        pool.shutdown();
        assertThat(pool.awaitTermination(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        // the failing ones: half refused at start (missing source), half ran and failed to exec (status 127-like or a start error)
        assertThat(ran.get() + refused.get()).isEqualTo(SANDBOXES);
        assertThat(refused.get()).as("missing bind sources are refused at start()").isGreaterThanOrEqualTo(SANDBOXES / 20);

        MachineState.assertNothingLeakedSince(before);
        assertThat(Files.readAllLines(Path.of("/proc/self/mountinfo"))).as("mounts").isEqualTo(mounts);
        assertThat(ProcessHandle.current().children().toList()).as("child processes").isEmpty();
        long fdsAfter = fdCount();
        for (int i = 0; i < 50 && fdsAfter > fds; i++) {
            Thread.sleep(20);
            fdsAfter = fdCount();
        }
        assertThat(fdsAfter).as("descriptors of the JVM").isLessThanOrEqualTo(fds);
        // The JDK keeps idle "process reaper" threads for a while (one per concurrent wait, not per process): they
        // are bounded by the 8 threads, not by the 1,000 sandboxes; every other thread is back to the baseline.
        long osThreadsAfter = osThreadCount();
        for (int i = 0; i < 100 && otherThreads() > otherThreads; i++) {
            Thread.sleep(50);
        }
        // a margin of 2 for the JDK's lazily started ones (the common pool that onExit() uses, the cleaner)
        assertThat(otherThreads()).as("Java threads other than the JDK's process reapers: %s", Thread.getAllStackTraces().keySet())
                .isLessThanOrEqualTo(otherThreads + 2);
        assertThat(osThreadsAfter).as("OS threads (were %d)", osThreads).isLessThanOrEqualTo(osThreads + THREADS + 4);
    }

    private static long otherThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> !t.getName().equals("process reaper")).count();
    }

    /** Sandbox {@code n}: {@code true}, or for every tenth a missing bind source (even) or a missing program (odd). */
    private static Sandbox sandbox(int n) {
        boolean fails = n % 10 == 0;
        Sandbox s = Sandbox.command(fails && n % 20 == 10 ? "/usr/bin/no-such-program-jns" : "true").unshareAll()
                .roBind("/usr", "/usr").symlink("usr/bin", "/bin").symlink("usr/lib", "/lib").symlink("usr/lib64", "/lib64")
                .proc("/proc").dev("/dev").redirectOutput(Redirect.DISCARD).redirectError(Redirect.DISCARD);
        if (fails && n % 20 == 0) s.roBind("/no/such/source-jns", "/x");
        return s;
    }

    private static long fdCount() throws Exception {
        try (var s = Files.list(Path.of("/proc/self/fd"))) {
            return s.count();
        }
    }

    private static long osThreadCount() throws Exception {
        try (var s = Files.list(Path.of("/proc/self/task"))) {
            return s.count();
        }
    }
}
