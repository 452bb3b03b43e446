package dev.jns.cli;

/** {@code jns unshare --help}: util-linux's layout (27-column option field), jns's words. */
final class UnshareHelp {
    private UnshareHelp() {}

    static final String TEXT = """

            Usage:
             jns unshare [options] [<program> [<argument>...]]

            Run a program in new namespaces of the kinds given.

            Options:
             -m, --mount[=<file>]      new mount namespace
             -u, --uts[=<file>]        new UTS namespace (host and domain name)
             -i, --ipc[=<file>]        new System V IPC and POSIX message queue namespace
             -n, --net[=<file>]        new network namespace
             -p, --pid[=<file>]        new PID namespace (for the program's children, or with -f for the program)
             -U, --user[=<file>]       new user namespace
             -C, --cgroup[=<file>]     new cgroup namespace
             -T, --time[=<file>]       new time namespace (for the program's children, or with -f for the program)
                                         a <file> (which must exist) keeps the namespace by a bind mount

             --mount-proc[=<dir>]      mount a fresh proc filesystem at <dir> (/proc) (implies --mount)
             --mount-binfmt[=<dir>]    mount the user namespace's binfmt_misc at <dir>
                                         (/proc/sys/fs/binfmt_misc, with a fresh /proc) (implies --user and --mount)
             -l, --load-interp <def>   register a binfmt_misc definition in it (implies --mount-binfmt)
             --propagation slave|shared|private|unchanged
                                       mount propagation of / in the new mount namespace (private)
             -R, --root <dir>          chroot to <dir> before running the program
             -w, --wd <dir>            run the program in <dir>

             -S, --setuid <uid>        switch to <uid> inside the namespaces
             -G, --setgid <gid>        switch to <gid> inside the namespaces, with no supplementary groups
             --map-user <uid>|<name>   map your user to <uid> inside (implies --user)
             --map-group <gid>|<name>  map your group to <gid> inside (implies --user)
             -r, --map-root-user       map your user and group to root inside (implies --user)
             -c, --map-current-user    map your user and group to themselves (implies --user)
             --map-auto                map your first /etc/subuid and /etc/subgid block from 0 (implies --user)
             --map-subids              map your first subordinate id block to itself (implies --user)
             --map-users <inneruid>:<outeruid>:<count>|auto|subids|all
                                       map <count> uids from <outeruid> to <inneruid> (implies --user)
             --map-groups <innergid>:<outergid>:<count>|auto|subids|all
                                       map <count> gids from <outergid> to <innergid> (implies --user)
             --owner <uid>:<gid>       create the user namespace as this owner (implies --user)

             -f, --fork                run the program as a child and wait for it
             --kill-child[=<signame>]  the signal the program gets if jns dies (implies --fork)
                             (SIGKILL, also without this option: jns never leaves it running)
             --forward-signals         pass SIGTERM and SIGINT on to the program (implies --fork)

             --setgroups allow|deny    allow or deny setgroups(2) in the new user namespace
             --keep-caps               give the program its capabilities in the user namespace as ambient ones

             --monotonic <offset>      shift CLOCK_MONOTONIC by <offset> seconds (needs --time)
             --boottime <offset>       shift CLOCK_BOOTTIME by <offset> seconds (needs --time)
             --clear-env               start the program with an empty environment
             --whitelist-env <list>    keep only these comma-separated environment variables

             -h, --help                display this help
             -V, --version             display version

            With no <program>, runs $SHELL (or your login shell, or /bin/sh) as a login shell.
            For more details see unshare(1).
            """;
}
