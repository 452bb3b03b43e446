package dev.jns.junit;

import org.junit.jupiter.api.Test;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A {@link TestSandbox} parameter: a program sandboxed on the test's network reaches the
 * test's server on loopback and sees bubblewrap's view of the system; what a failing test
 * leaves running there is killed at teardown.
 */
class TestSandboxTest {
    /** What the sandboxed probe sends: its pid, its uid, the root's entries, its hostname. */
    private static final String PROBE = """
            import os, socket
            s = socket.create_connection(("127.0.0.1", 8080))
            s.sendall(" ".join([str(os.getpid()), str(os.getuid()), ",".join(sorted(os.listdir("/"))), socket.gethostname()]).encode())
            s.close()
            """;

    @Test
    @IsolatedNetwork
    void aSandboxedProgramReachesTheTestsServerOnLoopback(TestSandbox sandbox) throws Exception {
        try (ServerSocket server = new ServerSocket(8080, 5, InetAddress.getLoopbackAddress())) {
            Process p = sandbox.command("python3", "-c", PROBE).hostname("probe").inheritIO().start();
            String seen;
            try (Socket client = server.accept(); InputStream in = client.getInputStream()) {
                seen = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            assertThat(p.waitFor()).isZero();
            String[] f = seen.split(" ");
            assertThat(f[0]).as("pid inside, after the sandbox's reaper").isEqualTo("2");
            assertThat(f[1]).as("uid inside").isEqualTo("0".equals(System.getProperty("user.name")) ? "0" : f[1]);
            List<String> root = List.of(f[2].split(","));
            assertThat(root).contains("usr", "proc", "dev", "tmp").doesNotContain("home", "root", "etc", "var");
            assertThat(f[3]).isEqualTo("probe");
        }
    }

    @Test
    void whatAFailingTestLeftRunningInItsSandboxIsKilledAtTeardown() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue("root".equals(System.getProperty("user.name")),
                "needs root: the nested tests run in network namespaces, which an unprivileged JVM skips (UnprivilegedSkipTest checks that)");
        LEFT.clear();
        TestExecutionSummary summary = TeardownTest.runNested(LeavesASandboxRunning.class);
        assertThat(summary.getTestsFailedCount()).isEqualTo(1);
        assertThat(LEFT).hasSize(2);
        // the sandbox's process here (its supervisor) ends once what ran inside was killed
        long pid = Long.parseLong(LEFT.get(0));
        for (int i = 0; i < 500 && ProcessHandle.of(pid).filter(ProcessHandle::isAlive).isPresent(); i++) Thread.sleep(10);
        assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive)).as("the sandbox's process").isEmpty();
        assertThat(MachineView.holdersAfterSettling(LEFT.get(1))).as("holders of the test's network").isEmpty();
    }

    /** The sandbox's process id and the test's network namespace, from the nested test. */
    static final List<String> LEFT = new CopyOnWriteArrayList<>();

    @IsolatedNetwork
    static class LeavesASandboxRunning {
        @Test
        void startsASleeperAndFails(TestSandbox sandbox) throws Exception {
            Process p = sandbox.command("sleep", "1000").start();
            LEFT.add(Long.toString(p.pid()));
            LEFT.add(MachineView.threadNet());
            // the sandbox is in the test's network namespace: a holder the teardown must end
            for (int i = 0; i < 500 && !inNet(p.pid(), LEFT.get(1)); i++) Thread.sleep(10);
            fail("deliberately, with a sandbox still running");
        }

        private static boolean inNet(long pid, String net) {
            return ProcessHandle.of(pid).stream().flatMap(ProcessHandle::descendants).anyMatch(d -> {
                try {
                    return Files.readSymbolicLink(Path.of("/proc", Long.toString(d.pid()), "ns/net")).toString().equals(net);
                } catch (java.io.IOException gone) {
                    return false;
                }
            });
        }
    }
}
