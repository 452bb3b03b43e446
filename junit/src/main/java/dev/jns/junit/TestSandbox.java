package dev.jns.junit;

import dev.jns.sandbox.Sandbox;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A full sandbox on one host of the test's network: programs started through
 * {@link #command} run in bubblewrap's model (new user, pid, mount, ipc, uts and cgroup
 * namespaces; an empty root holding a read-only {@code /usr} and the system's links to it,
 * a fresh {@code /proc}, a minimal {@code /dev}, a private {@code /tmp}; no capability
 * left) while sharing this host's network namespace, so the test's own sockets reach them
 * and nothing else does. Ask for one as a parameter of a test that has a network
 * ({@link IsolatedNetwork} or {@link NetworkHosts}; {@link Host} picks the host).
 *
 * <p>Whatever is still running in the test's network when the test ends (these sandboxes,
 * or any process the test started inside) is killed before the network is torn down, also
 * when the test fails or times out.
 */
public final class TestSandbox {
    /** The top-level names a merged-/usr system links into {@code /usr}, bound the same way. */
    private static final List<String> SYSTEM_LINKS = List.of("bin", "sbin", "lib", "lib32", "lib64", "libx32");

    private final NetHost host;

    TestSandbox(NetHost host) {
        this.host = host;
    }

    /**
     * The host whose network the sandboxes share.
     *
     * @return the host
     */
    public NetHost host() {
        return host;
    }

    /**
     * A sandbox for {@code command}, set up as the class describes; add binds, environment or
     * a seccomp filter before {@link Sandbox#start()}.
     *
     * @param command the program and its arguments
     * @return the sandbox, not started
     */
    public Sandbox command(String... command) {
        Sandbox sandbox = Sandbox.command(command).unshareAll().joinNamespace(host.namespace())
                .roBind("/usr", "/usr");
        for (String name : SYSTEM_LINKS) {
            Path top = Path.of("/", name);
            if (Files.isSymbolicLink(top)) {
                sandbox.symlink(readLink(top), top.toString());
            } else if (Files.isDirectory(top)) {
                sandbox.roBind(top.toString(), top.toString());
            }
        }
        return sandbox.proc("/proc").dev("/dev").tmpfs("/tmp");
    }

    private static String readLink(Path link) {
        try {
            return Files.readSymbolicLink(link).toString();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("reading the link " + link, e);
        }
    }

    @Override
    public String toString() {
        return "sandbox on " + host;
    }
}
