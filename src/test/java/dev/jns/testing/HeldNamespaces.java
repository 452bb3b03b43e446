package dev.jns.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

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
        List<String> cmd = new ArrayList<>();
        cmd.add("unshare");
        cmd.addAll(unshareFlags);
        cmd.addAll(List.of("sh", "-c", (setup.isBlank() ? "" : setup + " && ") + "echo ready && exec sleep 600"));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine();
        if (!"ready".equals(line)) {
            p.destroyForcibly();
            throw new IllegalStateException("unshare " + unshareFlags + " with setup '" + setup + "' did not get ready: " + line);
        }
        // With --fork the namespaces' process is unshare's child; otherwise unshare itself.
        long pid = p.toHandle().children().findFirst().map(ProcessHandle::pid).orElse(p.pid());
        return new HeldNamespaces(p, pid);
    }

    /** The pid (in the caller's pid namespace) of a process inside the namespaces. */
    public int pid() { return (int) pid; }

    /** {@code /proc/PID/ns/TYPE} of the holding process. */
    public String nsPath(String type) { return "/proc/" + pid + "/ns/" + type; }

    @Override
    public void close() throws InterruptedException {
        // Killing the inner process first lets a forking unshare reap it and exit by itself,
        // so nothing is left for init to reap.
        if (pid != unshare.pid()) ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        else unshare.destroyForcibly();
        if (!unshare.waitFor(10, TimeUnit.SECONDS)) {
            unshare.destroyForcibly();
            throw new IllegalStateException("unshare " + unshare.pid() + " did not end after its child was killed");
        }
    }
}
