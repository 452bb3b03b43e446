package dev.jns.cli;

/** {@code jns nsenter --help}: util-linux 2.42's options, in its layout. */
final class NsenterHelp {
    private NsenterHelp() {}

    static final String TEXT = """

            Usage:
             jns nsenter [options] [<program> [<argument>...]]

            Run a program with namespaces of other processes.

            Options:
             -a, --all                     enter all namespaces
             -t, --target <PID>[:<inode>]  target process to get namespaces from
             -m, --mount[=<file>]          enter mount namespace
             -u, --uts[=<file>]            enter UTS namespace (hostname etc)
             -i, --ipc[=<file>]            enter System V IPC namespace
             -n, --net[=<file>]            enter network namespace
             -N, --net-socket <fd>         enter socket's network namespace (needs --target)
             -p, --pid[=<file>]            enter pid namespace
             -C, --cgroup[=<file>]         enter cgroup namespace
             -U, --user[=<file>]           enter user namespace
                 --user-parent             enter parent user namespace
             -T, --time[=<file>]           enter time namespace
             -S, --setuid[=<uid>]          set uid in entered namespace
             -G, --setgid[=<gid>]          set gid in entered namespace
                 --preserve-credentials    do not touch uids or gids
                 --keep-caps               retain capabilities granted in user namespaces
             -r, --root[=<dir>]            set the root directory
             -w, --wd[=<dir>]              set the working directory
             -W, --wdns <dir>              set the working directory in namespace
             -e, --env                     inherit environment variables from target process
             -F, --no-fork                 do not fork before exec'ing <program>
             -c, --join-cgroup             join the cgroup of the target process

             -h, --help                    display this help
             -V, --version                 display version

            For more details see nsenter(1).
            """;
}
