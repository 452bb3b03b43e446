package dev.jns.spawn;

import dev.jns.net.UserModeNetwork;
import dev.jns.testing.MachineState;
import dev.jns.testing.Privilege;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Outside connectivity for an unprivileged user's sandbox through slirp4netns, run as uid
 * 65534 in a child JVM ({@link SandboxMain} {@code user-mode-net}). The "outside" the sandbox
 * reaches is this machine's loopback: a server on 127.0.0.1, seen inside as 10.0.2.2.
 */
class RootlessUserModeNetworkTest {

    private static void requireSlirp4netnsForNobody() throws IOException {
        Privilege.requireRoot("switch to uid 65534");
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/slirp4netns")),
                "slirp4netns is not installed (Debian package slirp4netns; .ci/run installs it)");
        assumeTrue(Files.getPosixFilePermissions(Path.of("/dev/net/tun")).contains(PosixFilePermission.OTHERS_WRITE),
                "/dev/net/tun is closed to unprivileged users here (.ci/run opens it, mode 0666, as distributions ship it)");
    }

    @Test
    void anUnprivilegedSandboxReachesTheHostThroughSlirp4netns() throws Exception {
        requireSlirp4netnsForNobody();
        MachineState before = MachineState.capture();
        List<String> lines;
        try (ServerSocket server = new ServerSocket(0, 4, InetAddress.getLoopbackAddress())) {
            CompletableFuture<Integer> served = CompletableFuture.supplyAsync(() -> serveOnce(server));
            Process jvm = ChildJvm.sandboxMain(ChildJvm.asNobody(), "user-mode-net", Integer.toString(server.getLocalPort()))
                    .redirectErrorStream(true).start();
            String out = ChildJvm.output(jvm);
            lines = List.of(out.split("\n"));
            assertThat(jvm.exitValue()).as(out).isZero();
            assertThat(served.get(10, TimeUnit.SECONDS)).isEqualTo(1);
        }
        assertThat(byCase(lines, "slirp")).containsExactly(
                "tap0 UNKNOWN 10.0.2.100/24",
                "default via 10.0.2.2 dev tap0",
                "hello from the host's loopback",
                "exit 0");
        assertThat(byCase(lines, "slirp-closed-loopback")).containsExactly("no connection", "exit 0");
        assertThat(byCase(lines, "slirp-without-netns")).containsExactly(
                "IllegalStateException user-mode networking needs a new network namespace (NET)");
        // slirp4netns ended with each sandbox.
        assertThat(slirpsOfNobody()).isEmpty();
        MachineState.assertNothingLeakedSince(before);
    }

    @Test
    void slirp4netnsDiesWithAJvmKilledBySigkill() throws Exception {
        requireSlirp4netnsForNobody();
        MachineState before = MachineState.capture();
        Process jvm = ChildJvm.sandboxMain(ChildJvm.asNobody(), "user-mode-net-sleep")
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        long target = Long.parseLong(new BufferedReader(new InputStreamReader(jvm.getInputStream())).readLine());
        List<Long> slirps = slirpsOfNobody();
        assertThat(slirps).hasSize(1);

        jvm.destroyForcibly(); // no code of that JVM runs: only the pipes it held close
        jvm.waitFor();

        SpawnTest.waitUntilGone(target);
        waitUntilDead(slirps.getFirst());
        MachineState.assertNothingLeakedSince(before);
    }

    /** Gone, or a zombie: an orphan's zombie is PID 1's to reap, which this VM's init does late. */
    private static void waitUntilDead(long pid) throws IOException, InterruptedException {
        Path stat = Path.of("/proc/" + pid + "/stat");
        for (int i = 0; i < 500 && alive(stat); i++) Thread.sleep(10);
        assertThat(alive(stat)).as("slirp4netns %d still runs", pid).isFalse();
    }

    private static boolean alive(Path stat) throws IOException {
        try {
            String s = Files.readString(stat);
            return s.charAt(s.lastIndexOf(')') + 2) != 'Z';
        } catch (java.nio.file.NoSuchFileException gone) {
            return false;
        }
    }

    private static List<Long> slirpsOfNobody() throws IOException, InterruptedException {
        Process pgrep = new ProcessBuilder("pgrep", "-u", "65534", "-x", UserModeNetwork.COMMAND).start();
        String out = new String(pgrep.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        pgrep.waitFor();
        return out.lines().map(Long::parseLong).toList();
    }

    /** Answers one connection; a second would be the closed-loopback case getting through. */
    private static int serveOnce(ServerSocket server) {
        int served = 0;
        try {
            server.setSoTimeout(15_000);
            try (Socket s = server.accept()) {
                s.getOutputStream().write("hello from the host's loopback\n".getBytes(StandardCharsets.US_ASCII));
                served++;
            }
            server.setSoTimeout(4_000);
            try (Socket s = server.accept()) {
                served++;
            } catch (java.net.SocketTimeoutException expected) {
                // nobody else came
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return served;
    }

    private static List<String> byCase(List<String> lines, String name) {
        List<String> out = new ArrayList<>();
        for (String l : lines) {
            if (l.startsWith(name + ": ")) out.add(l.substring(name.length() + 2).strip().replaceAll("\\s+", " "));
        }
        return out;
    }
}
