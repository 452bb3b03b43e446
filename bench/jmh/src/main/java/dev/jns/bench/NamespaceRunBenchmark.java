package dev.jns.bench;

import dev.jns.ns.InNamespaces;
import dev.jns.ns.Namespace;
import dev.jns.ns.NamespaceType;
import dev.jns.sys.LibC;
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
 * The warm cost of one {@code Namespace.run} round trip: for one namespace, a hand-off to
 * the handle's carrier thread, which stays inside, beside the bare {@code setns} there and
 * back on the calling thread; for the five a thread can join, a pooled thread that joins,
 * runs, returns home and verifies; next to the cost a pool avoids: starting and joining a
 * fresh platform thread. Needs root (it joins namespaces of a process it starts with util-linux unshare).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class NamespaceRunBenchmark {
    private Process holder;
    private Namespace net;
    private List<Namespace> five;
    private Namespace homeNet;

    @Setup(Level.Trial)
    public void start() throws IOException {
        holder = new ProcessBuilder("unshare", "--net", "--uts", "--ipc", "--mount", "--cgroup", "sh", "-c", "echo ready; exec sleep 3600")
                .start();
        holder.getInputStream().readNBytes(6);
        int pid = (int) holder.pid();
        net = Namespace.of(pid, NamespaceType.NET);
        five = List.of(net, Namespace.of(pid, NamespaceType.UTS), Namespace.of(pid, NamespaceType.IPC),
                Namespace.of(pid, NamespaceType.MNT), Namespace.of(pid, NamespaceType.CGROUP));
        homeNet = Namespace.current(NamespaceType.NET);
    }

    @TearDown(Level.Trial)
    public void stop() throws InterruptedException {
        five.forEach(Namespace::close);
        homeNet.close();
        holder.destroyForcibly().waitFor();
    }

    @Benchmark
    public Integer runInNet() {
        return net.run(() -> 1);
    }

    /**
     * What {@link #runInNet} is measured against: the bare {@code setns} there and back on
     * the calling thread, with none of run's guarantees (the caller's own thread moves).
     */
    @Benchmark
    public Integer bareSetnsThereAndBack() {
        LibC.setns(net.fd(), NamespaceType.NET.cloneFlag(), "there");
        LibC.setns(homeNet.fd(), NamespaceType.NET.cloneFlag(), "back");
        return 1;
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
