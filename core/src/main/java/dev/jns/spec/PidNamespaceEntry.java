package dev.jns.spec;

/** Where the started program lands when a pid namespace is new or joined. */
public enum PidNamespaceEntry {
    /** The program is PID 1 of the new pid namespace (util-linux's {@code unshare -pf}, bwrap's {@code --as-pid-1}). */
    PROGRAM_IS_PID_1,
    /**
     * A small reaper is PID 1 and the program its child, PID 2 (bubblewrap's default): the
     * program gets signals like any process (PID 1 ignores those it has no handler for, so a
     * SIGTERM would not stop it), the reaper reaps orphans, passes signals on, and ends with
     * the program's status (128+N when a signal killed it).
     */
    REAPER_IS_PID_1,
    /**
     * The program stays outside; its children enter the namespace (util-linux's
     * {@code unshare -p}, or {@code nsenter -p -F} for a joined one).
     */
    CHILDREN_ENTER
}
