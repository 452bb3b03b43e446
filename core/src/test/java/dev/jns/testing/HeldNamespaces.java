package dev.jns.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * New namespaces made by util-linux {@code unshare} and held open by a sleeping process,
 * for tests that need a target to enter. The setup script runs inside them first; the
 * holder is ready once it has run. {@link #close()} kills the processes and reaps them,
 * which ends the namespaces.
 */
public final class HeldNamespaces implements AutoCloseable {
    private final Process unshare;
    private final long pid;

    private HeldNamespaces(Process unshare, long pid) {
        this.unshare = unshare;
        this.pid = pid;
    }

    /**
     * Runs {@code unshare FLAGS sh -c SETUP} and keeps the namespaces alive.
     *
     * @param unshareFlags util-linux unshare options, e.g. {@code "-n", "-m"}
     * @param setup        shell commands to run inside first (may be empty)
     */
    public static HeldNamespaces start(List<String> unshareFlags, String setup) throws IOException {
        return start(List.of("unshare"), unshareFlags, setup);
    }

    /**
     * Like {@link #start(List, String)} with another unshare: {@code jns unshare}, or one run
     * as another user through a prefix such as {@code setpriv ...}.
     */
    public static HeldNamespaces start(List<String> unshareCommand, List<String> unshareFlags, String setup) throws IOException {
        List<String> cmd = new ArrayList<>(unshareCommand);
        cmd.addAll(unshareFlags);
        cmd.addAll(List.of("sh", "-c", (setup.isBlank() ? "" : setup + " && ") + "echo ready && exec sleep 600"));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine();
        if (!"ready".equals(line)) {
            p.destroyForcibly();
            throw new IllegalStateException("unshare " + unshareFlags + " with setup '" + setup + "' did not get ready: " + line);
        }
        // The sleep the script became: unshare itself, its child (--fork), or further down
        // (a launcher script, a JVM and its helper).
        // "ready" comes just before the exec, so look until the sleep is there.
        for (int i = 0; i < 500; i++) {
            Optional<ProcessHandle> sleeper = Stream.concat(Stream.of(p.toHandle()), p.toHandle().descendants())
                    .filter(h -> h.info().command().map(c -> c.endsWith("/sleep")).orElse(false)).findFirst();
            if (sleeper.isPresent()) return new HeldNamespaces(p, sleeper.get().pid());
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        p.destroyForcibly();
        throw new IllegalStateException(cmd + ": the holding sleep never started");
    }

    /** The pid (in the caller's pid namespace) of a process inside the namespaces. */
    public int pid() { return (int) pid; }

    /** {@code /proc/PID/ns/TYPE} of the holding process. */
    public String nsPath(String type) { return "/proc/" + pid + "/ns/" + type; }

    @Override
    public void close() {
        // Killing the inner process first lets a forking unshare reap it and exit by itself,
        // so nothing is left for init to reap.
        // (A helper that supervises it exits too, with the same status.)
        if (pid != unshare.pid()) ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        else unshare.destroyForcibly();
        try {
            if (!unshare.waitFor(10, TimeUnit.SECONDS)) {
                unshare.destroyForcibly();
                throw new IllegalStateException("unshare " + unshare.pid() + " did not end after its child was killed");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            unshare.destroyForcibly();
        }
    }
}
