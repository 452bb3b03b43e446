package dev.jns.spawn;

import dev.jns.sys.LibC;
import dev.jns.testing.MachineState;
import dev.jns.testing.Privilege;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Pipe;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static dev.jns.ns.NamespaceType.NET;
import static dev.jns.ns.NamespaceType.UTS;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The library hands chosen descriptors of this JVM to the program, each at the number the
 * caller names, of every kind (they travel by SCM_RIGHTS, so sockets too), and nothing else:
 * the helper's own descriptors never show.
 */
class DescriptorHandoverTest {

    /** This JVM's open descriptors whose link starts with {@code prefix}. */
    private static List<Integer> fdsLike(String prefix) throws IOException {
        List<Integer> out = new ArrayList<>();
        try (var entries = Files.list(Path.of("/proc/self/fd"))) {
            for (Path p : entries.toList()) {
                try {
                    if (Files.readSymbolicLink(p).toString().startsWith(prefix)) out.add(Integer.parseInt(p.getFileName().toString()));
                } catch (IOException gone) {
                    // the directory stream's own fd, closed by now
                }
            }
        }
        return out;
    }

    /** The descriptor {@code make} opened: the one of that kind that was not there before. */
    private static int newFd(String prefix, IoAction make) throws Exception {
        List<Integer> before = fdsLike(prefix);
        make.run();
        List<Integer> after = new ArrayList<>(fdsLike(prefix));
        after.removeAll(before);
        assertThat(after).as("new %s descriptors", prefix).isNotEmpty();
        return after.getFirst();
    }

    @FunctionalInterface
    interface IoAction {
        void run() throws Exception;
    }

    /** What the program sees: its fd numbers and what each is, the directory it lists itself left out. */
    private static Map<Integer, String> seen(String out) {
        Map<Integer, String> fds = new TreeMap<>();
        for (String line : out.strip().split("\n")) {
            String[] f = line.split(" ", 2);
            if (f.length == 2 && !f[1].startsWith("/proc/")) fds.put(Integer.parseInt(f[0]), f[1]);
        }
        return fds;
    }

    @Test
    void everyKindOfDescriptorAtItsNumberAndNothingElse(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Privilege.requireRoot("create namespaces from a root JVM");
        MachineState before = MachineState.capture();
        Path file = Files.writeString(dir.resolve("file"), "x");
        int fileFd = LibC.open(file.toString(), LibC.O_RDONLY);
        Pipe[] pipe = new Pipe[1];
        int pipeFd = newFd("pipe:", () -> pipe[0] = Pipe.open());
        ServerSocketChannel unixServer = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        unixServer.bind(UnixDomainSocketAddress.of(dir.resolve("sock")));
        SocketChannel[] unix = new SocketChannel[1];
        int unixFd = newFd("socket:", () -> unix[0] = SocketChannel.open(UnixDomainSocketAddress.of(dir.resolve("sock"))));
        Selector[] selector = new Selector[1];
        int eventFd = newFd("anon_inode:[eventfd]", () -> selector[0] = Selector.open()); // the JDK's epoll wakeup
        int pidfd = LibC.pidfdOpen((int) ProcessHandle.current().pid(), 0);
        try {
            Process p = new NamespacedProcessBuilder("sh", "-c", "for f in /proc/self/fd/*; do echo ${f##*/} $(readlink $f); done")
                    .newNamespaces(UTS)
                    .inheritFd(fileFd, 3).inheritFd(pipeFd, 4).inheritFd(unixFd, 5).inheritFd(eventFd, 6).inheritFd(pidfd, 7)
                    // the numbers the helper uses for itself: its pipes to the JVM, its slots
                    .inheritFd(fileFd, 10).inheritFd(fileFd, 11).inheritFd(fileFd, 12).inheritFd(fileFd, 100)
                    .start();
            String out = new String(p.getInputStream().readAllBytes());
            assertThat(p.waitFor()).isZero();
            Map<Integer, String> fds = seen(out);
            assertThat(fds.keySet()).as(out).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 10, 11, 12, 100);
            assertThat(fds.get(3)).isEqualTo(file.toString());
            assertThat(fds.get(4)).startsWith("pipe:");
            assertThat(fds.get(5)).startsWith("socket:");
            assertThat(fds.get(6)).isEqualTo("anon_inode:[eventfd]");
            assertThat(fds.get(7)).contains("pidfd");
            assertThat(fds.get(10)).isEqualTo(file.toString());
            assertThat(fds.get(100)).isEqualTo(file.toString());
        } finally {
            LibC.close(fileFd);
            LibC.close(pidfd);
            pipe[0].source().close();
            pipe[0].sink().close();
            unix[0].close();
            unixServer.close();
            selector[0].close();
        }
        MachineState.assertNothingLeakedSince(before);
    }

    @Test
    void aConnectedSocketStillWorksFromInsideANewNetworkNamespace() throws Exception {
        Privilege.requireRoot("create a network namespace from a root JVM");
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<String> received = CompletableFuture.supplyAsync(() -> {
                try (Socket s = server.accept(); InputStream in = s.getInputStream()) {
                    return new String(in.readAllBytes(), StandardCharsets.UTF_8);
                } catch (IOException e) {
                    return e.toString();
                }
            });
            try (Socket client = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort())) {
                int fd = newSocketFdOf(client);
                Process p = new NamespacedProcessBuilder("sh", "-c", "ip -o link | wc -l; echo hello from inside >&9")
                        .newNamespaces(NET).inheritFd(fd, 9).start();
                assertThat(new String(p.getInputStream().readAllBytes()).strip()).as("links in the new namespace").isEqualTo("1");
                assertThat(p.waitFor()).isZero();
            }
            assertThat(received.get(10, TimeUnit.SECONDS)).isEqualTo("hello from inside\n");
        }
    }

    /** The fd of a connected socket: the socket whose local port is the client's. */
    private static int newSocketFdOf(Socket client) throws IOException {
        String want = String.format(":%04X", client.getLocalPort());
        long inode = -1;
        for (String table : List.of("/proc/self/net/tcp", "/proc/self/net/tcp6")) { // a Java socket is often AF_INET6
            for (String line : Files.readAllLines(Path.of(table))) {
                String[] f = line.trim().split("\\s+");
                if (f.length > 9 && f[1].endsWith(want)) inode = Long.parseLong(f[9]);
            }
        }
        for (int fd : fdsLike("socket:[" + inode + "]")) return fd;
        throw new IllegalStateException("no fd for the client socket");
    }
}
