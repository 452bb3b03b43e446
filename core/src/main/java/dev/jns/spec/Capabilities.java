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
     *
     * @param bound the capabilities kept
     */
    record Bounded(Set<Capability> bound) implements Capabilities {
        /** Copies the set. */
        public Bounded {
            bound = Set.copyOf(bound);
        }
    }

    /**
     * Exactly these, in the bounding, permitted, effective and inheritable sets, and ambient
     * (so a non-root program keeps them too); everything else dropped, bounding set included.
     *
     * @param kept the capabilities kept
     */
    record Exactly(Set<Capability> kept) implements Capabilities {
        /** Copies the set. */
        public Exactly {
            kept = Set.copyOf(kept);
        }
    }

    /**
     * Each of the five sets as given (an OCI config's {@code process.capabilities}): the
     * bounding set cut down to {@code bounding}, then the others set; what the kernel refuses
     * (ambient not in permitted and inheritable, say) fails the launch.
     *
     * @param bounding the bounding set
     * @param effective the effective set
     * @param permitted the permitted set
     * @param inheritable the inheritable set
     * @param ambient the ambient set
     */
    record Sets(Set<Capability> bounding, Set<Capability> effective, Set<Capability> permitted,
                Set<Capability> inheritable, Set<Capability> ambient) implements Capabilities {
        /** Copies the sets. */
        public Sets {
            bounding = Set.copyOf(bounding);
            effective = Set.copyOf(effective);
            permitted = Set.copyOf(permitted);
            inheritable = Set.copyOf(inheritable);
            ambient = Set.copyOf(ambient);
        }
    }
}
