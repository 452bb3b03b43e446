package dev.jns.oci;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The mount a path is on, from {@code /proc/self/mountinfo}: its mount point, and its per-mount flags. In a user
 * namespace the kernel locks a mount's nosuid, nodev, noexec and atime flags: a remount that
 * leaves one out fails with EPERM, so a read-only remount of the root must repeat them.
 */
final class MountInfo {
    private static final long MS_NOSUID = 2, MS_NODEV = 4, MS_NOEXEC = 8, MS_NOATIME = 1024, MS_NODIRATIME = 2048,
            MS_RELATIME = 1 << 21, MS_STRICTATIME = 1 << 24;

    private MountInfo() {}

    /** The locked flags of the mount {@code path} is on (the one with the longest mount point above it). */
    static long lockedFlags(Path path) {
        String[] mount = mountOf(path);
        long flags = 0;
        for (String o : mount[5].split(",")) {
            flags |= switch (o) {
                case "nosuid" -> MS_NOSUID;
                case "nodev" -> MS_NODEV;
                case "noexec" -> MS_NOEXEC;
                case "noatime" -> MS_NOATIME;
                case "nodiratime" -> MS_NODIRATIME;
                case "relatime" -> MS_RELATIME;
                default -> 0L;
            };
        }
        if ((flags & (MS_NOATIME | MS_RELATIME)) == 0) flags |= MS_STRICTATIME;
        return flags;
    }

    /** The mount point of the mount {@code path} is on: {@code path} itself if it is one. */
    static Path mountPointOf(Path path) {
        return Path.of(unescape(mountOf(path)[4]));
    }

    /** The mountinfo fields of the mount with the longest mount point above {@code path} (the last such, the top one). */
    private static String[] mountOf(Path path) {
        Path real;
        List<String> lines;
        try {
            real = path.toRealPath();
            lines = Files.readAllLines(Path.of("/proc/self/mountinfo"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String[] best = null;
        for (String line : lines) {
            String[] f = line.split(" ");
            if (f.length < 6) continue;
            String mountPoint = unescape(f[4]);
            if (real.startsWith(mountPoint) && (best == null || mountPoint.length() >= unescape(best[4]).length())) best = f;
        }
        if (best == null) throw new IllegalStateException("no mount above " + real + " in /proc/self/mountinfo");
        return best;
    }

    /** mountinfo escapes space, tab, newline and backslash as octal. */
    private static String unescape(String s) {
        if (s.indexOf('\\') < 0) return s;
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 3 < s.length()) {
                sb.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }
}
