package dev.jns.spec;

import dev.jns.mount.Propagation;

import java.util.List;

/**
 * What the program's mount namespace looks like: the propagation of the copied mount tree
 * (applied first), then the filesystem steps in order.
 *
 * @param propagation the propagation of the copied tree
 * @param steps the steps, in order
 */
public record Filesystem(Propagation propagation, List<FsStep> steps) implements Step {
    public static final Filesystem UNCHANGED = new Filesystem(Propagation.PRIVATE, List.of());

    /** Copies the steps. */
    public Filesystem {
        steps = List.copyOf(steps);
    }

    /**
     * Whether any step changes the root.
     *
     * @return true if one does
     */
    public boolean changesRoot() {
        for (FsStep s : steps) {
            if (s instanceof FsStep.ChangeRoot || s instanceof FsStep.PivotRoot || s instanceof FsStep.TmpfsRoot) return true;
        }
        return false;
    }
}
