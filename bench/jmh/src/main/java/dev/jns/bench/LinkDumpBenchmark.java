package dev.jns.bench;

import dev.jns.net.Link;
import dev.jns.net.NetNamespace;
import dev.jns.net.NetworkConfig;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A dump of 1,001 links (500 veth pairs and lo, in a namespace made for it) from a warm JVM:
 * {@link NetworkConfig#links()}, i.e. the netlink dump, its decoding and the {@link Link}
 * records. Needs root. The comparison with a whole {@code ip -j link} process is in
 * bench/run-net.sh (bench/NET-RESULTS.md).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class LinkDumpBenchmark {
    private NetNamespace ns;
    private NetworkConfig net;

    @Setup(Level.Trial)
    public void makeLinks() {
        ns = NetNamespace.create("jnsbench-jmh-dump");
        net = ns.network();
        for (int i = 0; i < 500; i++) net.createVeth("d" + i, "e" + i);
    }

    @TearDown(Level.Trial)
    public void deleteNamespace() {
        ns.close();
    }

    @Benchmark
    public List<Link> links() {
        return net.links();
    }
}
