package dev.jns.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The reference tools jns is measured against, built from their pristine sources by
 * {@code ../shared/oracles/build} (beside the checkout, as in CI): the first call builds
 * (about a minute), later ones find the cache.
 */
public final class Oracles {
    private static Path utilLinux, bubblewrap, runtimeTools;

    private Oracles() {}

    /** The directory holding util-linux 2.42.2's {@code lsns}, {@code unshare}, {@code nsenter}. */
    public static synchronized Path utilLinux() {
        if (utilLinux == null) utilLinux = build("util-linux");
        return utilLinux;
    }

    /** The meson build directory holding bubblewrap 0.11.1's {@code bwrap}. */
    public static synchronized Path bubblewrap() {
        if (bubblewrap == null) bubblewrap = build("bubblewrap");
        return bubblewrap;
    }

    /**
     * The OCI runtime-tools source tree with its validation programs built
     * ({@code validation/NAME/NAME.t}, {@code runtimetest}): they must run from there.
     */
    public static synchronized Path runtimeTools() {
        if (runtimeTools == null) runtimeTools = build("runtime-tools");
        return runtimeTools;
    }

    private static Path build(String what) {
        Path script = Checkout.root().resolve("../shared/oracles/build").normalize();
        assumeTrue(Files.isExecutable(script), "no oracle build script at " + script);
        try {
            File log = File.createTempFile("jns-oracle", ".log");
            try {
                Process p = new ProcessBuilder(script.toString(), what).redirectError(log)
                        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
                if (!p.waitFor(15, TimeUnit.MINUTES)) {
                    p.destroyForcibly();
                    throw new AssertionError(script + " " + what + " still running after 15 minutes");
                }
                if (p.exitValue() != 0) {
                    throw new AssertionError(script + " " + what + " failed (" + p.exitValue() + "): " + Files.readString(log.toPath()));
                }
                return Path.of(out);
            } finally {
                log.delete();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
