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

    /**
     * Each of the five sets as given (an OCI config's {@code process.capabilities}): the
     * bounding set cut down to {@code bounding}, then the others set; what the kernel refuses
     * (ambient not in permitted and inheritable, say) fails the launch.
     */
    record Sets(Set<Capability> bounding, Set<Capability> effective, Set<Capability> permitted,
                Set<Capability> inheritable, Set<Capability> ambient) implements Capabilities {
        public Sets {
            bounding = Set.copyOf(bounding);
            effective = Set.copyOf(effective);
            permitted = Set.copyOf(permitted);
            inheritable = Set.copyOf(inheritable);
            ambient = Set.copyOf(ambient);
        }
    }
}
