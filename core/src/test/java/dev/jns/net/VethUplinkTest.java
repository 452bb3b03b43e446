package dev.jns.net;

import dev.jns.ns.NamespaceType;
import dev.jns.spawn.NamespacedProcess;
import dev.jns.spawn.NamespacedProcessBuilder;
import dev.jns.testing.Json;
import dev.jns.testing.LeakCheck;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A spawned program in a new network namespace, wired by {@link VethUplink} as a before-exec
 * step of the builder: the program's first instruction already sees the network.
 */
class VethUplinkTest {
    @RegisterExtension
    final LeakCheck leaks = LeakCheck.asRoot("create network namespaces and veths");

    /** Runs {@code script} in a new net namespace set up by {@code builder}'s settings; returns its output. */
    private static String run(NamespacedProcessBuilder builder, String script) throws Exception {
        NamespacedProcess p = builder.command("bash", "-c", script).newNamespaces(NamespaceType.NET)
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(out).isZero();
        return out;
    }

    @Test
    void loopbackIsUpByDefaultAndDownWhenAskedTo() throws Exception {
        // (/sys inside is still the host's: the builder made no new sysfs, so ask netlink via ip.)
        assertThat(run(new NamespacedProcessBuilder(), "ip -br link")).matches("lo +UNKNOWN +\\S+ <LOOPBACK,UP,LOWER_UP> *\n");
        assertThat(run(new NamespacedProcessBuilder().loopbackUp(false), "ip -br link")).matches("lo +DOWN +\\S+ <LOOPBACK> *\n");
    }

    /** Accepts one connection on {@code server}, greets it, and says where it came from. */
    private static CompletableFuture<String> greetOnce(ServerSocket server, String greeting) {
        return CompletableFuture.supplyAsync(() -> {
            try (Socket s = server.accept()) {
                s.getOutputStream().write((greeting + "\n").getBytes(StandardCharsets.US_ASCII));
                return s.getInetAddress().getHostAddress();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    @Test
    void vethToTheHostWithADefaultRouteCarriesTcp() throws Exception {
        String hostEnd = "jnst-h" + Long.toString(System.nanoTime() % 100000, 36);
        VethUplink net = VethUplink.toHost(hostEnd, "10.77.11.1/30", "eth0", "10.77.11.2/30");
        // Steps run in order: the second listens on the host end's address, which the first made.
        AtomicReference<ServerSocket> server = new AtomicReference<>();
        AtomicReference<CompletableFuture<String>> accepted = new AtomicReference<>();
        NamespacedProcessBuilder b = new NamespacedProcessBuilder().beforeExec(net).beforeExec((pid, ns) -> {
            server.set(new ServerSocket(7711, 1, InetAddress.ofLiteral("10.77.11.1")));
            accepted.set(greetOnce(server.get(), "from-host"));
            return server.get();
        });
        String out = run(b, "ip -j route; exec 3<>/dev/tcp/10.77.11.1/7711; cat <&3");
        List<Map<String, Object>> routes = Json.parseArray(out.lines().findFirst().orElseThrow());
        assertThat(routes).anySatisfy(r -> {
            assertThat(r.get("dst")).isEqualTo("default");
            assertThat(r.get("gateway")).isEqualTo("10.77.11.1");
            assertThat(r.get("dev")).isEqualTo("eth0");
        });
        assertThat(out).endsWith("from-host\n");
        assertThat(accepted.get().get()).isEqualTo("10.77.11.2");
        assertThat(server.get().isClosed()).as("released when the program ended").isTrue();
        // Released with the program: the host end is gone before waitFor() returned.
        assertThat(Shell.run("ip", "link", "show", hostEnd).exit()).isNotZero();
    }

    @Test
    void theHostEndIsGoneWhenWaitForReturnsSoItsNameCanBeReusedAtOnce() throws Exception {
        String hostEnd = "jnst-r" + Long.toString(System.nanoTime() % 100000, 36);
        VethUplink net = VethUplink.toHost(hostEnd, "10.77.14.1/30", "eth0", "10.77.14.2/30");
        try (NetworkConfig host = NetworkConfig.current()) {
            for (int i = 0; i < 50; i++) {
                NamespacedProcess p = new NamespacedProcessBuilder("true").newNamespaces(NamespaceType.NET)
                        .beforeExec(net).start();
                assertThat(p.waitFor()).as("start %d", i).isZero();
                assertThat(host.link(hostEnd)).as("host end right after waitFor() of start %d", i).isEmpty();
            }
        }
    }

    @Test
    void vethToANamedNamespaceReachesAServerThere() throws Exception {
        String peerName = Shell.uniqueName("tp");
        try (NetNamespace peer = NetNamespace.create(peerName)) {
            peer.network().setUp("lo", true);
            VethUplink net = VethUplink.to(peer, "to-sandbox", "10.77.13.1/30", "eth0", "10.77.13.2/30");
            // Any address, but only the peer's: the socket lives in the peer's namespace.
            try (ServerSocket server = peer.run(() -> new ServerSocket(7713, 1, InetAddress.ofLiteral("0.0.0.0")))) {
                CompletableFuture<String> accepted = greetOnce(server, "from-peer");
                String out = run(new NamespacedProcessBuilder().beforeExec(net), "exec 3<>/dev/tcp/10.77.13.1/7713; cat <&3");
                assertThat(out).isEqualTo("from-peer\n");
                assertThat(accepted.get()).isEqualTo("10.77.13.2");
            }
            // The sandbox is gone, and its veth with it: the peer's end too, before waitFor() returned.
            assertThat(peer.network().link("to-sandbox")).isEmpty();
        } finally {
            Shell.deleteQuietly(peerName);
        }
    }

    @Test
    void aStepThatFailsRemovesThePair() throws Exception {
        String hostEnd = "jnst-f" + Long.toString(System.nanoTime() % 100000, 36);
        // The same address twice inside: the kernel refuses the second, after the pair exists.
        VethUplink net = new VethUplink(Optional.empty(), hostEnd, List.of(Cidr.parse("10.77.12.1/30")), "eth0",
                List.of(Cidr.parse("10.77.12.2/30"), Cidr.parse("10.77.12.2/30")), true);
        // The program must never run: it would leave this file behind.
        Path ran = Files.createTempFile("jns-uplink", ".ran");
        Files.delete(ran);
        assertThatThrownBy(() -> new NamespacedProcessBuilder("touch", ran.toString()).newNamespaces(NamespaceType.NET)
                .beforeExec(net).start())
                .isInstanceOf(NetlinkException.class)
                .hasMessageContaining("Address already assigned");
        assertThat(ran).doesNotExist();
        assertThat(Shell.run("ip", "link", "show", hostEnd).exit()).isNotZero();
    }
}
