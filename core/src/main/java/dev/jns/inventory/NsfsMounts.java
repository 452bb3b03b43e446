package dev.jns.inventory;

import dev.jns.inventory.ProcFs.NsfsMount;
import dev.jns.ns.NamespaceType;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The nsfs bind mounts of every mount namespace the scan reaches, each read from the
 * {@code mountinfo} of one process in that namespace, and how to reach a mount point of
 * another namespace ({@code /proc/PID/root/PATH}).
 */
final class NsfsMounts {
    private final OptionalLong ownNamespace;
    private final Map<Long, List<NsfsMount>> byNamespace = new TreeMap<>();
    /** A process in each mount namespace, through which its paths are reached. */
    private final Map<Long, Integer> readers = new TreeMap<>();
    private final Set<String> ownMountPoints;

    private NsfsMounts(OptionalLong ownNamespace, List<NsfsMount> own) {
        this.ownNamespace = ownNamespace;
        ownNamespace.ifPresent(ns -> byNamespace.put(ns, own));
        this.ownMountPoints = own.stream().map(NsfsMount::mountPoint).collect(Collectors.toUnmodifiableSet());
    }

    /** Our own mount namespace's nsfs mounts; the others come with {@link #readOthers}. */
    static NsfsMounts ofOwnNamespace() {
        OptionalLong own;
        try {
            own = ProcFs.parseNsLink(Files.readSymbolicLink(Path.of("/proc/self/ns/mnt")).toString())
                    .map(l -> OptionalLong.of(l.inode())).orElse(OptionalLong.empty());
        } catch (IOException e) {
            own = OptionalLong.empty();
        }
        return new NsfsMounts(own, read(Path.of("/proc/self/mountinfo")));
    }

    /** Reads the mountinfo of each other mount namespace through the given process in it. */
    void readOthers(Map<Long, Integer> readerByNamespace) {
        for (Map.Entry<Long, Integer> r : readerByNamespace.entrySet()) {
            if (byNamespace.containsKey(r.getKey())) continue;
            readers.put(r.getKey(), r.getValue());
            byNamespace.put(r.getKey(), read(Path.of("/proc", r.getValue().toString(), "mountinfo")));
        }
    }

    private static List<NsfsMount> read(Path mountinfo) {
        try {
            return ProcFs.nsfsMounts(new String(Files.readAllBytes(mountinfo), StandardCharsets.UTF_8));
        } catch (IOException e) {
            return List.of(); // its last process exited meanwhile
        }
    }

    OptionalLong ownNamespace() { return ownNamespace; }

    Set<String> ownMountPoints() { return ownMountPoints; }

    /** Each mount namespace's nsfs mounts, in mountinfo order. */
    Map<Long, List<NsfsMount>> byNamespace() { return byNamespace; }

    /** Mount points in mount namespace {@code mnt} that ours does not have. */
    Set<String> extraMountPoints(long mnt) {
        if (ownNamespace.isPresent() && ownNamespace.getAsLong() == mnt) return Set.of();
        Set<String> points = new HashSet<>();
        for (NsfsMount m : byNamespace.getOrDefault(mnt, List.of())) {
            if (!ownMountPoints.contains(m.mountPoint())) points.add(m.mountPoint());
        }
        return points;
    }

    /** The type of a namespace that some mount shows. */
    Optional<NamespaceType> typeOf(long inode) {
        return byNamespace.values().stream().flatMap(List::stream).map(NsfsMount::namespace)
                .filter(l -> l.inode() == inode).map(ProcFs.NsLink::type).findFirst();
    }

    /** A path that opens the mount point from here, or empty when its namespace is out of reach. */
    Optional<Path> reach(Holder.BindMount b) {
        if (ownNamespace.isPresent() && ownNamespace.getAsLong() == b.mountNamespace()) return Optional.of(Path.of(b.mountPoint()));
        Integer reader = readers.get(b.mountNamespace());
        return reader == null ? Optional.empty() : Optional.of(Path.of("/proc/" + reader + "/root" + b.mountPoint()));
    }
}
