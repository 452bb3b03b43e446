package dev.jns.net;

import dev.jns.testing.Json;
import dev.jns.ns.NamespaceType;
import dev.jns.spawn.NamespacedProcess;
import dev.jns.spawn.NamespacedProcessBuilder;
import dev.jns.testing.MachineState;
import dev.jns.testing.Privilege;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A spawned program in a new network namespace, configured by {@link SandboxNetwork} while
 * it waits for a line on stdin (the builder opens the namespace handles before exec).
 */
class SandboxNetworkTest {
    private MachineState before;

    @BeforeEach
    void capture() {
        Privilege.requireRoot("create network namespaces and veths");
        before = MachineState.capture();
    }

    @AfterEach
    void check() {
        if (before != null) MachineState.assertNothingLeakedSince(before);
    }

    /** Starts {@code script} in a new net namespace after it reads one line; returns its output. */
    private static String runConfigured(SandboxNetwork network, String script) throws Exception {
        NamespacedProcess p = new NamespacedProcessBuilder("bash", "-c", "read go; " + script)
                .newNamespaces(NamespaceType.NET).loopbackUp(network.loopbackUp())
                .openNamespaceHandles(true).redirectErrorStream(true).start();
        try (var netns = p.namespaces().get(NamespaceType.NET)) {
            network.apply(netns);
        } catch (RuntimeException e) {
            p.destroyForcibly();
            p.waitFor();
            throw e;
        }
        try (OutputStream in = p.getOutputStream()) {
            in.write("go\n".getBytes(StandardCharsets.US_ASCII));
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(out).isZero();
        return out;
    }

    @Test
    void loopbackIsUpByDefaultAndDownWhenUntouched() throws Exception {
        // (/sys inside is still the host's: the builder made no new sysfs, so ask netlink via ip.)
        assertThat(runConfigured(SandboxNetwork.loopbackOnly(), "ip -br link")).matches("lo +UNKNOWN +\\S+ <LOOPBACK,UP,LOWER_UP> *\n");
        assertThat(runConfigured(SandboxNetwork.untouched(), "ip -br link")).matches("lo +DOWN +\\S+ <LOOPBACK> *\n");
    }

    @Test
    void vethToTheHostWithADefaultRouteCarriesTcp() throws Exception {
        String hostEnd = "jnst-h" + Long.toString(System.nanoTime() % 100000, 36);
        SandboxNetwork net = SandboxNetwork.loopbackOnly().withVethToHost(hostEnd, "10.77.11.1/30", "eth0", "10.77.11.2/30");
        try (ServerSocket server = new ServerSocket(7711, 1, InetAddress.ofLiteral("0.0.0.0"))) {
            CompletableFuture<String> accepted = CompletableFuture.supplyAsync(() -> {
                try (Socket s = server.accept()) {
                    s.getOutputStream().write("from-host\n".getBytes(StandardCharsets.US_ASCII));
                    return s.getInetAddress().getHostAddress();
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            String out = runConfigured(net, "ip -j route; exec 3<>/dev/tcp/10.77.11.1/7711; cat <&3");
            List<Map<String, Object>> routes = Json.parseArray(out.lines().findFirst().orElseThrow());
            assertThat(routes).anySatisfy(r -> {
                assertThat(r.get("dst")).isEqualTo("default");
                assertThat(r.get("gateway")).isEqualTo("10.77.11.1");
                assertThat(r.get("dev")).isEqualTo("eth0");
            });
            assertThat(out).endsWith("from-host\n");
            assertThat(accepted.get()).isEqualTo("10.77.11.2");
        }
        // The sandbox's namespace died with it, and the host end went with the pair.
        NetnsCliInteropTest.waitUntil(() -> !Shell.run("ip", "link", "show", hostEnd).out().contains(hostEnd));
    }

    @Test
    void aStepThatFailsRemovesThePair() throws Exception {
        String hostEnd = "jnst-f" + Long.toString(System.nanoTime() % 100000, 36);
        // The same address twice inside: the kernel refuses the second, after the pair exists.
        SandboxNetwork net = new SandboxNetwork(true, java.util.Optional.of(new SandboxNetwork.Uplink(
                java.util.Optional.empty(), hostEnd, List.of(Cidr.parse("10.77.12.1/30")), "eth0",
                List.of(Cidr.parse("10.77.12.2/30"), Cidr.parse("10.77.12.2/30")), true)));
        assertThatThrownBy(() -> runConfigured(net, "true")).isInstanceOf(dev.jns.net.rtnl.NetlinkException.class)
                .hasMessageContaining("Address already assigned");
        assertThat(Shell.run("ip", "link", "show", hostEnd).exit()).isNotZero();
    }
}
