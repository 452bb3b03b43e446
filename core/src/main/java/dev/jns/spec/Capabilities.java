package dev.jns.spec;

import dev.jns.caps.Capability;

import java.util.Set;

/** What remains of the program's capabilities. */
public sealed interface Capabilities extends Step {
    /** The kernel's rules alone: exec keeps them for root, drops them for anyone else. */
    record Unchanged() implements Capabilities {}

    /** Every permitted capability made ambient, kept across exec by any user (util-linux's {@code --keep-caps}). */
    record KeepPermitted() implements Capabilities {}

    /**
     * At most these: the bounding set cut down to them, permitted and effective set to them,
     * nothing inheritable or ambient; a program that is root inside has them after exec, any
     * other has none (what bubblewrap gives a root caller by default: the caller's own).
     */
    record Bounded(Set<Capability> bound) implements Capabilities {
        public Bounded {
            bound = Set.copyOf(bound);
        }
    }

    /**
     * Exactly these, in the bounding, permitted, effective and inheritable sets, and ambient
     * (so a non-root program keeps them too); everything else dropped, bounding set included.
     */
    record Exactly(Set<Capability> kept) implements Capabilities {
        public Exactly {
            kept = Set.copyOf(kept);
        }
    }
}
