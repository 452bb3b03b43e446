package dev.jns.net;

import dev.jns.cli.Main;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/** Runs {@code ip} (and jns in-process) for the tests and hands back exit code and output. */
final class Shell {
    record Result(int exit, String out, String err) {}

    private Shell() {}

    static Result run(String... command) {
        try {
            Process p = new ProcessBuilder(command).start();
            p.getOutputStream().close();
            // Drain stderr on the side: a command with a lot of output would block on a full pipe.
            var err = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try {
                    return p.getErrorStream().readAllBytes();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            byte[] out = p.getInputStream().readAllBytes();
            return new Result(p.waitFor(), new String(out, StandardCharsets.UTF_8), new String(err.join(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Runs and requires exit 0; returns stdout. */
    static String ok(String... command) {
        Result r = run(command);
        if (r.exit() != 0) throw new AssertionError(String.join(" ", command) + " exited " + r.exit() + ": " + r.err());
        return r.out();
    }

    static Result jns(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int code = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** A namespace name no one else on the machine uses. */
    static String uniqueName(String what) {
        return "jnst-" + what + "-" + Long.toString(ThreadLocalRandom.current().nextLong() & 0xffffffL, 36);
    }

    /** Deletes a named namespace left by a failing test, whichever tool made it. */
    static void deleteQuietly(String... names) {
        for (String n : names) {
            if (java.nio.file.Files.exists(NetnsDirectory.DIR.resolve(n))) run("ip", "netns", "delete", n);
        }
    }

    static List<String> lines(String s) {
        return s.lines().toList();
    }
}
