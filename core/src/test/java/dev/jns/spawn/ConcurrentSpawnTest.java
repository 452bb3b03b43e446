package dev.jns.spawn;

import dev.jns.ids.IdMap;
import dev.jns.testing.MachineState;
import dev.jns.testing.Privilege;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static dev.jns.ns.NamespaceType.*;
import static org.assertj.core.api.Assertions.assertThat;

/** Many spawns at once: all succeed, and the JVM and the machine are as before. */
class ConcurrentSpawnTest {

    @Test
    void fiveHundredSpawnsFromSixteenThreadsLeakNothing() throws Exception {
        Privilege.requireRoot("create namespaces");
        // Warm up once so that lazily opened JDK and jns resources are not counted as leaks.
        assertThat(sandbox().start().waitFor()).isZero();
        MachineState before = MachineState.capture();
        int fdsBefore = openFds();

        List<Future<Integer>> results = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(16)) {
            for (int i = 0; i < 500; i++) {
                results.add(pool.submit(() -> sandbox().start().waitFor()));
            }
        }
        for (Future<Integer> r : results) assertThat(r.get()).isZero();

        // Each helper's socket is closed by its onExit callback, which may trail waitFor a little.
        int fdsAfter = openFds();
        for (int i = 0; i < 100 && fdsAfter > fdsBefore; i++) {
            Thread.sleep(20);
            fdsAfter = openFds();
        }
        assertThat(fdsAfter).as("open fds of this JVM").isLessThanOrEqualTo(fdsBefore);
        MachineState.assertNothingLeakedSince(before);
    }

    private static NamespacedProcessBuilder sandbox() {
        return new NamespacedProcessBuilder("true").newNamespaces(USER, PID, MNT, UTS, IPC, NET)
                .uidMap(IdMap.single(0, 0)).gidMap(IdMap.single(0, 0))
                .setgroups(dev.jns.spec.Setgroups.DENY);
    }

    private static int openFds() {
        return new File("/proc/self/fd").list().length;
    }
}
