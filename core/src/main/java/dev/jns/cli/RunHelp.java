package dev.jns.cli;

/** {@code jns run --help}: bubblewrap's options as jns run takes them (jns's own wording). */
final class RunHelp {
    private RunHelp() {}

    static final String TEXT = """
            usage: jns run [OPTIONS...] [--] COMMAND [ARGS...]

            Runs COMMAND in a sandbox: an empty root built from the options, in order, as
            bubblewrap (bwrap) does; the same options, the same exit status.

                --help                       Print this and exit
                --version                    Print the version and exit
                --unshare-all                New user (if possible), ipc, pid, net, uts and cgroup (if possible) namespaces
                --unshare-user, --unshare-user-try, --unshare-ipc, --unshare-pid, --unshare-net,
                --unshare-uts, --unshare-cgroup, --unshare-cgroup-try
                                             New namespaces of one type
                --share-net                  Keep the network namespace
                --uid UID, --gid GID         The ids inside (a new user namespace maps them to yours)
                --hostname NAME              The host name (needs --unshare-uts)
                --chdir DIR                  The working directory
                --setenv VAR VALUE, --unsetenv VAR, --clearenv
                                             The environment
                --argv0 VALUE                argv[0] of the program
                --bind SRC DEST, --ro-bind SRC DEST, --dev-bind SRC DEST (and -try forms)
                                             Bind a file of yours into the sandbox (nosuid; nodev unless --dev-bind)
                --remount-ro DEST            Make DEST read-only
                --proc DEST                  A fresh procfs
                --dev DEST                   A minimal /dev
                --tmpfs DEST                 A tmpfs (--perms OCTAL and --size BYTES before it apply)
                --mqueue DEST                A POSIX message queue filesystem
                --dir DEST                   A directory (--perms OCTAL before it applies)
                --symlink SRC DEST           A symbolic link at DEST to SRC
                --chmod OCTAL PATH           Set a mode
                --new-session                A new terminal session
                --die-with-parent            jns dies with its parent (the sandbox always dies with jns)
                --as-pid-1                   The program is PID 1 of its pid namespace (no reaper)
                --cap-add CAP, --cap-drop CAP
                                             Capabilities kept (none by default; ALL for all)
                --seccomp FD, --add-seccomp-fd FD
                                             A compiled seccomp filter (BPF) to install
                --userns FD                  Use the user namespace open at FD instead of a new one
                --userns2 FD                 Move into the user namespace open at FD once set up
                --pidns FD                   Use the pid namespace open at FD (with --unshare-pid: a new one in it)
                --disable-userns             The program cannot make user namespaces (needs --unshare-user)
                --assert-userns-disabled     Fail unless the program already cannot make user namespaces
                --block-fd FD                The program waits before exec until FD has data or is closed
                --userns-block-fd FD         jns writes no uid/gid maps: the caller does (pid on --info-fd), then writes to FD
                --sync-fd FD                 Kept open while the sandbox runs
                --lock-file DEST             A read lock on DEST (in the sandbox) held while the sandbox runs
                --level-prefix               Prefix messages with their syslog level (<3>, <4>)
            """;
}
