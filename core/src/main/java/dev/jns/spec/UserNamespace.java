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
 */
public record UserNamespace(List<IdMap> uidMap, List<IdMap> gidMap, IdMapWriter uidWriter, IdMapWriter gidWriter,
                            Optional<Setgroups> setgroups, Optional<Owner> owner) implements Step {
    public static final UserNamespace NONE = new UserNamespace(List.of(), List.of(), IdMapWriter.PROC_FILES,
            IdMapWriter.PROC_FILES, Optional.empty(), Optional.empty());

    public UserNamespace {
        uidMap = List.copyOf(uidMap);
        gidMap = List.copyOf(gidMap);
    }

    public record Owner(long uid, long gid) {}
}
