package dev.jns.spec;

/** How uid/gid maps are written. */
public enum IdMapWriter {
    /** Writes {@code /proc/PID/uid_map} itself: root, or an unprivileged user mapping only its own id. */
    PROC_FILES,
    /** Runs shadow-utils' setuid {@code newuidmap}/{@code newgidmap}, for ranges granted in {@code /etc/subuid}. */
    SHADOW_UTILS
}
