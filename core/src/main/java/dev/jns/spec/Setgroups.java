package dev.jns.spec;

/** What {@code /proc/PID/setgroups} of a user namespace says. */
public enum Setgroups {
    /** {@code allow}: the namespace's processes may call {@code setgroups(2)}. */
    ALLOW,
    /** {@code deny}: they may not; needed before an unprivileged process writes a gid map. */
    DENY
}
