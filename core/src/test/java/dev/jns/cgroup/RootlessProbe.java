package dev.jns.cgroup;

import java.nio.file.Path;

/**
 * Run as an unprivileged uid by {@link CgroupV2Test}: makes the cgroup {@code args[1]} in the
 * cgroup2 hierarchy at {@code args[0]}, prints its directory and removes it again; prints the
 * error and exits 2 if making it is refused.
 */
public final class RootlessProbe {
    private RootlessProbe() {}

    public static void main(String[] args) {
        CgroupLayout.Unified layout = CgroupLayout.Unified.at(Path.of(args[0]));
        try {
            Cgroup cg = layout.create(args[1]);
            System.out.println(cg.directories().get("unified"));
            cg.remove();
        } catch (CgroupException e) {
            System.out.println(e.getMessage());
            System.exit(2);
        }
    }
}
