package dev.jns.spec;

/** What {@code /proc/PID/setgroups} of a user namespace says. */
public enum Setgroups { ALLOW, DENY }
