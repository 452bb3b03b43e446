package dev.jns.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs a command line to completion and reports how it ended. The command runs under a
 * tiny perl wrapper that records whether it exited or was killed by a signal: a Java
 * {@code Process} reports both as one number, and jns must reproduce the difference.
 */
public final class Tool {
    private static final String WAIT_STATUS = "system {$ARGV[1]} @ARGV[1..$#ARGV]; open(F, '>', $ARGV[0]) or die; "
            + "print F (($? == -1) ? 'exit 127' : ($? & 127) ? 'signal ' . ($? & 127) : 'exit ' . ($? >> 8))";

    private Tool() {}

    public static ToolResult run(RunAs as, List<String> command) {
        return run(as, command, Map.of());
    }

    /** Runs {@code command} as {@code as} in {@code /}, with {@code env} added to the test's environment, stdin empty. */
    public static ToolResult run(RunAs as, List<String> command, Map<String, String> env) {
        return run(as, command, env, Duration.ofSeconds(60));
    }

    /** The same, failing the test if the command runs longer than {@code timeout}. */
    public static ToolResult run(RunAs as, List<String> command, Map<String, String> env, Duration timeout) {
        Path status = null;
        try {
            status = Files.createTempFile("jns-status", "");
            List<String> argv = new ArrayList<>(List.of("perl", "-e", WAIT_STATUS, status.toString()));
            argv.addAll(as.prefix());
            argv.addAll(command);
            // From /, which every uid can enter (the JVM refuses to start in a directory it cannot read).
            ProcessBuilder pb = new ProcessBuilder(argv).directory(new File("/"))
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            pb.environment().putAll(env);
            Process p = pb.start();
            CompletableFuture<String> out = read(p.getInputStream());
            CompletableFuture<String> err = read(p.getErrorStream());
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("timed out after " + timeout.toSeconds() + " s: " + command);
            }
            String[] st = Files.readString(status).split(" ");
            boolean signaled = st[0].equals("signal");
            int n = Integer.parseInt(st[1]);
            return new ToolResult(signaled ? 0 : n, signaled ? n : 0, out.join(), err.join());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        } finally {
            if (status != null) status.toFile().delete();
        }
    }

    private static CompletableFuture<String> read(java.io.InputStream in) {
        return CompletableFuture.supplyAsync(() -> {
            try (in) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }
}
