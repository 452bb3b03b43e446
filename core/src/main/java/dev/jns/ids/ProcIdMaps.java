package dev.jns.ids;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Reads a process's {@code uid_map} or {@code gid_map} as the kernel prints it. */
public final class ProcIdMaps {
    /** This process's uid map. */
    public static final Path SELF_UID_MAP = Path.of("/proc/self/uid_map");
    /** This process's gid map. */
    public static final Path SELF_GID_MAP = Path.of("/proc/self/gid_map");

    private ProcIdMaps() {}

    /**
     * The lines of a {@code uid_map} or {@code gid_map} file.
     *
     * @param file the file
     * @return the lines
     */
    public static List<IdMap> read(Path file) {
        try {
            return Files.readAllLines(file).stream()
                    .map(String::trim)
                    .filter(l -> !l.isEmpty())
                    .map(l -> l.split("\\s+"))
                    .map(f -> new IdMap(Long.parseLong(f[0]), Long.parseLong(f[1]), Long.parseLong(f[2])))
                    .toList();
        } catch (IOException e) {
            throw new IdSpecException("could not open '" + file + "'");
        }
    }

    /**
     * Every id this process's user namespace has, mapped to itself: util-linux's
     * {@code --map-users=all}, which passes the parent's ids through unchanged.
     *
     * @param file the file
     * @return the ranges
     */
    public static List<IdRange> passThrough(Path file) {
        return read(file).stream().map(m -> IdRange.identity(m.inside(), m.count())).toList();
    }
}
