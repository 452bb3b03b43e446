package dev.jns.inventory;

import dev.jns.ns.NamespaceType;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;

/**
 * What an inventory scan looks at. Reading {@code /proc} links is cheap; everything that
 * needs the namespace ioctls or netlink (and so the FFM linker, which costs start-up
 * time) is opt-in, so a caller pays only for what it shows.
 *
 * <p>Namespaces that no process is in are always looked at fully (their owner uid, parent,
 * owner and unreachable ancestors), because there are few and nothing else describes them.
 *
 * @param types       the namespace types to list
 * @param relations   parent and owner ({@code NS_GET_PARENT}, {@code NS_GET_USERNS}) of
 *                    every namespace, not only of those without processes
 * @param ghosts      also add the parents and owners of namespaces with processes that
 *                    nothing else keeps visible (implies {@code relations})
 * @param netnsIds    the NETNSID of each net namespace ({@code RTM_GETNSID})
 * @param sockets     find net namespaces held only by sockets ({@code SIOCGSKNS} on every
 *                    socket fd)
 * @param allCommands read every process's command, not only those of the lowest pid of
 *                    each namespace and of the processes holding namespace fds
 */
public record ScanOptions(Set<NamespaceType> types, boolean relations, boolean ghosts,
                          boolean netnsIds, boolean sockets, boolean allCommands) {
    /** Copies the types (there must be one); ghosts need relations, so they turn them on. */
    public ScanOptions {
        if (types.isEmpty()) throw new IllegalArgumentException("no namespace types to scan");
        types = Collections.unmodifiableSet(EnumSet.copyOf(types));
        relations = relations || ghosts;
    }

    /**
     * Everything the scan can find, for library callers who want the whole picture.
     *
     * @return the options
     */
    public static ScanOptions everything() {
        return new ScanOptions(EnumSet.allOf(NamespaceType.class), true, true, true, true, true);
    }

    /**
     * Only what {@code /proc} links tell, plus the full view of namespaces without processes.
     *
     * @return the options
     */
    public static ScanOptions minimal() {
        return new ScanOptions(EnumSet.allOf(NamespaceType.class), false, false, false, false, false);
    }

    /**
     * A copy scanning only these types.
     *
     * @param t the types
     * @return the copy
     */
    public ScanOptions withTypes(Set<NamespaceType> t) {
        return new ScanOptions(t, relations, ghosts, netnsIds, sockets, allCommands);
    }

    /**
     * A copy that does or does not read owners and parents.
     *
     * @param on true to include it
     * @return the copy
     */
    public ScanOptions withRelations(boolean on) {
        return new ScanOptions(types, on, ghosts, netnsIds, sockets, allCommands);
    }

    /**
     * A copy that does or does not look for namespaces held by nothing but others (turns relations on).
     *
     * @param on true to include it
     * @return the copy
     */
    public ScanOptions withGhosts(boolean on) {
        return new ScanOptions(types, relations, on, netnsIds, sockets, allCommands);
    }

    /**
     * A copy that does or does not ask for network namespace ids.
     *
     * @param on true to include it
     * @return the copy
     */
    public ScanOptions withNetnsIds(boolean on) {
        return new ScanOptions(types, relations, ghosts, on, sockets, allCommands);
    }

    /**
     * A copy that does or does not look for namespaces held by sockets.
     *
     * @param on true to include it
     * @return the copy
     */
    public ScanOptions withSockets(boolean on) {
        return new ScanOptions(types, relations, ghosts, netnsIds, on, allCommands);
    }

    /**
     * A copy that does or does not read every process's command line.
     *
     * @param on true to include it
     * @return the copy
     */
    public ScanOptions withAllCommands(boolean on) {
        return new ScanOptions(types, relations, ghosts, netnsIds, sockets, on);
    }
}
