package dev.jns.spec;

/** Where the started program lands when a pid namespace is new or joined. */
public enum PidNamespaceEntry {
    /** The program is PID 1 of the new pid namespace (util-linux's {@code unshare -pf}). */
    PROGRAM_IS_PID_1,
    /**
     * The program stays outside; its children enter the namespace (util-linux's
     * {@code unshare -p}, or {@code nsenter -p -F} for a joined one).
     */
    CHILDREN_ENTER
}
