package dev.jns.net;

import dev.jns.ns.Namespace;
import dev.jns.ns.NamespaceType;
import dev.jns.spawn.BeforeExec;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Outside connectivity for a sandbox's new network namespace without root: no veth can
 * reach the host's namespace then, so a user-mode network stack, slirp4netns, plays the
 * router. It joins the sandbox's user and network namespaces, makes a tap device there
 * ({@value #INTERFACE}, {@value #SANDBOX_ADDRESS}/24, default route via {@value #GATEWAY},
 * DNS at {@value #DNS}), and relays the sandbox's traffic through ordinary sockets of the
 * user who started it.
 *
 * <p>A before-exec step of the spawn builder:
 * <pre>{@code
 * new NamespacedProcessBuilder("curl", "https://example.org/")
 *         .mapRootToCurrentUser().newNamespaces(NamespaceType.NET)
 *         .beforeExec(UserModeNetwork.slirp4netns())
 *         .start();
 * }</pre>
 * The program starts once the network is configured. slirp4netns lives as long as the
 * program: it is told to exit when the program ends, and it exits by itself if this JVM dies
 * (its exit descriptor is a pipe only this JVM writes).
 *
 * <p>The sandbox cannot reach the host's own loopback services unless
 * {@link #allowHostLoopback} says so; then {@value #GATEWAY} is the host's 127.0.0.1.
 */
public final class UserModeNetwork implements BeforeExec {
    /** The program run, looked up in {@code PATH}. */
    public static final String COMMAND = "slirp4netns";
    /** The Debian package that has it, for the message when it is missing. */
    public static final String DEBIAN_PACKAGE = "slirp4netns";
    /** The interface the sandbox gets. */
    public static final String INTERFACE = "tap0";
    /** The sandbox's address on it (a /24). */
    public static final String SANDBOX_ADDRESS = "10.0.2.100";
    /** The default gateway. */
    public static final String GATEWAY = "10.0.2.2";
    /** The DNS forwarder, which relays to the host's resolver. */
    public static final String DNS = "10.0.2.3";
    static final Path TUN = Path.of("/dev/net/tun");
    /** The largest MTU slirp4netns takes; far faster than Ethernet's 1500 for bulk transfers. */
    private static final int MTU = 65520;
    private static final long EXIT_WAIT_MILLIS = 2_000;
    /** slirp4netns is ready within milliseconds; one that takes this long is stuck. */
    private static final long READY_MILLIS = 10_000;
    private static final int NOT_IN_TIME = -2;

    private final boolean hostLoopback;
    private final List<Path> searchPath;

    private UserModeNetwork(boolean hostLoopback, List<Path> searchPath) {
        this.hostLoopback = hostLoopback;
        this.searchPath = searchPath;
    }

    /**
     * slirp4netns from {@code $PATH}, without access to the host's loopback.
     *
     * @return the network
     */
    public static UserModeNetwork slirp4netns() {
        return new UserModeNetwork(false, searchPath());
    }

    /**
     * Whether {@value #GATEWAY} inside reaches the host's {@code 127.0.0.1} services.
     *
     * @param allow whether to allow it
     * @return a copy with that setting
     */
    public UserModeNetwork allowHostLoopback(boolean allow) {
        return new UserModeNetwork(allow, searchPath);
    }

    /** The same, looking for slirp4netns in these directories instead of {@code $PATH}. */
    UserModeNetwork searchingIn(List<Path> dirs) {
        return new UserModeNetwork(hostLoopback, List.copyOf(dirs));
    }

    /** The first slirp4netns in {@code searchPath}, or the reason there is none. */
    static Path require(List<Path> searchPath) {
        return find(searchPath).orElseThrow(() -> new NetnsException("no outside network for the sandbox:"
                + " user-mode networking needs " + COMMAND + " (Debian package " + DEBIAN_PACKAGE + "), which is not"
                + " installed (searched " + String.join(":", searchPath.stream().map(Path::toString).toList()) + ")"));
    }

    static Optional<Path> find(List<Path> searchPath) {
        for (Path dir : searchPath) {
            Path p = dir.resolve(COMMAND);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) return Optional.of(p);
        }
        return Optional.empty();
    }

    /**
     * The tap device is made through {@code /dev/net/tun}, opened as this user. Debian and
     * most distributions ship it mode 0666; some images close it to root.
     */
    static void requireTun(Path tun) {
        if (!Files.exists(tun)) {
            throw new NetnsException("no outside network for the sandbox: " + tun + " does not exist (load the tun"
                    + " module: modprobe tun)");
        }
        if (!Files.isReadable(tun) || !Files.isWritable(tun)) {
            throw new NetnsException("no outside network for the sandbox: " + tun + " is not open to this user"
                    + " (distributions ship it mode 0666; as root: chmod 0666 " + tun + ")");
        }
    }

    /** The command that connects the sandbox of {@code pid}, for {@code executable}. */
    List<String> command(Path executable, long pid) {
        List<String> cmd = new ArrayList<>(List.of(executable.toString(), "--configure", "--mtu=" + MTU,
                "--ready-fd=1", "--exit-fd=0"));
        if (!hostLoopback) cmd.add("--disable-host-loopback");
        cmd.add(Long.toString(pid));
        cmd.add(INTERFACE);
        return cmd;
    }

    /**
     * Starts slirp4netns for the waiting program and returns once the tap device is up;
     * the returned handle ends slirp4netns.
     */
    @Override
    public AutoCloseable run(long pid, Map<NamespaceType, Namespace> namespaces) throws IOException, InterruptedException {
        if (!namespaces.containsKey(NamespaceType.NET)) {
            throw new IllegalStateException("user-mode networking needs a new network namespace (NET)");
        }
        Path exe = require(searchPath);
        requireTun(TUN);
        // stdout is the ready descriptor, stdin the exit descriptor: EOF on it (this JVM
        // closed it, or died) makes slirp4netns exit.
        Process slirp = new ProcessBuilder(command(exe, pid)).start();
        StderrTail stderr = StderrTail.drain(slirp.getErrorStream());
        int ready = awaitReady(slirp);
        if (ready != '1') {
            stop(slirp);
            String why = ready == NOT_IN_TIME ? " did not say it was ready within " + READY_MILLIS / 1000 + " s"
                    : " failed (exit " + slirp.exitValue() + ")";
            throw new NetnsException("no outside network for the sandbox: " + COMMAND + why
                    + stderr.lastLine().map(l -> ": " + l).orElse(""));
        }
        return () -> stop(slirp);
    }

    /** The byte slirp4netns writes on its ready descriptor, -1 at EOF, or NOT_IN_TIME. */
    private static int awaitReady(Process slirp) throws InterruptedException {
        CompletableFuture<Integer> ready = new CompletableFuture<>();
        Thread.ofVirtual().name("slirp4netns-ready").start(() -> {
            try {
                ready.complete(slirp.getInputStream().read());
            } catch (IOException e) {
                ready.complete(-1);
            }
        });
        try {
            return ready.get(READY_MILLIS, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return NOT_IN_TIME;
        } catch (ExecutionException e) {
            return -1;
        }
    }

    private static void stop(Process slirp) throws InterruptedException {
        try {
            slirp.getOutputStream().close();
        } catch (IOException ignored) {
            // the pipe is gone: so is slirp4netns, or it soon will be
        }
        if (!slirp.waitFor(EXIT_WAIT_MILLIS, TimeUnit.MILLISECONDS)) {
            slirp.destroyForcibly();
            slirp.waitFor();
        }
    }

    /**
     * slirp4netns talks on stderr now and then; unread, a full pipe would stall it. A
     * virtual thread reads it all and keeps the end, for the message when it fails.
     */
    private static final class StderrTail {
        private static final int KEEP = 4096;
        private final ByteArrayOutputStream tail = new ByteArrayOutputStream();
        private final Thread reader;

        private StderrTail(InputStream in) {
            reader = Thread.ofVirtual().name("slirp4netns-stderr").start(() -> {
                byte[] buf = new byte[1024];
                try (in) {
                    for (int n; (n = in.read(buf)) > 0; ) keep(buf, n);
                } catch (IOException ignored) {
                    // the process is gone
                }
            });
        }

        static StderrTail drain(InputStream in) {
            return new StderrTail(in);
        }

        private synchronized void keep(byte[] buf, int n) {
            tail.write(buf, 0, n);
            if (tail.size() > KEEP) {
                byte[] all = tail.toByteArray();
                tail.reset();
                tail.write(all, all.length - KEEP, KEEP);
            }
        }

        /** The last line written, once the process has exited (waits briefly for the reader). */
        Optional<String> lastLine() throws InterruptedException {
            reader.join(EXIT_WAIT_MILLIS);
            String text;
            synchronized (this) {
                text = tail.toString(StandardCharsets.UTF_8);
            }
            return text.lines().map(String::strip).filter(l -> !l.isEmpty()).reduce((a, b) -> b);
        }
    }

    private static List<Path> searchPath() {
        String path = System.getenv().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin");
        return Arrays.stream(path.split(File.pathSeparator)).filter(s -> !s.isEmpty()).map(Path::of).toList();
    }
}
