package dev.jns.mount;

/**
 * The kernel's mount flags, in one place: {@code mount(2)}'s {@code MS_*} bits,
 * {@code umount2(2)}'s {@code MNT_*} bits, and the new mount API's {@code MOUNT_ATTR_*}
 * attributes ({@code mount_setattr(2)}, {@code fsmount(2)}). Values are the x86_64 (generic) ones.
 */
public final class MountFlags {
    private MountFlags() {}

    // mount(2)
    /** Read-only. */
    public static final long MS_RDONLY = 0x1;
    /** Set-user-id and set-group-id bits and file capabilities are ignored. */
    public static final long MS_NOSUID = 0x2;
    /** Device files cannot be opened. */
    public static final long MS_NODEV = 0x4;
    /** Programs cannot be executed. */
    public static final long MS_NOEXEC = 0x8;
    /** Changes the flags of an existing mount. */
    public static final long MS_REMOUNT = 0x20;
    /** A bind mount. */
    public static final long MS_BIND = 0x1000;
    /** Applies to the submounts too. */
    public static final long MS_REC = 0x4000;
    /** Fewer kernel log messages. */
    public static final long MS_SILENT = 0x8000;
    /** Propagation: private, and no bind mount may be made of it. */
    public static final long MS_UNBINDABLE = 1L << 17;
    /** Propagation: private. */
    public static final long MS_PRIVATE = 1L << 18;
    /** Propagation: receives from its master, sends nothing. */
    public static final long MS_SLAVE = 1L << 19;
    /** Propagation: shared with its peers. */
    public static final long MS_SHARED = 1L << 20;

    // umount2(2)
    /** Lazy unmount: detached now, freed when no longer busy. */
    public static final int MNT_DETACH = 0x2;

    // mount_setattr(2) and fsmount(2)
    /** Read-only. */
    public static final long MOUNT_ATTR_RDONLY = 0x1;
    /** Set-id bits and file capabilities are ignored. */
    public static final long MOUNT_ATTR_NOSUID = 0x2;
    /** Device files cannot be opened. */
    public static final long MOUNT_ATTR_NODEV = 0x4;
    /** Programs cannot be executed. */
    public static final long MOUNT_ATTR_NOEXEC = 0x8;
}
