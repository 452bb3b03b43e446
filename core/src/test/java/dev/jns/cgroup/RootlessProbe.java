package dev.jns.cgroup;

import java.nio.file.Path;

/**
 * Run as an unprivileged uid by the cgroup tests: makes the cgroup {@code args[1]} in the
 * cgroup2 hierarchy at {@code args[0]} (or, for {@code detect}, in the layout
 * {@link CgroupLayout#detect()} finds), prints its directory and removes it again; prints the
 * error and exits 2 if making it is refused.
 */
public final class RootlessProbe {
    private RootlessProbe() {}

    public static void main(String[] args) {
        CgroupLayout layout = args[0].equals("detect") ? CgroupLayout.detect() : CgroupLayout.Unified.at(Path.of(args[0]));
        try {
            Cgroup cg = layout.create(args[1]);
            System.out.println(cg.directories().values().iterator().next());
            cg.remove();
        } catch (CgroupException e) {
            System.out.println(e.getMessage());
            System.exit(2);
        }
    }
}
