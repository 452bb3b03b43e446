package dev.jns.bench;

import dev.jns.ns.InNamespaces;
import dev.jns.ns.Namespace;
import dev.jns.ns.NamespaceType;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The warm cost of one {@code Namespace.run} round trip (hand the code to a pooled thread,
 * join, run, return home, verify, hand the result back), for one namespace and for the five
 * a thread can join, next to the cost a pool avoids: starting and joining a fresh platform
 * thread. Needs root (it joins namespaces of a process it starts with util-linux unshare).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class NamespaceRunBenchmark {
    private Process holder;
    private Namespace net;
    private List<Namespace> five;

    @Setup(Level.Trial)
    public void start() throws IOException {
        holder = new ProcessBuilder("unshare", "--net", "--uts", "--ipc", "--mount", "--cgroup", "sh", "-c", "echo ready; exec sleep 3600")
                .start();
        holder.getInputStream().readNBytes(6);
        int pid = (int) holder.pid();
        net = Namespace.of(pid, NamespaceType.NET);
        five = List.of(net, Namespace.of(pid, NamespaceType.UTS), Namespace.of(pid, NamespaceType.IPC),
                Namespace.of(pid, NamespaceType.MNT), Namespace.of(pid, NamespaceType.CGROUP));
    }

    @TearDown(Level.Trial)
    public void stop() throws InterruptedException {
        five.forEach(Namespace::close);
        holder.destroyForcibly().waitFor();
    }

    @Benchmark
    public Integer runInNet() {
        return net.run(() -> 1);
    }

    @Benchmark
    public Integer runInNetUtsIpcMntCgroup() {
        return InNamespaces.run(five, () -> 1);
    }

    @Benchmark
    public Integer runInNoNamespace() {
        return InNamespaces.run(List.of(), () -> 1);
    }

    @Benchmark
    public Integer freshPlatformThreadBaseline() throws InterruptedException {
        Integer[] out = new Integer[1];
        Thread t = Thread.ofPlatform().start(() -> out[0] = 1);
        t.join();
        return out[0];
    }
}
