import dev.jns.ids.IdMap;
import dev.jns.spawn.NamespacedProcessBuilder;

import java.util.Arrays;

import static dev.jns.ns.NamespaceType.*;

/**
 * The JMH spawn comparison (jmh/.../SpawnBenchmark) measures each variant in its own time
 * window, which on a shared, loaded machine compares the load more than the spawners. This
 * harness interleaves them, one of each per round from the same warm JVM thread, and prints
 * medians and the jns / util-linux ratio, after a warm-up of at least 1,000 rounds. Run as
 * root from the checkout:
 *   java -cp core/target/jns.jar bench/SpawnInterleaved.java [ROUNDS]
 */
public class SpawnInterleaved {
    interface Spawn { void run() throws Exception; }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 500;
        String[] names = {"jns user+pid+mnt+uts+ipc+net", "util-linux unshare -Urmuinpf", "ProcessBuilder(true)"};
        Spawn[] spawns = {
            () -> new NamespacedProcessBuilder("true").newNamespaces(USER, PID, MNT, UTS, IPC, NET)
                    .uidMap(IdMap.single(0, 0)).gidMap(IdMap.single(0, 0))
                    .setgroups(dev.jns.spec.Setgroups.DENY).start().waitFor(),
            () -> new ProcessBuilder("unshare", "-Urmuinpf", "true").start().waitFor(),
            () -> new ProcessBuilder("true").start().waitFor(),
        };
        // Warm-up long enough for the JIT to finish with jns's own Java code (plan compiler,
        // encoder, protocol), which the JDK's ProcessBuilder path alone would not exercise.
        int warmUp = Math.max(rounds, 1000);
        for (int i = 0; i < warmUp; i++) for (Spawn s : spawns) s.run();
        double[][] us = new double[spawns.length][rounds];
        for (int i = 0; i < rounds; i++) {
            for (int k = 0; k < spawns.length; k++) {
                long t = System.nanoTime();
                spawns[k].run();
                us[k][i] = (System.nanoTime() - t) / 1e3;
            }
        }
        for (int k = 0; k < spawns.length; k++) {
            Arrays.sort(us[k]);
            System.out.printf("%-30s median %7.0f us   p25 %7.0f   p75 %7.0f%n", names[k], us[k][rounds / 2],
                    us[k][rounds / 4], us[k][3 * rounds / 4]);
        }
        System.out.printf("jns / util-linux: %.2f (n=%d rounds)%n", us[0][rounds / 2] / us[1][rounds / 2], rounds);
    }
}
