package dev.jns.spec;

import java.nio.file.Path;

/**
 * A file the program finds open at a number of its choosing.
 *
 * @param source what is opened, by the helper before any namespace is joined
 * @param flags  the {@code open(2)} flags ({@code O_RDONLY} 0, {@code O_WRONLY} 1, {@code O_RDWR} 2, ...)
 * @param fd     its number in the program
 */
public record Descriptor(Path source, int flags, int fd) implements Step {
    public Descriptor {
        if (fd < 0) throw new IllegalArgumentException("not a descriptor number: " + fd);
    }
}
