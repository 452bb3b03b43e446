package dev.jns.limits;

import dev.jns.ns.NamespaceType;

import java.nio.file.Path;

/**
 * One namespace type's creation limit and how much of it is used, as the caller sees it.
 *
 * <p>The kernel charges each new namespace to the effective uid that created it (for a
 * namespace made inside a user namespace, also to that user namespace's owner at every
 * level above) and refuses with ENOSPC once that uid's count reaches the limit in
 * {@code /proc/sys/user/max_<type>_namespaces}. So {@link #uidUsed} is the number that
 * {@link #limit} caps, and {@link #used} is every namespace of the type the caller can see.
 *
 * @param type    the namespace type
 * @param limit   the value of {@link #limitFile()}
 * @param used    namespaces of this type visible to the caller
 * @param uid     the uid the counts are charged to: the caller's effective uid
 * @param uidUsed visible namespaces of this type charged to {@code uid}
 */
public record NamespaceUsage(NamespaceType type, long limit, int used, int uid, int uidUsed) {

    /**
     * The sysctl file holding this type's limit.
     *
     * @return the path
     */
    public Path limitFile() {
        return NamespaceLimits.limitFile(type);
    }

    /**
     * Whether {@code uid} has as many namespaces of this type as the limit allows.
     *
     * @return true if reached
     */
    public boolean isReached() {
        return uidUsed >= limit;
    }
}
