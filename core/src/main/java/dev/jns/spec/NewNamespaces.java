package dev.jns.spec;

import dev.jns.ns.NamespaceType;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * The namespaces created for the program.
 *
 * @param types   the types it gets new instances of
 * @param pidEntry where the program lands when the pid namespace is new or joined
 * @param persist new namespaces kept after the program ends, by a bind mount of their nsfs
 *                file (util-linux's {@code unshare --net=FILE})
 */
public record NewNamespaces(Set<NamespaceType> types, PidNamespaceEntry pidEntry, Map<NamespaceType, Persistence> persist)
        implements Step {
    /** Copies the types and the persistence map. */
    public NewNamespaces {
        types = types.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(types));
        persist = Map.copyOf(persist);
    }

    /**
     * Whether a new namespace of this type is made.
     *
     * @param type the namespace type
     * @return true if one is
     */
    public boolean contains(NamespaceType type) {
        return types.contains(type);
    }

    /**
     * Whether the pid namespace is new and only the program's children enter it.
     *
     * @return true if so
     */
    public boolean pidForChildren() {
        return types.contains(NamespaceType.PID) && pidEntry == PidNamespaceEntry.CHILDREN_ENTER;
    }

    /**
     * Keeps a namespace at {@code file}; with {@code createMissing} false a missing file fails the launch.
     *
     * @param type the namespace type
     * @param file the file
     * @param createMissing whether to create a missing file
     */
    public record Persistence(NamespaceType type, Path file, boolean createMissing) implements Step {}
}
