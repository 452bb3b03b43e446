package dev.jns.bench;

import dev.jns.inventory.Inventory;
import dev.jns.inventory.ScanOptions;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * The inventory scan from a warm JVM: what a long-running library user pays per call, as
 * opposed to the CLI's cold start (bench/run-lsns.sh). {@code minimal} is what plain
 * {@code jns lsns} asks for; {@code everything} adds parents, owners, ghosts, NETNSIDs,
 * sockets and every command (the ioctls and netlink, through FFM).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class InventoryScanBenchmark {

    @Benchmark
    public Inventory minimal() {
        return Inventory.scan(ScanOptions.minimal());
    }

    @Benchmark
    public Inventory everything() {
        return Inventory.scan(ScanOptions.everything());
    }
}
