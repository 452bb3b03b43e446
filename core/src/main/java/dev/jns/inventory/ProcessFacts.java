package dev.jns.inventory;

import dev.jns.inventory.ProcFs.NsLink;
import dev.jns.ns.NamespaceType;

import java.util.List;

/**
 * What one process's {@code /proc} directory told the scan, before namespaces are
 * grouped: its ids, the inode of each namespace link (0 when unreadable), the fds that
 * link to a namespace, its socket fds and their inodes (when sockets are scanned), and {@code mountedFds},
 * fds whose link is a path that may be an nsfs file opened through a bind mount.
 */
record ProcessFacts(int pid, int ppid, int uid, long[] namespaces, List<NsFd> nsFds, int[] socketFds,
                    long[] socketInodes, int[] mountedFds) {

    /** An fd that is a namespace. */
    record NsFd(int fd, NsLink link) {}

    long namespace(NamespaceType type) {
        return namespaces[type.ordinal()];
    }
}
