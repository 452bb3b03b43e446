// A new capability: a sandbox's network, wired before its program starts.
//
// A program in a new network namespace has only a loopback. A before-exec step connects it
// while it waits to start: as any user, UserModeNetwork runs slirp4netns, a user-mode router
// that lives exactly as long as the program (here allowed to reach the host's 127.0.0.1 as
// 10.0.2.2); as root, VethUplink makes a veth to the host with an address on each end and a
// default route inside, deleted when the program ends. Both reach an HTTP server of this JVM.

import com.sun.net.httpserver.HttpServer;
import dev.jns.net.UserModeNetwork;
import dev.jns.net.VethUplink;
import dev.jns.spawn.NamespacedProcessBuilder;

import static dev.jns.ns.NamespaceType.*;

void main() throws Exception {
    // On every address of the host: 127.0.0.1 for slirp4netns, the veth's once it exists.
    HttpServer server = HttpServer.create(new InetSocketAddress(0), 0);
    server.createContext("/", exchange -> {
        byte[] body = ("hello, " + exchange.getRemoteAddress().getAddress().getHostAddress() + "\n").getBytes();
        exchange.sendResponseHeaders(200, body.length);
        exchange.getResponseBody().write(body);
        exchange.close();
    });
    server.start();
    int port = server.getAddress().getPort();
    try {
        Process rootless = new NamespacedProcessBuilder("curl", "-sS", "--max-time", "10", "http://10.0.2.2:" + port + "/")
                .mapRootToCurrentUser().newNamespaces(NET)
                .beforeExec(UserModeNetwork.slirp4netns().allowHostLoopback(true))
                .redirectErrorStream(true)
                .start();
        IO.print("through slirp4netns: " + new String(rootless.getInputStream().readAllBytes()));
        IO.println("curl exited " + rootless.waitFor());

        if (ProcessHandle.current().info().user().orElse("").equals("root")) {
            Process wired = new NamespacedProcessBuilder("curl", "-sS", "--max-time", "10", "http://10.77.44.1:" + port + "/")
                    .newNamespaces(NET)
                    .beforeExec(VethUplink.toHost("ex-" + ProcessHandle.current().pid(), "10.77.44.1/30", "eth0", "10.77.44.2/30"))
                    .redirectErrorStream(true)
                    .start();
            IO.print("through a veth: " + new String(wired.getInputStream().readAllBytes()));
            IO.println("curl exited " + wired.waitFor());
        }
    } finally {
        server.stop(0);
    }
}
