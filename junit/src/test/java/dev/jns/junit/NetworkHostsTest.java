package dev.jns.junit;

import dev.jns.ns.Namespace;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

@NetworkHosts({"client", "server"})
class NetworkHostsTest {
    private String beforeEachNet;

    @BeforeEach
    void recordWhereBeforeEachRuns() throws IOException {
        beforeEachNet = MachineView.threadNet();
    }

    @Test
    void theTestRunsInTheFirstHostAndTalksToTheSecondOverTheVeth(NetHost client, @Host("server") NetHost server,
                                                                  Namespace clientNamespace) throws Exception {
        assertThat(client.name()).isEqualTo("client");
        assertThat(MachineView.threadNet()).isEqualTo(link(client.namespace())).isEqualTo(beforeEachNet);
        assertThat(clientNamespace).isEqualTo(client.namespace());
        assertThat(client.address()).contains(InetAddress.getByName("10.0.0.1"));
        assertThat(server.address()).contains(InetAddress.getByName("10.0.0.2"));
        assertThat(client.network().link("eth0")).isPresent();

        try (ServerSocket listening = server.run(() -> new ServerSocket(8080, 5, InetAddress.getByName("10.0.0.2")));
             ExecutorService inServer = Executors.newThreadPerTaskExecutor(server.threadFactory())) {
            Future<String> served = inServer.submit(() -> {
                try (Socket s = listening.accept()) {
                    String where = MachineView.threadNet();
                    new DataOutputStream(s.getOutputStream()).writeUTF(s.getInetAddress().getHostAddress());
                    return where;
                }
            });
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("10.0.0.2", 8080), 5000);
                assertThat(new DataInputStream(s.getInputStream()).readUTF()).isEqualTo("10.0.0.1");
            }
            assertThat(served.get()).isEqualTo(link(server.namespace()));
        }
        // The hosts are not the JVM's own network namespace (that of its main thread).
        assertThat(java.nio.file.Files.readSymbolicLink(java.nio.file.Path.of("/proc/self/ns/net")).toString())
                .isNotEqualTo(link(client.namespace())).isNotEqualTo(link(server.namespace()));
    }

    @Test
    @NetworkHosts({"a", "b", "c"})
    void moreThanTwoHostsShareABridge(@Host("b") NetHost b, @Host("c") NetHost c) throws Exception {
        assertThat(c.address()).contains(InetAddress.getByName("10.0.0.3"));
        try (ServerSocket inC = c.run(() -> new ServerSocket(9000, 5, InetAddress.getByName("10.0.0.3")))) {
            for (String from : new String[] {"a", "b"}) {
                NetHost origin = from.equals("b") ? b : null;
                ServerSocket target = inC;
                Socket[] accepted = new Socket[1];
                Thread acceptor = Thread.ofPlatform().start(() -> {
                    try {
                        accepted[0] = target.accept();
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                });
                if (origin == null) {
                    try (Socket s = new Socket()) { s.connect(new InetSocketAddress("10.0.0.3", 9000), 5000); acceptor.join(); }
                } else {
                    origin.run(() -> {
                        try (Socket s = new Socket()) { s.connect(new InetSocketAddress("10.0.0.3", 9000), 5000); acceptor.join(); }
                        return null;
                    });
                }
                assertThat(accepted[0].getInetAddress().getHostAddress()).isEqualTo(from.equals("a") ? "10.0.0.1" : "10.0.0.2");
                accepted[0].close();
            }
        }
    }

    @Test
    @IsolatedNetwork
    void anIsolatedNetworkHasOnlyLoopbackUp(NetHost self) {
        assertThat(self.address()).isEmpty();
        assertThat(self.network().links()).extracting(dev.jns.net.Link::name).containsExactly("lo");
    }

    private static String link(Namespace ns) {
        return "net:[" + ns.inode() + "]";
    }
}
