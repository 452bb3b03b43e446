package dev.jns.cgroup;

import java.nio.file.Path;

/** The OCI {@code cgroupsPath} rule, and where a cgroup path lies under a mount. */
final class Paths {
    private Paths() {}

    /**
     * The cgroup path (from the hierarchy's root, {@code /a/b}) that {@code cgroupsPath} names:
     * absolute paths as they are, relative ones below {@code ownPath}.
     *
     * @throws CgroupException for an empty path, a {@code .} or {@code ..} component, or the root
     */
    static String resolve(String ownPath, String cgroupsPath) {
        if (cgroupsPath == null || cgroupsPath.isBlank()) throw new CgroupException("cgroup path is empty");
        StringBuilder out = new StringBuilder();
        if (!cgroupsPath.startsWith("/") && !ownPath.equals("/")) out.append(ownPath);
        for (String part : cgroupsPath.split("/")) {
            if (part.isEmpty()) continue;
            if (part.equals(".") || part.equals("..")) {
                throw new CgroupException("cgroup path " + cgroupsPath + ": '" + part + "' is not allowed");
            }
            out.append('/').append(part);
        }
        if (out.isEmpty()) {
            throw new CgroupException("cgroup path " + cgroupsPath + " names the hierarchy's root");
        }
        return out.toString();
    }

    /** The directory of cgroup {@code path} in a hierarchy mounted on {@code mount}. */
    static Path directory(Path mount, String path) {
        String relative = path;
        while (relative.startsWith("/")) relative = relative.substring(1);
        return relative.isEmpty() ? mount : mount.resolve(relative);
    }

    /**
     * The cgroup path ({@code /a/b}) of the directory {@code dir} in the hierarchy mounted on
     * {@code mount}.
     *
     * @throws CgroupException if {@code dir} is not strictly below {@code mount}
     */
    static String below(Path mount, Path dir) {
        Path normal = dir.normalize();
        if (!normal.startsWith(mount) || normal.equals(mount)) {
            throw new CgroupException(dir + " is not a cgroup below " + mount);
        }
        StringBuilder out = new StringBuilder();
        for (Path part : mount.relativize(normal)) out.append('/').append(part);
        return out.toString();
    }

    /** The cgroup path of {@code path}'s parent ({@code /} for a top-level one). */
    static String parent(String path) {
        int slash = path.lastIndexOf('/');
        return slash <= 0 ? "/" : path.substring(0, slash);
    }
}
