package dev.jns.cgroup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How this machine's cgroups are mounted, and where the calling process sits in them: the
 * unified cgroup v2 hierarchy, or cgroup v1 with one hierarchy per controller (or per group of
 * co-mounted controllers), possibly beside a controller-less cgroup2 mount (the "hybrid"
 * layout). {@link #detect()} picks the way runc does: v2 when {@code /sys/fs/cgroup} itself is
 * cgroup2, else v1 when v1 controllers are mounted.
 *
 * <p>Paths given to {@link #create} and {@link #open} follow the OCI {@code cgroupsPath}
 * rule: an absolute path is taken from the hierarchy's root, a relative one from the calling
 * process's own cgroup. Neither may name the root itself or climb with {@code ..}.
 */
public sealed interface CgroupLayout permits CgroupLayout.Unified, CgroupLayout.Legacy {
    /** The v1 controllers jns knows by name; other {@code name=} hierarchies hold no controller. */
    Set<String> V1_CONTROLLERS = Set.of("cpu", "cpuacct", "cpuset", "memory", "devices", "freezer", "net_cls",
            "net_prio", "blkio", "perf_event", "hugetlb", "pids", "rdma", "misc");

    /**
     * 2 or 1.
     *
     * @return 2 or 1
     */
    int version();

    /**
     * Makes the cgroup at {@code cgroupsPath} (with any missing parents) and returns its
     * handle; a cgroup that already exists is joined, as runc does. Removing it through the
     * handle removes the cgroup either way, and its parents only where this handle made them.
     *
     * @param cgroupsPath the path, absolute from the hierarchy's root or relative to the caller's cgroup
     * @return the handle
     * @throws CgroupException if the path is not allowed, or the caller may not create
     *     cgroups there (no root, or on v2 no delegation of that part of the tree)
     * @throws dev.jns.os.SyscallException if a directory or file of the cgroup fails otherwise
     */
    Cgroup create(String cgroupsPath);

    /**
     * The existing cgroup at {@code cgroupsPath}, for later verbs (pause, stats, delete);
     * removing it through this handle removes that cgroup, not its parents.
     *
     * @param cgroupsPath the path, absolute from the hierarchy's root or relative to the caller's cgroup
     * @return the handle
     * @throws CgroupException if there is no such cgroup
     */
    Cgroup open(String cgroupsPath);

    /**
     * The existing cgroup whose {@link Cgroup#directories()} these are: how a runtime finds its
     * container's cgroup again from its saved state, whatever cgroup it runs in by then.
     *
     * @param directories the directories, keyed as {@link Cgroup#directories()} keys them
     * @return the handle
     * @throws CgroupException if a directory is not a cgroup below this layout's mounts
     */
    Cgroup open(Map<String, Path> directories);

    /**
     * The layout of this machine, from {@code /proc/self/mountinfo} and {@code /proc/self/cgroup}.
     *
     * @return the layout
     * @throws CgroupException if no cgroup hierarchy is mounted
     */
    static CgroupLayout detect() {
        try {
            return detect(Files.readString(Path.of("/proc/self/mountinfo")), Files.readString(Path.of("/proc/self/cgroup")));
        } catch (IOException e) {
            throw new CgroupException("cannot read /proc/self/mountinfo or /proc/self/cgroup: " + e.getMessage(), e);
        }
    }

    /**
     * The layout described by a mountinfo text and a {@code /proc/PID/cgroup} text.
     *
     * @param mountinfo the text of {@code /proc/PID/mountinfo}
     * @param procCgroup the text of {@code /proc/PID/cgroup}
     * @return the layout
     */
    static CgroupLayout detect(String mountinfo, String procCgroup) {
        List<MountedHierarchy> mounts = MountedHierarchy.parse(mountinfo);
        List<Membership> memberships = Membership.parse(procCgroup);
        MountedHierarchy unified = null;
        for (MountedHierarchy m : mounts) {
            if (m.v2() && m.mountPoint().equals(Path.of("/sys/fs/cgroup"))) unified = m;
        }
        List<Hierarchy> v1 = new ArrayList<>();
        Set<Set<String>> seen = new java.util.HashSet<>();
        for (MountedHierarchy m : mounts) {
            if (m.v2() || m.controllers().isEmpty() || !seen.add(m.controllers())) continue;
            Membership own = memberships.stream().filter(x -> x.controllers().equals(m.controllers())).findFirst()
                    .orElseThrow(() -> new CgroupException("cgroup v1 hierarchy " + String.join(",", m.controllers())
                            + " at " + m.mountPoint() + " is not in /proc/self/cgroup"));
            v1.add(new Hierarchy(m.controllers(), m.mountPoint(), m.within(own.path())));
        }
        if (unified == null && v1.isEmpty()) {
            unified = mounts.stream().filter(MountedHierarchy::v2).findFirst()
                    .orElseThrow(() -> new CgroupException("no cgroup hierarchy is mounted (no cgroup2 or cgroup v1 controller in /proc/self/mountinfo)"));
        }
        if (unified != null) {
            MountedHierarchy u = unified;
            String own = memberships.stream().filter(x -> x.hierarchyId() == 0).findFirst()
                    .map(x -> u.within(x.path()))
                    .orElseThrow(() -> new CgroupException("/proc/self/cgroup has no cgroup v2 (0::) line"));
            return new Unified(u.mountPoint(), own);
        }
        return new Legacy(List.copyOf(v1));
    }

    /**
     * cgroup v2: one tree mounted at {@code mount}; {@code ownPath} is the caller's cgroup in it
     * ({@code /} or {@code /a/b}). Tests use it on a cgroup2 mount other than the system's.
     *
     * @param mount where the hierarchy is mounted
     * @param ownPath the caller's cgroup in it, {@code /} or {@code /a/b}
     */
    record Unified(Path mount, String ownPath) implements CgroupLayout {
        /**
         * The cgroup2 hierarchy mounted at {@code mount}, whatever {@link #detect()} would pick
         * (on a hybrid machine, its controller-less cgroup2 mount).
         *
         * @param mount where the hierarchy is mounted
         * @return the layout
         * @throws CgroupException if no cgroup2 is mounted there
         */
        public static Unified at(Path mount) {
            try {
                String mountinfo = Files.readString(Path.of("/proc/self/mountinfo"));
                String procCgroup = Files.readString(Path.of("/proc/self/cgroup"));
                MountedHierarchy m = MountedHierarchy.parse(mountinfo).stream()
                        .filter(x -> x.v2() && x.mountPoint().equals(mount)).findFirst()
                        .orElseThrow(() -> new CgroupException("no cgroup2 is mounted at " + mount));
                String own = Membership.parse(procCgroup).stream().filter(x -> x.hierarchyId() == 0).findFirst()
                        .map(x -> m.within(x.path()))
                        .orElseThrow(() -> new CgroupException("/proc/self/cgroup has no cgroup v2 (0::) line"));
                return new Unified(mount, own);
            } catch (IOException e) {
                throw new CgroupException("cannot read /proc/self/mountinfo or /proc/self/cgroup: " + e.getMessage(), e);
            }
        }

        public int version() {
            return 2;
        }

        public Cgroup create(String cgroupsPath) {
            return CgroupV2.create(this, resolve(cgroupsPath));
        }

        public Cgroup open(String cgroupsPath) {
            return CgroupV2.open(this, resolve(cgroupsPath));
        }

        public Cgroup open(Map<String, Path> directories) {
            Path dir = directories.get("unified");
            if (dir == null) throw new CgroupException("no cgroup v2 directory (key \"unified\") in " + directories);
            return CgroupV2.open(this, Paths.below(mount, dir));
        }

        /** The cgroup's path in the tree, from the root. */
        String resolve(String cgroupsPath) {
            return Paths.resolve(ownPath, cgroupsPath);
        }

        Path directory(String path) {
            return Paths.directory(mount, path);
        }
    }

    /**
     * cgroup v1: its hierarchies, each with the caller's cgroup in it.
     *
     * @param hierarchies the mounted hierarchies
     */
    record Legacy(List<Hierarchy> hierarchies) implements CgroupLayout {
        /** Copies the hierarchies. */
        public Legacy {
            hierarchies = List.copyOf(hierarchies);
        }

        public int version() {
            return 1;
        }

        public Cgroup create(String cgroupsPath) {
            return CgroupV1.create(this, cgroupsPath);
        }

        public Cgroup open(String cgroupsPath) {
            return CgroupV1.open(this, cgroupsPath);
        }

        public Cgroup open(Map<String, Path> directories) {
            return CgroupV1.open(this, directories);
        }
    }

    /**
     * One v1 hierarchy: its controllers, where it is mounted, and the caller's cgroup in it.
     *
     * @param controllers the controllers, e.g. {@code cpu}, {@code memory}
     * @param mount where the hierarchy is mounted
     * @param ownPath the caller's cgroup in it, {@code /} or {@code /a/b}
     */
    record Hierarchy(Set<String> controllers, Path mount, String ownPath) {
        /** Copies the controllers. */
        public Hierarchy {
            controllers = Set.copyOf(controllers);
        }

        /**
         * The name runc and /proc/PID/cgroup use for it: its controllers, comma-separated, sorted.
         *
         * @return the name
         */
        public String name() {
            return String.join(",", new java.util.TreeSet<>(controllers));
        }
    }

    /**
     * One cgroup mount from mountinfo: its type, controllers (v1), root within the hierarchy, mount point.
     *
     * @param v2 whether it is cgroup2
     * @param controllers the controllers, e.g. {@code cpu}, {@code memory}
     * @param root the hierarchy's directory mounted there
     * @param mountPoint where it is mounted
     */
    record MountedHierarchy(boolean v2, Set<String> controllers, String root, Path mountPoint) {
        static List<MountedHierarchy> parse(String mountinfo) {
            List<MountedHierarchy> out = new ArrayList<>();
            for (String line : mountinfo.split("\n")) {
                String[] f = line.split(" ");
                int dash = java.util.Arrays.asList(f).indexOf("-");
                if (dash < 0 || f.length < dash + 4) continue;
                String type = f[dash + 1];
                if (!type.equals("cgroup") && !type.equals("cgroup2")) continue;
                Set<String> controllers = new LinkedHashSet<>();
                if (type.equals("cgroup")) {
                    for (String opt : f[dash + 3].split(",")) {
                        if (V1_CONTROLLERS.contains(opt)) controllers.add(opt);
                    }
                }
                out.add(new MountedHierarchy(type.equals("cgroup2"), Set.copyOf(controllers), unescape(f[3]),
                        Path.of(unescape(f[4]))));
            }
            return out;
        }

        /**
         * A cgroup path from /proc/PID/cgroup, seen from this mount: when the mount shows a
         * subtree (its root is not {@code /}), the part below that subtree.
         */
        String within(String path) {
            if (root.equals("/") || !(path.equals(root) || path.startsWith(root + "/"))) return path;
            String rest = path.substring(root.length());
            return rest.isEmpty() ? "/" : rest;
        }

        private static String unescape(String s) {
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (c == '\\' && i + 3 < s.length()) {
                    b.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
                    i += 3;
                } else {
                    b.append(c);
                }
            }
            return b.toString();
        }
    }

    /**
     * One line of /proc/PID/cgroup: hierarchy id, controllers, path.
     *
     * @param hierarchyId the hierarchy's number (0 for v2)
     * @param controllers the controllers, e.g. {@code cpu}, {@code memory}
     * @param path the cgroup's path in that hierarchy
     */
    record Membership(int hierarchyId, Set<String> controllers, String path) {
        static List<Membership> parse(String text) {
            List<Membership> out = new ArrayList<>();
            for (String line : text.split("\n")) {
                if (line.isBlank()) continue;
                String[] f = line.split(":", 3);
                Set<String> controllers = new LinkedHashSet<>();
                for (String c : f[1].split(",")) {
                    if (V1_CONTROLLERS.contains(c)) controllers.add(c);
                }
                out.add(new Membership(Integer.parseInt(f[0]), Set.copyOf(controllers), f[2]));
            }
            return out;
        }
    }
}
