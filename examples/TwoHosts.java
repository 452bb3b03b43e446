// Story 1 of SCENARIOS.md: a test author wants two isolated "hosts" and a server in one.
//
// Two named network namespaces wired by a veth; an HTTP server of this JVM listens inside
// host-a; curl, sandboxed into host-b, fetches a page from it; the host itself cannot reach
// host-a. When the try block ends both namespaces, the veth and the /run/netns entries are
// gone. Needs root: named network namespaces live in /run/netns.
//
//   java --enable-native-access=ALL-UNNAMED -cp core/target/jns.jar examples/TwoHosts.java

import com.sun.net.httpserver.HttpServer;
import dev.jns.net.NetNamespace;
import dev.jns.net.Veth;
import dev.jns.sandbox.Sandbox;

void main() throws Exception {
    // The JDK makes one socket on the first use of any socket channel or socket (sun.nio.ch's
    // pre-close socket, kept for the JVM's life). Made inside a namespace, it would keep that
    // namespace alive after close: have it made here, in the JVM's own network namespace.
    ServerSocketChannel.open().close();
    // Names of this run's own, so that two runs on one machine do not collide.
    String suffix = "-" + ProcessHandle.current().pid();
    try (var a = NetNamespace.create("host-a" + suffix); var b = NetNamespace.create("host-b" + suffix)) {
        Veth.connect(a, "10.77.42.1/24", b, "10.77.42.2/24");
        // The listening socket is made inside host-a. HttpServer.create also starts its idle
        // timer thread there; stop() ends it, so stop the server before the namespaces close.
        AtomicInteger served = new AtomicInteger();
        HttpServer server = a.run(() -> HttpServer.create(new InetSocketAddress("10.77.42.1", 8080), 0));
        server.createContext("/", exchange -> {
            served.incrementAndGet();
            byte[] body = "hello from host-a\n".getBytes();
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        try {
            Process curl = Sandbox.command("curl", "-sS", "--max-time", "10", "http://10.77.42.1:8080/")
                    .unshareAll().joinNamespace(b.namespace())      // every namespace new but host-b's network
                    .roBind("/usr", "/usr").symlink("usr/bin", "/bin").symlink("usr/lib", "/lib").symlink("usr/lib64", "/lib64")
                    .redirectErrorStream(true)
                    .start();
            IO.print("curl in host-b got: " + new String(curl.getInputStream().readAllBytes()));
            IO.println("curl exited " + curl.waitFor());

            // The host has no way to host-a: the request goes out its default route, if any
            // (where a proxy may even answer), and never reaches the server.
            String fromHost;
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("10.77.42.1", 8080), 1000);
                socket.setSoTimeout(1000);
                socket.getOutputStream().write("GET / HTTP/1.0\r\n\r\n".getBytes());
                fromHost = new String(socket.getInputStream().readAllBytes());
            } catch (IOException e) {
                fromHost = e.toString();
            }
            IO.println("the host got host-a's page: " + fromHost.contains("hello from host-a"));
            IO.println("requests host-a served: " + served.get());
        } finally {
            server.stop(0);
        }
    }
    IO.println("after close, /run/netns/host-a" + suffix + " exists: " + Files.exists(Path.of("/run/netns/host-a" + suffix)));
}
