package dev.jns.ns;

/**
 * The identity of a namespace without holding it open: its nsfs device and inode, and
 * its type. Two handles refer to the same namespace exactly when their ids are equal.
 * {@link #toString()} prints the kernel's form, {@code net:[4026532008]}.
 *
 * @param type the namespace type
 * @param device the nsfs device
 * @param inode the nsfs inode
 */
public record NamespaceId(NamespaceType type, long device, long inode) {
    @Override
    public String toString() {
        return type.procName() + ":[" + inode + "]";
    }
}
