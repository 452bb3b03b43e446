package dev.jns.spec;

import dev.jns.ids.IdMap;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A new user namespace's setup.
 *
 * @param uidMap    lines of its {@code uid_map}
 * @param gidMap    lines of its {@code gid_map}
 * @param uidWriter how the uid map is written
 * @param gidWriter how the gid map is written
 * @param setgroups what its {@code /proc/PID/setgroups} says (without a new user namespace:
 *                  the program's own, as util-linux writes it)
 * @param owner     the user the namespaces are created as (util-linux's {@code --owner})
 * @param nested    whether the program may make user namespaces of its own
 * @param setupIds  which ids the setup inside the new namespace runs as, once the maps are written
 * @param mapsByCaller a descriptor of the caller's when the caller writes the maps (and setgroups)
 *                  itself, from outside (bubblewrap's {@code --userns-block-fd}): the maps above are
 *                  then empty, and the new process, as soon as it is in the namespace, waits until one
 *                  byte can be read from the descriptor (or its other end is closed) before it sets
 *                  anything up; the caller learns its pid in the meantime
 */
public record UserNamespace(List<IdMap> uidMap, List<IdMap> gidMap, IdMapWriter uidWriter, IdMapWriter gidWriter,
                            Optional<Setgroups> setgroups, Optional<Owner> owner, Nested nested,
                            SetupIds setupIds, OptionalInt mapsByCaller) implements Step {
    public static final UserNamespace NONE = new UserNamespace(List.of(), List.of(), IdMapWriter.PROC_FILES,
            IdMapWriter.PROC_FILES, Optional.empty(), Optional.empty());

    /**
     * The program may make user namespaces as the kernel lets it.
     *
     * @param uidMap the uid map lines
     * @param gidMap the gid map lines
     * @param uidWriter how the uid map is written
     * @param gidWriter how the gid map is written
     * @param setgroups what to write to {@code setgroups}, if anything
     * @param owner the user to create the namespaces as, if any
     */
    public UserNamespace(List<IdMap> uidMap, List<IdMap> gidMap, IdMapWriter uidWriter, IdMapWriter gidWriter,
                         Optional<Setgroups> setgroups, Optional<Owner> owner) {
        this(uidMap, gidMap, uidWriter, gidWriter, setgroups, owner, Nested.ALLOWED);
    }

    /**
     * The setup runs as what the creator's ids map to.
     *
     * @param uidMap the uid map lines
     * @param gidMap the gid map lines
     * @param uidWriter how the uid map is written
     * @param gidWriter how the gid map is written
     * @param setgroups what to write to {@code setgroups}, if anything
     * @param owner the user to create the namespaces as, if any
     * @param nested whether the program may make user namespaces of its own
     */
    public UserNamespace(List<IdMap> uidMap, List<IdMap> gidMap, IdMapWriter uidWriter, IdMapWriter gidWriter,
                         Optional<Setgroups> setgroups, Optional<Owner> owner, Nested nested) {
        this(uidMap, gidMap, uidWriter, gidWriter, setgroups, owner, nested, SetupIds.CREATORS, OptionalInt.empty());
    }

    /**
     * A namespace whose maps (and setgroups) the caller writes from outside, while the new
     * process waits on {@code callerFd} right after it is made; nothing else of it changes.
     *
     * @param nested whether the program may make user namespaces of its own
     * @param callerFd the caller's descriptor the new process reads one byte from once the maps are written
     * @return a namespace with no maps of jns's own
     */
    public static UserNamespace mappedByCaller(Nested nested, int callerFd) {
        if (callerFd < 0) throw new IllegalArgumentException("not a descriptor number: " + callerFd);
        return new UserNamespace(List.of(), List.of(), IdMapWriter.PROC_FILES, IdMapWriter.PROC_FILES, Optional.empty(),
                Optional.empty(), nested, SetupIds.CREATORS, OptionalInt.of(callerFd));
    }

    /**
     * The same namespace, its setup run as {@code ids}.
     *
     * @param ids the ids the setup runs as
     * @return the changed copy
     */
    public UserNamespace withSetupIds(SetupIds ids) {
        return new UserNamespace(uidMap, gidMap, uidWriter, gidWriter, setgroups, owner, nested, ids, mapsByCaller);
    }

    /**
     * The ids the new process holds inside its user namespace while it sets itself up (mounts,
     * directories, device nodes), before the program's own credentials are taken.
     */
    public enum SetupIds {
        /**
         * Whatever the creator's ids map to, the overflow ids if they are unmapped (util-linux
         * and bubblewrap change ids only when told to).
         */
        CREATORS,
        /**
         * 0, in each map that has it, taken as soon as the maps are written, as runc and crun
         * do: a creator unmapped in the new namespace would otherwise create files and
         * directories as an id the namespace cannot represent (EOVERFLOW).
         */
        ROOT
    }

    /** Whether the program can make user namespaces (bubblewrap's {@code --disable-userns}, {@code --assert-userns-disabled}). */
    public enum Nested {
        /** As the kernel lets it. */
        ALLOWED,
        /**
         * Never: once its root is built the program moves into a user namespace nested in the
         * new one (its ids mapped to themselves), whose parent allows one user namespace, that
         * one: so it can make none, and cannot raise the limit it is not the owner of. Checked before exec.
         */
        DISABLED,
        /** The launch fails unless the program already cannot make one (checked before exec). */
        MUST_BE_IMPOSSIBLE
    }

    /** Copies the maps. */
    public UserNamespace {
        uidMap = List.copyOf(uidMap);
        gidMap = List.copyOf(gidMap);
        Objects.requireNonNull(setupIds, "setupIds");
        Objects.requireNonNull(mapsByCaller, "mapsByCaller");
        if (mapsByCaller.isPresent() && (!uidMap.isEmpty() || !gidMap.isEmpty() || setgroups.isPresent())) {
            throw new IllegalArgumentException("maps the caller writes are not written by jns as well");
        }
    }

    /**
     * The user the namespaces are created as.
     *
     * @param uid the uid
     * @param gid the gid
     */
    public record Owner(long uid, long gid) {}
}
