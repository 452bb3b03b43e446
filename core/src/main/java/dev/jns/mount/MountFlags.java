package dev.jns.mount;

/**
 * The kernel's mount flags, in one place: {@code mount(2)}'s {@code MS_*} bits,
 * {@code umount2(2)}'s {@code MNT_*} bits, and the new mount API's {@code MOUNT_ATTR_*}
 * attributes ({@code mount_setattr(2)}, {@code fsmount(2)}). Values are the x86_64 (generic) ones.
 */
public final class MountFlags {
    private MountFlags() {}

    // mount(2)
    public static final long MS_RDONLY = 0x1, MS_NOSUID = 0x2, MS_NODEV = 0x4, MS_NOEXEC = 0x8,
            MS_REMOUNT = 0x20, MS_BIND = 0x1000, MS_REC = 0x4000, MS_SILENT = 0x8000,
            MS_PRIVATE = 1L << 18, MS_SLAVE = 1L << 19, MS_SHARED = 1L << 20;

    // umount2(2)
    public static final int MNT_DETACH = 0x2;

    // mount_setattr(2) and fsmount(2)
    public static final long MOUNT_ATTR_RDONLY = 0x1, MOUNT_ATTR_NOSUID = 0x2, MOUNT_ATTR_NODEV = 0x4,
            MOUNT_ATTR_NOEXEC = 0x8;
}
