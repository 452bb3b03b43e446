package dev.jns.plan;

import dev.jns.ids.IdMap;
import dev.jns.spec.IdMapWriter;
import dev.jns.spec.LaunchSpec;
import dev.jns.spec.Setgroups;
import dev.jns.spec.UserNamespace;

import java.util.ArrayList;
import java.util.List;

import static dev.jns.ns.NamespaceType.USER;

/**
 * The new user namespace's setgroups and maps, right after the clone. Mapping just the ids
 * that create it the child can do alone (as util-linux's {@code -r} does); anything else the
 * parent writes from outside, directly or through newuidmap/newgidmap. Then, if asked, the
 * child becomes root inside before it builds anything. Or the caller writes them itself, from
 * outside, while the child waits.
 */
final class UserNamespaceStage {
    static final String NEWUIDMAP = "/usr/bin/newuidmap", NEWGIDMAP = "/usr/bin/newgidmap";

    private UserNamespaceStage() {}

    static void append(PlanDraft d) {
        LaunchSpec s = d.spec;
        UserNamespace u = s.user();
        if (!s.create().contains(USER)) {
            // As util-linux does, --setgroups without a new user namespace writes the program's own file.
            if (u.setgroups().isPresent()) d.add(Side.CHILD, setgroups(u.setgroups().get()), u);
            return;
        }
        if (u.mapsByCaller().isPresent()) {
            // The caller maps the namespace from outside: it learns the child's pid from the parent,
            // and the child waits for its word before anything that needs its ids mapped.
            d.add(Side.PARENT, new Op.AwaitCaller(), u);
            d.add(Side.CHILD, new Op.ReadByte(d.received.get(u)), u);
            return;
        }
        Side side = mapsOnlyItself(s, d.caller) ? Side.CHILD : Side.PARENT;
        if (u.setgroups().isPresent()) d.add(side, setgroups(u.setgroups().get()), u);
        if (!u.uidMap().isEmpty()) d.add(side, map("uid_map", u.uidMap(), u.uidWriter(), NEWUIDMAP), u);
        if (!u.gidMap().isEmpty()) d.add(side, map("gid_map", u.gidMap(), u.gidWriter(), NEWGIDMAP), u);
        // The child is now whatever its creator's ids map to; asked to, it takes 0 where mapped
        // (gid first, the usual order: a uid change can cost the CAP_SETGID a gid change needs).
        if (u.setupIds() == UserNamespace.SetupIds.ROOT) {
            if (maps(u.gidMap(), 0)) d.add(Side.CHILD, new Op.SetGid(0), u);
            if (maps(u.uidMap(), 0)) d.add(Side.CHILD, new Op.SetUid(0), u);
        }
    }

    private static boolean maps(List<IdMap> maps, long inside) {
        for (IdMap m : maps) if (inside >= m.inside() && inside - m.inside() < m.count()) return true;
        return false;
    }

    private static Op setgroups(Setgroups g) {
        return new Op.WriteFile(Op.CHILD_PROC + "setgroups", g == Setgroups.ALLOW ? "allow" : "deny");
    }

    private static Op map(String file, List<IdMap> maps, IdMapWriter writer, String program) {
        if (writer == IdMapWriter.SHADOW_UTILS) {
            List<String> triples = new ArrayList<>();
            for (IdMap m : maps) {
                triples.add(Long.toString(m.inside()));
                triples.add(Long.toString(m.outside()));
                triples.add(Long.toString(m.count()));
            }
            return new Op.RunForChild(program, triples);
        }
        StringBuilder text = new StringBuilder();
        for (IdMap m : maps) text.append(m.inside()).append(' ').append(m.outside()).append(' ').append(m.count()).append('\n');
        return new Op.WriteFile(Op.CHILD_PROC + file, text.toString());
    }

    /**
     * Whether each map is one id, the creator's own, written as a file: the case the kernel
     * lets a process handle inside its new user namespace. A gid map also needs setgroups
     * denied. After a join the caller's ids mean something else, so not then.
     */
    private static boolean mapsOnlyItself(LaunchSpec s, CallerIds caller) {
        if (!s.join().isEmpty()) return false;
        UserNamespace u = s.user();
        long uid = u.owner().isPresent() ? u.owner().get().uid() : caller.euid();
        long gid = u.owner().isPresent() ? u.owner().get().gid() : caller.egid();
        boolean uidOk = u.uidMap().isEmpty() || (u.uidWriter() == IdMapWriter.PROC_FILES && ownIdOnly(u.uidMap(), uid));
        boolean gidOk = u.gidMap().isEmpty() || (u.gidWriter() == IdMapWriter.PROC_FILES && ownIdOnly(u.gidMap(), gid)
                && u.setgroups().orElse(null) == Setgroups.DENY);
        return uidOk && gidOk;
    }

    private static boolean ownIdOnly(List<IdMap> maps, long id) {
        return maps.size() == 1 && maps.getFirst().count() == 1 && maps.getFirst().outside() == id;
    }
}
