package dev.jns.junit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The JUnit extension's price per test: the network it makes before the test and tears down
 * after (what its store holds), for two hosts wired by a veth with addresses and for one
 * isolated namespace, beside a plain {@code ProcessBuilder("true")} start, so that the price
 * of isolation is seen next to something every test suite does. In the extension's package
 * because the network class is internal to it. Needs root.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ExtensionCostBenchmark {
    private static final List<String> PAIR = List.of("client", "server");

    @Benchmark
    public void pairWiredByVethSetUpAndTornDown() {
        TestNetwork.wired(PAIR).close();
    }

    @Benchmark
    public void isolatedSetUpAndTornDown() {
        TestNetwork.isolated("test").close();
    }

    @Benchmark
    public int plainProcessBuilderTrue() throws IOException, InterruptedException {
        return new ProcessBuilder("true").start().waitFor();
    }
}
