package dev.jns.spawn;

import dev.jns.testing.MachineState;
import dev.jns.testing.Privilege;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** If the JVM that spawned a sandbox dies, even by SIGKILL, the sandbox dies with it, and all it started. */
class OrphanTest {

    @Test
    void sigkillOfTheSpawningJvmKillsHelperAndSandbox() throws Exception {
        Privilege.requireRoot("create pid and net namespaces from a child JVM");
        MachineState before = MachineState.capture();
        Process jvm = ChildJvm.sandboxMain(List.of(), "sleep").redirectError(ProcessBuilder.Redirect.INHERIT).start();
        long target = Long.parseLong(new BufferedReader(new InputStreamReader(jvm.getInputStream())).readLine());
        List<ProcessHandle> helpers = jvm.toHandle().children().toList();
        assertThat(helpers).hasSize(1);
        assertThat(helpers.getFirst().info().command().orElse("")).endsWith("jns-helper");
        assertThat(ProcessHandle.of(target)).isPresent();

        jvm.destroyForcibly(); // SIGKILL: no shutdown hook, no cleanup code in that JVM runs
        assertThat(jvm.waitFor()).isEqualTo(137);

        SpawnTest.waitUntilGone(target);
        SpawnTest.waitUntilGone(helpers.getFirst().pid());
        MachineState.assertNothingLeakedSince(before);
    }

    /**
     * Without a pid namespace to end them all, the helper is the subreaper of the program's
     * orphans and kills the whole tree when the JVM goes.
     */
    @Test
    void sigkillOfTheSpawningJvmKillsWhatTheProgramStartedToo() throws Exception {
        Privilege.requireRoot("kill a child JVM as any user (the program runs as uid 65534 in a user namespace)");
        MachineState before = MachineState.capture();
        Process jvm = ChildJvm.sandboxMain(ChildJvm.asNobody(), "tree").redirectError(ProcessBuilder.Redirect.INHERIT).start();
        long target = Long.parseLong(new BufferedReader(new InputStreamReader(jvm.getInputStream())).readLine());
        List<ProcessHandle> tree = waitForSleeps(target);
        assertThat(tree).as("the program and its two sleeps").hasSizeGreaterThanOrEqualTo(2);

        jvm.destroyForcibly();
        jvm.waitFor();
        SpawnTest.waitUntilGone(target);
        for (ProcessHandle p : tree) SpawnTest.waitUntilGone(p.pid());
        assertThat(tree).as("nothing of the tree outlives the JVM").noneMatch(ProcessHandle::isAlive);
        MachineState.assertNothingLeakedSince(before);
    }

    /** The program's descendants once both sleeps have started. */
    private static List<ProcessHandle> waitForSleeps(long target) throws InterruptedException {
        List<ProcessHandle> sleeps = List.of();
        for (int i = 0; i < 500 && sleeps.size() < 2; i++) {
            Thread.sleep(10);
            sleeps = ProcessHandle.of(target).stream().flatMap(p -> java.util.stream.Stream.concat(java.util.stream.Stream.of(p),
                    p.descendants())).filter(p -> p.info().commandLine().orElse("").contains("sleep 1004")).toList();
        }
        return sleeps;
    }
}
