package dev.jns.spawn;

import dev.jns.testing.MachineState;
import dev.jns.testing.Privilege;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** If the JVM that spawned a sandbox dies, even by SIGKILL, the sandbox dies with it. */
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
}
