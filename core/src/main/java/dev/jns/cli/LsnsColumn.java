package dev.jns.cli;

import dev.jns.cli.table.Column;

import java.util.Locale;
import java.util.Optional;

/** The 13 columns of lsns, with util-linux's width hints, alignment and JSON types. */
enum LsnsColumn {
    NS(10, true, false, false, true, "inode number that identifies the namespace"),
    TYPE(5, false, false, false, false, "namespace type (mnt, net, ipc, user, pid, uts, cgroup, time)"),
    PATH(0, false, false, false, false, "/proc path of the namespace, through its lowest PID"),
    NPROCS(5, true, false, false, true, "how many processes are in the namespace"),
    PID(5, true, false, false, true, "the lowest PID in the namespace"),
    PPID(5, true, false, false, true, "parent PID of that PID"),
    COMMAND(0, false, true, false, false, "command line of that PID"),
    UID(0, true, false, false, true, "UID of that PID (owner UID when no process)"),
    USER(0, false, false, false, false, "user name of that UID"),
    NETNSID(0, true, false, false, false, "the id the network stack gives the namespace"),
    NSFS(0, false, false, true, false, "where the namespace is bind-mounted (nsfs)"),
    PNS(10, true, false, false, true, "inode of the parent namespace (pid, user)"),
    ONS(10, true, false, false, true, "inode of the owning user namespace");

    private final Column column;
    private final String help;

    LsnsColumn(int widthHint, boolean right, boolean truncate, boolean lines, boolean number, String help) {
        this.column = new Column(name(), widthHint, right, truncate, lines, false, number);
        this.help = help;
    }

    Column column() { return column; }

    String help() { return help; }

    /** The column for a name, case-insensitively, as {@code -o} accepts it. */
    static Optional<LsnsColumn> byName(String name) {
        String upper = name.toUpperCase(Locale.ROOT);
        for (LsnsColumn c : values()) {
            if (c.name().equals(upper)) return Optional.of(c);
        }
        return Optional.empty();
    }
}
