package dev.jns.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs a program to completion and keeps what it printed and its exit code; also builds
 * the command line that runs a Java main class of this build in a new JVM (to run jns as
 * another user or inside namespaces a test made).
 */
public record ExternalCommand(int exitCode, String stdout, String stderr) {

    /** Runs {@code command} with no input; fails the test if it takes over a minute. */
    public static ExternalCommand run(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
            CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
            String out = read(p.getInputStream());
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor();
                throw new AssertionError("still running after 60 s: " + command);
            }
            return new ExternalCommand(p.exitValue(), out, err.join());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    public static ExternalCommand run(String... command) {
        return run(List.of(command));
    }

    /**
     * {@code java ... mainClass args} on this JDK, with the main class's own classes
     * directory and the library's on the class path (no Maven repository jars), so that
     * any user who can read the checkout can run it.
     */
    public static List<String> javaMain(Class<?> mainClass, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-XX:-UsePerfData"); // run as another user, a JVM would leave /tmp/hsperfdata_USER behind
        cmd.add("--enable-native-access=ALL-UNNAMED");
        cmd.add("-cp");
        cmd.add(classesOf(mainClass) + File.pathSeparator + classesOf(dev.jns.sys.LibC.class));
        cmd.add(mainClass.getName());
        cmd.addAll(List.of(args));
        return cmd;
    }

    private static String classesOf(Class<?> c) {
        try {
            return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String read(java.io.InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
