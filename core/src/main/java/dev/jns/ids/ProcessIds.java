package dev.jns.ids;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A process's real and effective uid and gid, read from {@code /proc/PID/status} (no
 * native call, so CLI paths that only need ids stay free of FFM start-up cost).
 *
 * @param uid the uid
 * @param euid the effective uid
 * @param gid the gid
 * @param egid the effective gid
 */
public record ProcessIds(long uid, long euid, long gid, long egid) {
    /**
     * This process's ids.
     *
     * @return the ids
     */
    public static ProcessIds self() {
        return read(Path.of("/proc/self/status"));
    }

    /**
     * The ids in a {@code /proc/PID/status} file.
     *
     * @param status the status file
     * @return the ids
     */
    public static ProcessIds read(Path status) {
        long[] uids = null, gids = null;
        try {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith("Uid:")) uids = numbers(line);
                if (line.startsWith("Gid:")) gids = numbers(line);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (uids == null || gids == null) throw new IllegalStateException(status + " has no Uid:/Gid: lines");
        return new ProcessIds(uids[0], uids[1], gids[0], gids[1]);
    }

    /** "Uid:\treal\teffective\tsaved\tfs" */
    private static long[] numbers(String line) {
        String[] f = line.substring(4).trim().split("\\s+");
        return new long[] {Long.parseLong(f[0]), Long.parseLong(f[1])};
    }
}
