package dev.jns.inventory;

import dev.jns.ns.NamespaceType;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * One namespace and what keeps it alive.
 *
 * @param type         its type
 * @param inode        its nsfs inode, lsns's NS
 * @param processCount how many processes are in it (lsns's NPROCS)
 * @param lowestPid    the lowest pid of those, absent when none
 * @param parent       the parent pid/user namespace's inode, when the scan looked it up and
 *                     the caller can reach it (lsns's PNS)
 * @param owner        the owning user namespace's inode, likewise (lsns's ONS)
 * @param ownerUid     the uid that created its owning user namespace (its own for a user
 *                     namespace); looked up for namespaces without processes
 * @param netnsId      the NETNSID, for net namespaces when the scan looked it up
 * @param holders      the bind mounts, open fds, sockets and dependent namespaces that
 *                     also keep it alive
 */
public record NamespaceRecord(NamespaceType type, long inode, int processCount, OptionalInt lowestPid,
                             OptionalLong parent, OptionalLong owner, OptionalInt ownerUid,
                             Optional<NetnsId> netnsId, List<Holder> holders) {
    /** Copies the holders. */
    public NamespaceRecord {
        holders = List.copyOf(holders);
    }

    /**
     * The kernel's notation, {@code net:[4026531833]}.
     *
     * @return the name
     */
    public String name() { return type.procName() + ":[" + inode + "]"; }

    /**
     * Found only as another namespace's parent or owner.
     *
     * @return true for a ghost
     */
    public boolean isGhost() {
        return processCount == 0 && !holders.isEmpty()
                && holders.stream().allMatch(h -> h instanceof Holder.Dependent);
    }
}
