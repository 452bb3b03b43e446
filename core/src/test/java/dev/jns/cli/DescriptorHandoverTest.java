package dev.jns.cli;

import dev.jns.testing.JnsInstall;
import dev.jns.testing.MachineState;
import dev.jns.testing.Privilege;
import dev.jns.testing.RunAs;
import dev.jns.testing.Tool;
import dev.jns.testing.ToolResult;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shell's descriptors reach the program of {@code jns unshare}, {@code jns nsenter} and
 * {@code jns netns exec} at the same numbers, as with util-linux and ip: a file, a fifo, a
 * pipe, and a TCP socket that still works from inside a new network namespace. The same
 * script runs through the reference tool and through jns, and both must print the same.
 */
class DescriptorHandoverTest {
    private static JnsInstall jns;

    @BeforeAll
    static void install() {
        jns = JnsInstall.shared();
    }


    /**
     * Runs {@code tool ... sh -c PROGRAM} from a bash that opened fds 5-9 first, with a TCP
     * server on 127.0.0.1 taking the line the program writes to fd 9; returns what the program
     * printed and the line the server got.
     */
    private static String[] run(Path dir, String tool) throws Exception {
        return run(dir, tool, RunAs.caller());
    }

    private static String[] run(Path dir, String tool, RunAs as) throws Exception {
        Files.writeString(dir.resolve("file"), "from a file\n");
        Path fifo = dir.resolve("fifo");
        Files.deleteIfExists(fifo);
        assertThat(new ProcessBuilder("mkfifo", "-m", "666", fifo.toString()).start().waitFor()).isZero();
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<String> received = CompletableFuture.supplyAsync(() -> {
                try (Socket s = server.accept(); InputStream in = s.getInputStream()) {
                    return new String(in.readAllBytes(), StandardCharsets.UTF_8);
                } catch (IOException e) {
                    return "server: " + e;
                }
            });
            String program = "cat <&5; echo through a fifo >&6; read l <&6; echo $l; read p <&7; echo $p; "
                    + "echo over tcp >&9; ls /proc/self/fd | grep -x \"[5-9]\" | tr \"\\n\" \" \"";
            String script = "exec 5<" + dir.resolve("file") + " 6<>" + fifo + " 7< <(echo through a pipe)"
                    + " 9<>/dev/tcp/127.0.0.1/" + server.getLocalPort() + "; " + tool + " sh -c '" + program + "'";
            ToolResult r = Tool.run(as, List.of("bash", "-c", script), Map.of(), Duration.ofSeconds(60));
            assertThat(r.exit()).as("%s", r).isZero();
            return new String[] {r.stdout(), received.get(10, TimeUnit.SECONDS)};
        }
    }

    private static final String SEEN = "from a file\nthrough a fifo\nthrough a pipe\n5 6 7 9 ";

    @Test
    void unshareHandsOverEveryInheritedDescriptorAsUtilLinuxDoes(@TempDir Path dir) throws Exception {
        Privilege.requireRoot("create a network namespace as root, as util-linux's unshare does here");
        MachineState before = MachineState.capture();
        String[] utilLinux = run(dir, "unshare -n");
        String[] mine = run(dir, String.join(" ", jns.command("unshare", "-n")));
        assertThat(utilLinux).containsExactly(SEEN, "over tcp\n");
        assertThat(mine).containsExactly(utilLinux);
        MachineState.assertNothingLeakedSince(before);
    }

    @Test
    void unshareAsAnUnprivilegedUserToo(@TempDir Path dir) throws Exception {
        Privilege.requireRoot("switch to uid 65534 for the run");
        Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
        String[] mine = run(dir, String.join(" ", jns.command("unshare", "-Urn")), RunAs.nobody());
        assertThat(mine).containsExactly(SEEN, "over tcp\n");
    }

    @Test
    void nsenterHandsThemOverToo(@TempDir Path dir) throws Exception {
        Privilege.requireRoot("enter another process's namespaces");
        String target = Long.toString(ProcessHandle.current().pid());
        String[] utilLinux = run(dir, "nsenter -t " + target + " -u");
        String[] mine = run(dir, String.join(" ", jns.command("nsenter", "-t", target, "-u")));
        assertThat(utilLinux).containsExactly(SEEN, "over tcp\n");
        assertThat(mine).containsExactly(utilLinux);
    }

    @Test
    void netnsExecHandsThemOverAsIpDoes(@TempDir Path dir) throws Exception {
        Privilege.requireRoot("add a named network namespace");
        MachineState before = MachineState.capture();
        String name = "jns-fds-" + ProcessHandle.current().pid();
        assertThat(new ProcessBuilder("ip", "netns", "add", name).start().waitFor()).isZero();
        try {
            String[] ip = run(dir, "ip netns exec " + name);
            String[] mine = run(dir, String.join(" ", jns.command("netns", "exec", name)));
            assertThat(ip).containsExactly(SEEN, "over tcp\n");
            assertThat(mine).containsExactly(ip);
        } finally {
            new ProcessBuilder("ip", "netns", "delete", name).start().waitFor();
        }
        MachineState.assertNothingLeakedSince(before);
    }

    @Test
    void theEnvironmentPassesUntouchedInItsOrder() throws Exception {
        List<String> env = List.of("env", "-i", "Z=0", "B=2", "A=1", "C=3");
        ToolResult utilLinux = Tool.run(RunAs.caller(), concat(env, List.of("unshare", "env")), Map.of(), Duration.ofSeconds(30));
        ToolResult mine = Tool.run(RunAs.caller(), concat(env, jns.command("unshare", "env")), Map.of(), Duration.ofSeconds(30));
        assertThat(utilLinux.stdout()).isEqualTo("Z=0\nB=2\nA=1\nC=3\n");
        assertThat(mine.stdout()).isEqualTo(utilLinux.stdout());
    }

    private static List<String> concat(List<String> a, List<String> b) {
        return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
    }
}
