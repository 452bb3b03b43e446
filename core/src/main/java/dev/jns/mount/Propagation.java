package dev.jns.mount;

/**
 * How mount and unmount events spread between a mount and its peers ({@code mount(2)}'s
 * MS_PRIVATE, MS_SLAVE, MS_SHARED), as util-linux's {@code --propagation} names them.
 */
public enum Propagation {
    /** Events spread neither in nor out. */
    PRIVATE(MountFlags.MS_PRIVATE),
    /** Events spread in from the master, not out. */
    SLAVE(MountFlags.MS_SLAVE),
    /** Events spread both ways between peers. */
    SHARED(MountFlags.MS_SHARED),
    /** Leave the propagation as the copied mount table has it. */
    UNCHANGED(0);

    private final long flag;

    Propagation(long flag) { this.flag = flag; }

    /**
     * The MS_* flag; 0 for {@link #UNCHANGED}.
     *
     * @return the flag
     */
    public long flag() { return flag; }
}
