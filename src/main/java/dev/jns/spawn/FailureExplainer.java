package dev.jns.spawn;

import dev.jns.ns.NamespaceType;
import dev.jns.plan.Op;
import dev.jns.sys.Errno;

/**
 * Says, for the failures people meet most, which kernel rule refused a spawn, so the message
 * points at the fix rather than only at the errno. Returns "" when it has nothing to add.
 */
final class FailureExplainer {
    private FailureExplainer() {}

    static String explain(NamespacedProcessBuilder b, Op op, int errno) {
        boolean newUserNs = b.newTypes.contains(NamespaceType.USER);
        return switch (op) {
            case Op.Clone c when errno == Errno.EPERM && !newUserNs ->
                    "creating namespaces needs CAP_SYS_ADMIN; an unprivileged user can create them"
                            + " together with a new user namespace";
            case Op.Clone c when errno == Errno.ENOSPC ->
                    "a namespace limit (/proc/sys/user/max_*_namespaces) is reached for this user namespace"
                            + " or one of its ancestors";
            case Op.Unshare u when errno == Errno.ENOSPC ->
                    "a namespace limit (/proc/sys/user/max_*_namespaces) is reached";
            case Op.WriteIdMap m when errno == Errno.EPERM && m.kind() == Op.IdKind.GID
                    && b.setgroups != NamespacedProcessBuilder.Setgroups.DENY ->
                    "an unprivileged user may write gid_map only after setgroups is denied";
            case Op.WriteIdMap m when errno == Errno.EPERM ->
                    "an unprivileged user may map only its own id, once; other ranges need newuidmap/newgidmap"
                            + " (IdMapWriter.SHADOW_UTILS) and entries in /etc/subuid and /etc/subgid";
            case Op.SetUid u when errno == Errno.EINVAL -> "uid " + u.uid() + " is not mapped in the user namespace";
            case Op.SetGid g when errno == Errno.EINVAL -> "gid " + g.gid() + " is not mapped in the user namespace";
            case Op.SetGroups g when errno == Errno.EPERM && newUserNs ->
                    "setgroups is denied in this user namespace";
            default -> "";
        };
    }
}
