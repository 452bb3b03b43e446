package dev.jns.os;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A process's group in the cgroup v2 hierarchy, from the {@code 0::} line of
 * {@code /proc/PID/cgroup} (relative to the reader's cgroup namespace), and where that group
 * is in a mounted cgroup2 hierarchy.
 */
public final class ProcessCgroup {
    private ProcessCgroup() {}

    /**
     * The process's cgroup v2 path ({@code /} or {@code /a/b}), or empty when the file has no
     * {@code 0::} line.
     *
     * @param pid the process id
     * @return the path, or empty
     * @throws IOException if {@code /proc/PID/cgroup} cannot be read (the process is gone, say)
     */
    public static Optional<String> v2Path(int pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Integer.toString(pid), "cgroup"))) {
            if (line.startsWith("0::")) return Optional.of(line.substring(3));
        }
        return Optional.empty();
    }

    /**
     * The directory of the group at {@code path} in the cgroup2 hierarchy mounted on {@code mount}.
     *
     * @param mount where the cgroup2 hierarchy is mounted
     * @param path the group's path in the hierarchy, e.g. {@code /a/b}
     * @return the directory
     */
    public static Path directory(Path mount, String path) {
        String relative = path;
        while (relative.startsWith("/")) relative = relative.substring(1);
        return relative.isEmpty() ? mount : mount.resolve(relative);
    }
}
