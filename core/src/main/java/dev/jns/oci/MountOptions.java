package dev.jns.oci;

import java.util.ArrayList;
import java.util.List;

import static dev.jns.mount.MountFlags.MOUNT_ATTR_NODEV;
import static dev.jns.mount.MountFlags.MOUNT_ATTR_NOEXEC;
import static dev.jns.mount.MountFlags.MOUNT_ATTR_NOSUID;
import static dev.jns.mount.MountFlags.MOUNT_ATTR_RDONLY;

/**
 * A mount's {@code options} split the way {@code mount(8)} and runc split them: flags
 * ({@code ro}, {@code nosuid}...), propagation ({@code rprivate}...), bind ({@code bind},
 * {@code rbind}), and the rest, passed to the filesystem as its data ({@code mode=755}).
 *
 * @param flags       {@code MS_*} flags for {@code mount(2)}
 * @param attributes  the same as {@code MOUNT_ATTR_*} bits, for a bind (applied to the whole bound tree)
 * @param propagation {@code MS_*} propagation flags to apply after mounting, or 0
 * @param data        the filesystem's options, comma-separated, or null
 * @param idmap       whether {@code idmap} or {@code ridmap} asked for an id-mapped mount (never passed to the filesystem)
 */
record MountOptions(long flags, long attributes, long propagation, boolean bind, boolean recursiveAttributes, String data,
                    IdMapOption idmap) {
    /** The runtime spec's id-mapping options: none, {@code idmap} (the top mount), {@code ridmap} (every mount of the tree). */
    enum IdMapOption { NONE, IDMAP, RIDMAP }

    private static final long MS_RDONLY = 1, MS_NOSUID = 2, MS_NODEV = 4, MS_NOEXEC = 8, MS_SYNCHRONOUS = 16,
            MS_REMOUNT = 32, MS_MANDLOCK = 64, MS_DIRSYNC = 128, MS_NOATIME = 1024, MS_NODIRATIME = 2048, MS_BIND = 4096,
            MS_REC = 16384, MS_SILENT = 32768, MS_UNBINDABLE = 1 << 17, MS_PRIVATE = 1 << 18, MS_SLAVE = 1 << 19,
            MS_SHARED = 1 << 20, MS_RELATIME = 1 << 21, MS_STRICTATIME = 1 << 24;
    private static final long MOUNT_ATTR_NOATIME = 0x10, MOUNT_ATTR_STRICTATIME = 0x20, MOUNT_ATTR_NODIRATIME = 0x80;

    /** @param where the options' path in config.json, for errors */
    static MountOptions parse(List<String> options, String where) {
        long flags = 0, attrs = 0, propagation = 0;
        boolean bind = false, recursiveAttrs = false;
        IdMapOption idmap = IdMapOption.NONE;
        List<String> data = new ArrayList<>();
        for (String o : options) {
            switch (o) {
                case "ro" -> { flags |= MS_RDONLY; attrs |= MOUNT_ATTR_RDONLY; }
                case "rw" -> { flags &= ~MS_RDONLY; attrs &= ~MOUNT_ATTR_RDONLY; }
                case "nosuid" -> { flags |= MS_NOSUID; attrs |= MOUNT_ATTR_NOSUID; }
                case "suid" -> { flags &= ~MS_NOSUID; attrs &= ~MOUNT_ATTR_NOSUID; }
                case "nodev" -> { flags |= MS_NODEV; attrs |= MOUNT_ATTR_NODEV; }
                case "dev" -> { flags &= ~MS_NODEV; attrs &= ~MOUNT_ATTR_NODEV; }
                case "noexec" -> { flags |= MS_NOEXEC; attrs |= MOUNT_ATTR_NOEXEC; }
                case "exec" -> { flags &= ~MS_NOEXEC; attrs &= ~MOUNT_ATTR_NOEXEC; }
                case "rro" -> { recursiveAttrs = true; attrs |= MOUNT_ATTR_RDONLY; }
                case "rnosuid" -> { recursiveAttrs = true; attrs |= MOUNT_ATTR_NOSUID; }
                case "rnodev" -> { recursiveAttrs = true; attrs |= MOUNT_ATTR_NODEV; }
                case "rnoexec" -> { recursiveAttrs = true; attrs |= MOUNT_ATTR_NOEXEC; }
                case "rrw", "rsuid", "rdev", "rexec", "rrelatime" -> recursiveAttrs = true;
                case "sync" -> flags |= MS_SYNCHRONOUS;
                case "async" -> flags &= ~MS_SYNCHRONOUS;
                case "dirsync" -> flags |= MS_DIRSYNC;
                case "remount" -> flags |= MS_REMOUNT;
                case "mand" -> flags |= MS_MANDLOCK;
                case "nomand" -> flags &= ~MS_MANDLOCK;
                case "atime" -> flags &= ~MS_NOATIME;
                case "noatime" -> { flags |= MS_NOATIME; attrs |= MOUNT_ATTR_NOATIME; }
                case "diratime" -> flags &= ~MS_NODIRATIME;
                case "nodiratime" -> { flags |= MS_NODIRATIME; attrs |= MOUNT_ATTR_NODIRATIME; }
                case "relatime" -> flags |= MS_RELATIME;
                case "norelatime" -> flags &= ~MS_RELATIME;
                case "strictatime" -> { flags |= MS_STRICTATIME; attrs |= MOUNT_ATTR_STRICTATIME; }
                case "nostrictatime" -> flags &= ~MS_STRICTATIME;
                case "silent" -> flags |= MS_SILENT;
                case "loud" -> flags &= ~MS_SILENT;
                case "bind" -> bind = true;
                case "rbind" -> bind = true; // the engine's binds are recursive
                case "private" -> propagation = MS_PRIVATE;
                case "rprivate" -> propagation = MS_PRIVATE | MS_REC;
                case "slave" -> propagation = MS_SLAVE;
                case "rslave" -> propagation = MS_SLAVE | MS_REC;
                case "shared" -> propagation = MS_SHARED;
                case "rshared" -> propagation = MS_SHARED | MS_REC;
                case "unbindable" -> propagation = MS_UNBINDABLE;
                case "runbindable" -> propagation = MS_UNBINDABLE | MS_REC;
                case "idmap" -> idmap = idmap == IdMapOption.RIDMAP ? idmap : IdMapOption.IDMAP;
                case "ridmap" -> idmap = IdMapOption.RIDMAP;
                case "tmpcopyup" -> throw new OciException(where + ": tmpcopyup not supported by jns yet");
                default -> data.add(o);
            }
        }
        return new MountOptions(flags, attrs, propagation, bind, recursiveAttrs, data.isEmpty() ? null : String.join(",", data),
                idmap);
    }
}
