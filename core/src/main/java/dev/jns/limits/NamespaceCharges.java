package dev.jns.limits;

import dev.jns.inventory.Inventory;
import dev.jns.inventory.NamespaceRecord;
import dev.jns.inventory.ProcessRecord;
import dev.jns.inventory.ScanOptions;
import dev.jns.ns.Namespace;
import dev.jns.ns.NamespaceType;
import dev.jns.os.SyscallException;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Which uid the kernel charged each visible namespace to, in the caller's user namespace:
 * the count that {@code /proc/sys/user/max_*_namespaces} caps, worked out from one
 * inventory scan.
 */
final class NamespaceCharges {
    private NamespaceCharges() {}

    /**
     * A visible namespace, reduced to what the limits count: its type and the uid it is
     * charged to in the caller's user namespace (empty when it is not charged there).
     */
    record Charge(NamespaceType type, OptionalInt uid) {}

    /**
     * Every visible namespace of {@code types} with the uid the kernel charged it to, as far
     * as the inventory tells: a user namespace is charged to its creator, any other
     * namespace to the creator of the user namespace owning it (for namespaces made by
     * privileged processes in the caller's own user namespace, that is its owner, root on
     * the host). Not charged here: the boot-time namespaces (those of {@code kthreadd}),
     * and namespaces whose owner (for a user namespace: parent) is out of the caller's
     * reach, such as the caller's own user namespace: those were charged above it.
     */
    static List<Charge> of(Set<NamespaceType> types) {
        Set<NamespaceType> scanned = EnumSet.of(NamespaceType.USER);
        scanned.addAll(types);
        // Owners are needed for every namespace, and a user namespace kept only as an
        // owner ("ghost") still counts; sockets can be all that keeps a net namespace.
        Inventory inventory = Inventory.scan(ScanOptions.minimal().withTypes(scanned)
                .withRelations(true).withGhosts(true).withSockets(true));
        Map<Long, Integer> creators = userNamespaceCreators(inventory);
        Set<Long> boot = bootNamespaces(inventory);
        List<Charge> out = new ArrayList<>();
        for (NamespaceRecord ns : inventory.namespaces()) {
            if (!types.contains(ns.type())) continue;
            out.add(new Charge(ns.type(), boot.contains(ns.inode()) ? OptionalInt.empty() : chargedUid(ns, creators)));
        }
        return out;
    }

    /**
     * A user namespace is charged in its parent to its creator, any other namespace in its
     * owner to the owner's creator. A parent or owner out of reach means the charge was
     * made above the caller's user namespace.
     */
    private static OptionalInt chargedUid(NamespaceRecord ns, Map<Long, Integer> creators) {
        Integer creator = null;
        if (ns.type() == NamespaceType.USER) {
            if (ns.parent().isPresent()) creator = creators.get(ns.inode());
        } else if (ns.owner().isPresent()) {
            creator = creators.get(ns.owner().getAsLong());
        }
        return creator == null ? OptionalInt.empty() : OptionalInt.of(creator);
    }

    /**
     * The creator uid of each user namespace in the inventory. The scan asks it of the
     * namespaces without processes; the others are asked through their lowest process.
     */
    private static Map<Long, Integer> userNamespaceCreators(Inventory inventory) {
        Map<Long, Integer> creators = new HashMap<>();
        for (NamespaceRecord ns : inventory.namespaces(NamespaceType.USER)) {
            if (ns.ownerUid().isPresent()) {
                creators.put(ns.inode(), ns.ownerUid().getAsInt());
            } else if (ns.lowestPid().isPresent()) {
                try (Namespace handle = Namespace.of(ns.lowestPid().getAsInt(), NamespaceType.USER)) {
                    // The process may have exited and its pid been reused: check it is still this one.
                    if (handle.inode() == ns.inode()) handle.ownerUid().ifPresent(uid -> creators.put(ns.inode(), uid));
                } catch (SyscallException e) {
                    // gone meanwhile: its namespaces are about to go too
                }
            }
        }
        return creators;
    }

    /** The namespaces of kthreadd (pid 2, child of pid 0): the ones the kernel made at boot. */
    private static Set<Long> bootNamespaces(Inventory inventory) {
        Set<Long> boot = new HashSet<>();
        inventory.process(2).filter(p -> p.ppid() == 0).map(ProcessRecord::namespaces)
                .ifPresent(ns -> boot.addAll(ns.values()));
        return boot;
    }
}
