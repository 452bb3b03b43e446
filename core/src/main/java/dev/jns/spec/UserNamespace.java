package dev.jns.spec;

import dev.jns.ids.IdMap;

import java.util.List;
import java.util.Optional;

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
 */
public record UserNamespace(List<IdMap> uidMap, List<IdMap> gidMap, IdMapWriter uidWriter, IdMapWriter gidWriter,
                            Optional<Setgroups> setgroups, Optional<Owner> owner, Nested nested) implements Step {
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
    }

    /**
     * The user the namespaces are created as.
     *
     * @param uid the uid
     * @param gid the gid
     */
    public record Owner(long uid, long gid) {}
}
