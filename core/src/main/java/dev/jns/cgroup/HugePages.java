package dev.jns.cgroup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The huge page sizes this kernel has, in the cgroup files' spelling ({@code 2MB}, {@code 1GB}). */
final class HugePages {
    private HugePages() {}

    static List<String> sizes() {
        List<String> out = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(Path.of("/sys/kernel/mm/hugepages"))) {
            dirs.map(d -> d.getFileName().toString())
                    .filter(n -> n.startsWith("hugepages-") && n.endsWith("kB"))
                    .mapToLong(n -> Long.parseLong(n.substring("hugepages-".length(), n.length() - 2)))
                    .sorted()
                    .forEach(kb -> out.add(spelled(kb)));
        } catch (IOException e) {
            // no huge page support: no sizes
        }
        return out;
    }

    /** The kernel's name for a size in kB: 2048 -> 2MB, 1048576 -> 1GB, 64 -> 64KB. */
    static String spelled(long kb) {
        if (kb >= 1024 * 1024 && kb % (1024 * 1024) == 0) return kb / (1024 * 1024) + "GB";
        if (kb >= 1024 && kb % 1024 == 0) return kb / 1024 + "MB";
        return kb + "KB";
    }
}
