package dev.jns.net;

import com.sun.net.httpserver.HttpServer;
import dev.jns.spawn.NamespacedProcessBuilder;
import dev.jns.testing.LeakCheck;
import dev.jns.testing.Privilege;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Java sockets across namespaces joined by a veth. The addresses (10.77.9.0/24) exist only
 * inside the test's namespaces; no packet is ever sent through the host's own network.
 */
class CrossNamespaceTrafficTest {
    private final String nameA = Shell.uniqueName("ta"), nameB = Shell.uniqueName("tb"), nameC = Shell.uniqueName("tc");
    @RegisterExtension
    final LeakCheck leaks = LeakCheck.asRoot("create network namespaces and veths");

    @AfterEach
    void cleanUp() {
        if (Privilege.isRoot()) Shell.deleteQuietly(nameA, nameB, nameC);
    }

    @Test
    void tcpBetweenTwoNamespacesOverAVeth() throws Exception {
        try (NetNamespace a = NetNamespace.create(nameA); NetNamespace b = NetNamespace.create(nameB)) {
            Veth.connect(a, "10.77.9.1/24", b, "10.77.9.2/24");
            try (ServerSocket server = a.run(() -> new ServerSocket(7777, 1, InetAddress.ofLiteral("10.77.9.1")))) {
                CompletableFuture<String> served = CompletableFuture.supplyAsync(() -> {
                    try (Socket s = server.accept()) {
                        String peer = s.getInetAddress().getHostAddress();
                        s.getOutputStream().write(("hello " + peer).getBytes(StandardCharsets.UTF_8));
                        return peer;
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                });
                String reply = b.run(() -> {
                    try (Socket s = new Socket()) {
                        s.connect(new InetSocketAddress("10.77.9.1", 7777), 5000);
                        return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                    }
                });
                assertThat(reply).isEqualTo("hello 10.77.9.2");
                assertThat(served.get()).isEqualTo("10.77.9.2");
            }
        }
    }

    @Test
    void httpServerInsideAReachedFromBButNotFromOutside() throws Exception {
        try (NetNamespace a = NetNamespace.create(nameA); NetNamespace b = NetNamespace.create(nameB);
             NetNamespace c = NetNamespace.create(nameC)) {
            Veth v = Veth.connect(a, "10.77.9.1/24", b, "10.77.9.2/24");
            HttpServer server = a.run(() -> HttpServer.create(new InetSocketAddress("10.77.9.1", 8080), 0));
            server.createContext("/", ex -> {
                byte[] body = ("served in " + nameA + " to " + ex.getRemoteAddress().getAddress().getHostAddress())
                        .getBytes(StandardCharsets.UTF_8);
                ex.sendResponseHeaders(200, body.length);
                try (OutputStream o = ex.getResponseBody()) {
                    o.write(body);
                }
            });
            server.start(); // its dispatcher thread starts here, in the JVM's namespace; the socket stays in A
            try {
                String response = b.run(() -> httpGet("10.77.9.1", 8080));
                assertThat(response).startsWith("HTTP/1.1 200").endsWith("served in " + nameA + " to 10.77.9.2");

                // The scenario's way: a real curl process started inside B.
                Process curl = new NamespacedProcessBuilder("curl", "-s", "--max-time", "5", "http://10.77.9.1:8080/")
                        .joinNamespace(b.namespace()).redirectErrorStream(true).start();
                String curlOut = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertThat(curl.waitFor()).as(curlOut).isZero();
                assertThat(curlOut).isEqualTo("served in " + nameA + " to 10.77.9.2");

                // A namespace with no veth has no route there: refused locally, nothing sent.
                c.network().setUp("lo", true);
                assertThatThrownBy(() -> c.run(() -> httpGet("10.77.9.1", 8080)))
                        .isInstanceOfAny(SocketException.class, NoRouteToHostException.class)
                        .hasMessageContaining("unreachable");

                // The host: the server is not bound here, and nothing jns made leads from here
                // to 10.77.9.0/24 (no link, no address, no route of its own; only the default
                // route, which leads out of the machine and is deliberately not tried).
                assertThatThrownBy(() -> httpGet("127.0.0.1", 8080)).isInstanceOf(ConnectException.class);
                try (NetworkConfig host = NetworkConfig.current()) {
                    assertThat(host.links()).extracting(Link::name).doesNotContain(v.nameInA(), v.nameInB());
                    assertThat(host.addresses()).noneMatch(addr -> addr.cidr().network().equals(Cidr.parse("10.77.9.0/24")));
                    assertThat(host.routes()).noneMatch(r -> !r.isDefault() && r.destination().isIpv4()
                            && r.destination().prefixLength() <= 24
                            && r.destination().network().equals(new Cidr(InetAddress.ofLiteral("10.77.9.1"),
                                    r.destination().prefixLength()).network()));
                }
            } finally {
                server.stop(0);
            }
        }
    }

    /** A minimal HTTP/1.1 GET on a plain socket (opened on the calling thread, so in its namespace). */
    private static String httpGet(String host, int port) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), 5000);
            s.getOutputStream().write(("GET / HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
