package dev.jns.inventory;

import dev.jns.ns.NamespaceType;

/**
 * Something other than a member process that keeps a namespace alive. Member processes
 * are counted in {@link NamespaceRecord#processCount()} instead of listed here.
 */
public sealed interface Holder {
    /**
     * Process {@code pid} has the namespace's nsfs file open as {@code fd}.
     *
     * @param pid the process id
     * @param fd the descriptor number
     */
    record OpenFd(int pid, int fd) implements Holder {}

    /**
     * A socket, open as {@code fd} in process {@code pid}, was created in this net namespace.
     *
     * @param pid the process id
     * @param fd the descriptor number
     */
    record Socket(int pid, int fd) implements Holder {}

    /**
     * The namespace's nsfs file is bind-mounted at {@code mountPoint} (as that mount
     * namespace sees it) in mount namespace {@code mountNamespace}.
     *
     * @param mountNamespace the inode of the mount namespace that has the mount
     * @param mountPoint the mount point there
     */
    record BindMount(long mountNamespace, String mountPoint) implements Holder {}

    /**
     * Namespace {@code inode} (of type {@code type}) has this one as its parent or owner.
     * Listed only for "ghost" namespaces, found through nothing else.
     *
     * @param inode the other namespace's inode
     * @param type the namespace type
     * @param relation how it refers to this one
     */
    record Dependent(long inode, NamespaceType type, Relation relation) implements Holder {}

    /** How a dependent namespace refers to the one it keeps alive. */
    enum Relation {
        /** It is the dependent's parent (pid and user namespaces). */
        PARENT,
        /** It is the user namespace that owns the dependent. */
        OWNER
    }
}
