package dev.jns.cgroup;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A shell command that waits for a line on stdin before it runs, so a test can put the
 * process in a cgroup first and everything it does happens inside.
 */
final class GatedProcess implements AutoCloseable {
    final Process process;
    private final OutputStream gate;

    private GatedProcess(Process process) {
        this.process = process;
        this.gate = process.getOutputStream();
    }

    static GatedProcess start(String script) {
        try {
            Process p = new ProcessBuilder("sh", "-c", "read go; " + script).redirectErrorStream(false).start();
            return new GatedProcess(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    long pid() {
        return process.pid();
    }

    GatedProcess release() {
        try {
            gate.write("\n".getBytes(StandardCharsets.US_ASCII));
            gate.flush();
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The status the shell would report ({@code 128+N} for a death by signal N), waiting at most 60 s. */
    int waitFor() throws InterruptedException {
        if (!process.waitFor(60, TimeUnit.SECONDS)) throw new AssertionError("still running after 60 s");
        return process.exitValue();
    }

    String stderr() throws IOException {
        return new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    }

    /** The state letter of /proc/PID/status ({@code R}, {@code S}, {@code D}...). */
    static String state(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("State:")) return line.substring(6).trim().substring(0, 1);
        }
        throw new AssertionError("no State in /proc/" + pid + "/status");
    }

    /** User plus system CPU ticks of the process, from /proc/PID/stat. */
    static long cpuTicks(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    /** The process's line for a hierarchy in /proc/PID/cgroup: {@code 0::/x} for v2, the controller's for v1. */
    static String cgroupOf(long pid, String controller) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "cgroup"))) {
            String[] f = line.split(":", 3);
            if (controller.isEmpty() ? f[0].equals("0") : java.util.List.of(f[1].split(",")).contains(controller)) return f[2];
        }
        throw new AssertionError("no " + controller + " line in /proc/" + pid + "/cgroup");
    }

    @Override
    public void close() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }
}
