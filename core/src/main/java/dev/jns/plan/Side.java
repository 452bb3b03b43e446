package dev.jns.plan;

/**
 * Which process of the helper executes an op. The helper starts alone ({@link #HELPER});
 * its {@link Op.Clone} op splits it into the {@link #PARENT}, which stays in the caller's
 * namespaces and can act on the new process from outside (id maps, persistence bind
 * mounts), and the {@link #CHILD}, which sets itself up inside and finally execs the target.
 */
public enum Side {
    HELPER('H'), PARENT('P'), CHILD('C');

    private final char code;

    Side(char code) { this.code = code; }

    /** The letter the helper protocol uses for this side. */
    public char code() { return code; }
}
