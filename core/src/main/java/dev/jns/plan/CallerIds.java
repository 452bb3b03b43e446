package dev.jns.plan;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The effective uid and gid this JVM runs with: the owner of {@code /proc/self}, one
 * {@code stat} and no FFM on the spawn path ({@code /proc/self/status} costs hundreds of
 * microseconds in a JVM with many threads). The helper inherits them, so they are the ids
 * that own the user namespaces it creates. (A non-dumpable process's {@code /proc/self}
 * belongs to root; the plan then has the parent write the maps, which works for any ids.)
 */
public record CallerIds(long euid, long egid) {
    public static CallerIds current() {
        try {
            Path self = Path.of("/proc/self");
            return new CallerIds(((Number) Files.getAttribute(self, "unix:uid")).longValue(),
                    ((Number) Files.getAttribute(self, "unix:gid")).longValue());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot stat /proc/self", e);
        }
    }
}
