package dev.jns.spec;

/**
 * Something a {@link LaunchSpec} asks for, as the user said it: a bind mount, the uid map, the
 * program. The plan compiler expands each step into low-level ops, and every op remembers its
 * step, so that a failure names what was asked for (e.g. "mount proc on /proc") and not only
 * the system call that failed.
 */
public interface Step {}
