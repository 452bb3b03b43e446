package dev.jns.inventory;

/**
 * A net namespace's id as the caller's net namespace knows it ({@code RTM_GETNSID}), or
 * unassigned ({@code NETNSA_NSID_NOT_ASSIGNED}, -1). Prints as lsns's NETNSID column does.
 *
 * @param value the id, or -1
 */
public record NetnsId(int value) {
    public static final NetnsId UNASSIGNED = new NetnsId(-1);

    /**
     * Whether an id is assigned.
     *
     * @return true if assigned
     */
    public boolean isAssigned() { return value >= 0; }

    @Override
    public String toString() { return isAssigned() ? Integer.toString(value) : "unassigned"; }
}
