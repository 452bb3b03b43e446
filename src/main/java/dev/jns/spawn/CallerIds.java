package dev.jns.spawn;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The effective uid and gid this JVM runs with, read from {@code /proc/self/status} (no
 * FFM on the spawn path). The helper inherits them, so they are the ids that own the user
 * namespaces it creates.
 */
record CallerIds(long euid, long egid) {
    static CallerIds current() {
        try {
            long uid = -1, gid = -1;
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                // "Uid:\treal\teffective\tsaved\tfs"
                if (line.startsWith("Uid:")) uid = Long.parseLong(line.split("\\s+")[2]);
                else if (line.startsWith("Gid:")) gid = Long.parseLong(line.split("\\s+")[2]);
            }
            return new CallerIds(uid, gid);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read /proc/self/status", e);
        }
    }
}
