package dev.jns.helper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A directory only this user can enter (mode 0700), created once per JVM, for the sockets
 * on which helpers call back. Each socket is removed as soon as its helper has connected.
 */
final class RuntimeDir {
    private RuntimeDir() {}

    private static final class Created {
        static final Path PATH = create();
    }

    static Path path() {
        return Created.PATH;
    }

    private static Path create() {
        try {
            Path dir = Files.createTempDirectory("jns-"); // POSIX: rwx------
            dir.toFile().deleteOnExit();
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("jns: cannot create a private runtime directory", e);
        }
    }
}
