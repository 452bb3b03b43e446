package dev.jns.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the checkout is: tests run in a module's directory (core/), the launcher and tools sit above it. */
public final class Checkout {
    private Checkout() {}

    /** The checkout's root: the nearest directory at or above {@code user.dir} holding the {@code jns} launcher. */
    public static Path root() {
        Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        for (Path d = dir; d != null; d = d.getParent()) {
            if (Files.isRegularFile(d.resolve("jns")) && Files.isDirectory(d.resolve("tools"))) return d;
        }
        throw new IllegalStateException("no jns checkout at or above " + dir);
    }
}
