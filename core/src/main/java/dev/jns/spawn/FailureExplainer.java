package dev.jns.spawn;

import dev.jns.limits.NamespaceLimits;
import dev.jns.ns.NamespaceType;
import dev.jns.os.Errno;
import dev.jns.plan.Op;
import dev.jns.spec.LaunchSpec;
import dev.jns.spec.Setgroups;

import java.util.EnumSet;
import java.util.Set;

/**
 * Says, for the failures people meet most, which kernel rule refused a spawn, so the message
 * points at the fix rather than only at the errno. Returns "" when it has nothing to add.
 */
final class FailureExplainer {
    private FailureExplainer() {}

    static String explain(LaunchSpec spec, Op op, int errno) {
        boolean newUserNs = spec.create().contains(NamespaceType.USER);
        // instanceof, not a pattern switch: a type switch bootstraps a hidden class a cold CLI pays for
        if (op instanceof Op.Clone c) {
            if (errno == Errno.EPERM && !newUserNs) {
                return "creating namespaces needs CAP_SYS_ADMIN; an unprivileged user can create them"
                        + " together with a new user namespace";
            }
            if (errno == Errno.ENOSPC) return limitReached(c.namespaceFlags());
        }
        if (op instanceof Op.Unshare u && errno == Errno.ENOSPC) return limitReached(u.namespaceFlags());
        if (op instanceof Op.WriteFile w && errno == Errno.EPERM && w.path().endsWith("_map")) {
            if (w.path().endsWith("gid_map") && spec.user().setgroups().orElse(null) != Setgroups.DENY) {
                return "an unprivileged user may write gid_map only after setgroups is denied";
            }
            return "an unprivileged user may map only its own id, once; other ranges need newuidmap/newgidmap"
                    + " (IdMapWriter.SHADOW_UTILS) and entries in /etc/subuid and /etc/subgid";
        }
        if (op instanceof Op.IdmapTree && errno == Errno.EINVAL) {
            return "the filesystem there cannot be id-mapped (ext4, xfs, btrfs, tmpfs and overlayfs can; proc, sysfs"
                    + " and most network filesystems cannot), or a map is not valid for it";
        }
        if ((op instanceof Op.IdmapTree || op instanceof Op.UserNamespaceWithMaps) && errno == Errno.EPERM) {
            return "only a caller privileged over the filesystem's user namespace (root, for a host filesystem) may id-map a mount";
        }
        if (op instanceof Op.SetUid u && errno == Errno.EINVAL) return "uid " + u.uid() + " is not mapped in the user namespace";
        if (op instanceof Op.SetGid g && errno == Errno.EINVAL) return "gid " + g.gid() + " is not mapped in the user namespace";
        if (op instanceof Op.SetGroups && errno == Errno.EPERM && newUserNs) return "setgroups is denied in this user namespace";
        return "";
    }

    private static String limitReached(int cloneFlags) {
        Set<NamespaceType> types = EnumSet.noneOf(NamespaceType.class);
        for (NamespaceType t : NamespaceType.values()) {
            if ((cloneFlags & t.cloneFlag()) != 0) types.add(t);
        }
        return NamespaceLimits.explainEnospc(types, null).getMessage();
    }
}
