package dev.jns.bench;

import dev.jns.ids.IdMap;
import dev.jns.spawn.NamespacedProcessBuilder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

import static dev.jns.ns.NamespaceType.*;

/**
 * Spawn latency from a warm JVM, start to exit of {@code true}: into new user, pid, mount,
 * uts, ipc and net namespaces through jns, the same through util-linux
 * {@code unshare -Urmuinpf true} started with ProcessBuilder, and a plain
 * {@code ProcessBuilder("true")}. Sample mode, so JMH prints the median (p0.50). Needs root
 * (uid 0 is mapped to 0, as {@code unshare -r} does for root). bench/clone3-floor.c gives
 * the kernel's floor for the same work.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgs = "--enable-native-access=ALL-UNNAMED")
public class SpawnBenchmark {

    @Benchmark
    public int jnsSandbox() throws IOException, InterruptedException {
        return new NamespacedProcessBuilder("true").newNamespaces(USER, PID, MNT, UTS, IPC, NET)
                .uidMap(IdMap.single(0, 0)).gidMap(IdMap.single(0, 0))
                .setgroups(dev.jns.spec.Setgroups.DENY)
                .start().waitFor();
    }

    @Benchmark
    public int utilLinuxUnshare() throws IOException, InterruptedException {
        return new ProcessBuilder("unshare", "-Urmuinpf", "true").start().waitFor();
    }

    @Benchmark
    public int plainProcessBuilder() throws IOException, InterruptedException {
        return new ProcessBuilder("true").start().waitFor();
    }
}
