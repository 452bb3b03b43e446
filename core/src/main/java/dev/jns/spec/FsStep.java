package dev.jns.spec;

import dev.jns.ids.IdMap;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One step in building the program's filesystem view. Paths name the current view: before a
 * root change the caller's tree, after it the new root. After {@link TmpfsRoot}, which starts
 * an empty root, a source names the caller's tree and a target a place in the new root (as
 * bubblewrap's options do) until the steps end and the program enters that root.
 */
public sealed interface FsStep extends Step {

    /**
     * A recursive bind mount of {@code source} on {@code target} through the new mount API,
     * id-mapped if {@code idMapping} is given.
     *
     * <p>An id-mapped bind's tree is copied and mapped by the helper before the clone (the
     * kernel lets only a caller privileged over the filesystem's own user namespace id-map a
     * mount, which a child in a new user namespace is not), so its {@code source} is a path in
     * the caller's tree whatever steps come before, and the caller must be root (otherwise
     * {@code mount_setattr} or the maps' write fails with EPERM). The filesystem must support
     * id-mapped mounts (ext4, xfs, btrfs, tmpfs, overlayfs...; on one that does not,
     * {@code mount_setattr} fails with EINVAL).
     *
     * @param attributes {@code MOUNT_ATTR_*} bits set on the whole tree (read-only, nosuid, nodev)
     * @param optional   a missing source skips the step instead of failing (bwrap's {@code -try} forms)
     * @param source the source
     * @param target the path in the new mount namespace
     * @param idMapping the id mapping of the bound tree, if any
     */
    record Bind(Path source, Path target, long attributes, boolean optional, Optional<IdMapping> idMapping) implements FsStep {
        /**
         * A bind without an id mapping.
         *
         * @param source the source
         * @param target the path in the new mount namespace
         * @param attributes {@code MOUNT_ATTR_*} bits set on the whole tree
         * @param optional a missing source skips the step instead of failing
         */
        public Bind(Path source, Path target, long attributes, boolean optional) {
            this(source, target, attributes, optional, Optional.empty());
        }
    }

    /**
     * How an id-mapped mount shows its files' owners ({@code MOUNT_ATTR_IDMAP}): through a user
     * namespace whose {@code uid_map} is {@code uids} and {@code gid_map} is {@code gids}, an id
     * stored in the filesystem that the maps have {@link IdMap#inside() inside} shows as the id
     * they map it to {@link IdMap#outside() outside} (in the caller's user namespace; a container's
     * own user namespace then maps that as usual), and a file created through the mount is
     * stored with the reverse. An id the maps leave out shows as the overflow id (65534) and
     * cannot be written. This is the OCI runtime spec's reading of a mount's
     * {@code uidMappings}: {@code containerID} inside (stored), {@code hostID} outside (shown).
     * So {@code IdMap(1000, 0, 1)} shows files stored as uid 1000 as root's.
     *
     * @param uids the uid map, one line at least
     * @param gids the gid map, one line at least
     * @param recursive whether every mount in the bound tree is id-mapped (OCI's {@code ridmap}),
     *                  not only its top (OCI's {@code idmap})
     */
    record IdMapping(List<IdMap> uids, List<IdMap> gids, boolean recursive) {
        /** Copies the maps; {@link IllegalArgumentException} if one is empty or longer than the kernel takes (340 lines). */
        public IdMapping {
            uids = List.copyOf(uids);
            gids = List.copyOf(gids);
            if (uids.isEmpty() || gids.isEmpty()) throw new IllegalArgumentException("an id mapping needs uid and gid maps");
            if (uids.size() > 340 || gids.size() > 340) throw new IllegalArgumentException("an id map of more than 340 lines");
        }
    }

    /**
     * A plain {@code mount(2)}; null strings pass as NULL.
     *
     * @param source the source
     * @param target the path in the new mount namespace
     * @param fstype the file system type, or null
     * @param flags {@code MS_*} bits
     * @param data the file system's options, or null
     */
    record Mount(String source, Path target, String fstype, long flags, String data) implements FsStep {}

    /**
     * Unmounts {@code target}; {@code detach}: lazily, submounts included.
     *
     * @param target the path in the new mount namespace
     * @param detach whether lazily
     */
    record Unmount(Path target, boolean detach) implements FsStep {}

    /**
     * A fresh {@code proc} (for a new pid namespace: its own processes).
     *
     * @param target the path in the new mount namespace
     */
    record Proc(Path target) implements FsStep {}

    /**
     * A binfmt_misc instance (per user namespace since Linux 6.7) with these definitions
     * registered ({@code :name:type:offset:magic:mask:interpreter:flags}). A definition with
     * flag F opens its interpreter when registered, so with a root change it is registered
     * before the change, from the caller's tree.
     *
     * @param target the path in the new mount namespace
     * @param definitions the formats to register
     */
    record BinfmtMisc(Path target, List<String> definitions) implements FsStep {
        /** Copies the definitions. */
        public BinfmtMisc {
            definitions = List.copyOf(definitions);
        }
    }

    /**
     * A tmpfs; {@code mode} of its root directory, and a size limit in bytes if given.
     *
     * @param target the path in the new mount namespace
     * @param mode the permission bits
     * @param size the size limit in bytes, if any
     */
    record Tmpfs(Path target, int mode, OptionalLong size) implements FsStep {}

    /**
     * A minimal {@code /dev}: a tmpfs with null, zero, full, random, urandom and tty bound from
     * the caller's, a private devpts with {@code ptmx}, {@code shm}, and the {@code fd},
     * {@code stdin}, {@code stdout}, {@code stderr} and {@code core} links.
     *
     * @param target the path in the new mount namespace
     */
    record Dev(Path target) implements FsStep {}

    /**
     * A device node or fifo at {@code path}: {@code mode} carries the file type ({@code S_IFCHR},
     * {@code S_IFBLK} or {@code S_IFIFO}) and the permission bits, given exactly, with its owner.
     *
     * @param path the path in the new mount namespace
     * @param mode the file type and permission bits, as {@code mknod(2)} takes them
     * @param major the device's major number (0 for a fifo)
     * @param minor the device's minor number (0 for a fifo)
     * @param uid the owner
     * @param gid the group
     */
    record DeviceNode(Path path, int mode, long major, long minor, long uid, long gid) implements FsStep {}

    /**
     * A directory (and its missing parents).
     *
     * @param path the path in the new mount namespace
     * @param mode the permission bits
     */
    record Dir(Path path, int mode) implements FsStep {}

    /**
     * An empty regular file (and its missing parents) unless one is there: a mount point for a bind of a file.
     *
     * @param path the path in the new mount namespace
     * @param mode the permission bits
     */
    record MountPoint(Path path, int mode) implements FsStep {}

    /**
     * A symbolic link at {@code link} pointing to {@code target}.
     *
     * @param target the path in the new mount namespace
     * @param link the link's path in the new mount namespace
     */
    record Symlink(String target, Path link) implements FsStep {}

    /**
     * Sets {@code mode} on {@code path} ({@code chmod(2)}; bubblewrap's {@code --chmod}).
     *
     * @param path the path in the new mount namespace
     * @param mode the permission bits
     */
    record Chmod(Path path, int mode) implements FsStep {}

    /**
     * Makes the mount at {@code target} read-only, not its submounts (bubblewrap's {@code --remount-ro}).
     *
     * @param target the path in the new mount namespace
     */
    record RemountReadOnly(Path target) implements FsStep {}

    /**
     * {@code chroot} into {@code path} (util-linux's {@code unshare --root}).
     *
     * @param path the path in the new mount namespace
     */
    record ChangeRoot(Path path) implements FsStep {}

    /**
     * {@code pivot_root} into {@code path}, detaching the old root.
     *
     * @param path the path in the new mount namespace
     * @param bindOntoItself whether the step first binds {@code path} onto itself, recursively (pivot_root
     *                       needs a mount point); false where an earlier step made it one, so that what was
     *                       mounted below it since stays as it is (a recursive bind leaves out unbindable mounts)
     */
    record PivotRoot(Path path, boolean bindOntoItself) implements FsStep {
        /**
         * {@code pivot_root} into {@code path}, bound onto itself first.
         *
         * @param path the path in the new mount namespace
         */
        public PivotRoot(Path path) {
            this(path, true);
        }
    }

    /**
     * A file at {@code target} with exactly {@code mode} holding {@code data} (bubblewrap's
     * {@code --file}); an existing file there is emptied first.
     *
     * @param data the contents
     * @param target the path in the new mount namespace
     * @param mode the permission bits
     */
    record File(ByteBuffer data, Path target, int mode) implements FsStep {
        /** Keeps a read-only view of the data. */
        public File {
            data = data.asReadOnlyBuffer();
        }
    }

    /**
     * A file of its own holding {@code data}, with exactly {@code mode}, bound at {@code target}
     * (bubblewrap's {@code --bind-data}; {@code attributes} as for {@link Bind}, read-only for
     * {@code --ro-bind-data}). The file has no name anywhere: it lives as long as the mount.
     *
     * @param data the contents
     * @param target the path in the new mount namespace
     * @param mode the permission bits
     * @param attributes {@code MOUNT_ATTR_*} bits
     */
    record BindData(ByteBuffer data, Path target, int mode, long attributes) implements FsStep {
        /** Keeps a read-only view of the data. */
        public BindData {
            data = data.asReadOnlyBuffer();
        }
    }

    /**
     * An overlay filesystem at {@code target}: {@code lower} from bottom to top (a later one
     * covers an earlier one); writes go to {@code upper} (with its {@code work} directory on the
     * same filesystem), or, with {@code temporaryUpper}, to a fresh tmpfs that ends with the
     * sandbox; with neither it is read-only (and needs two layers at least). Overlay's
     * {@code userxattr} is always on, so it works in a user namespace.
     *
     * @param lower the lower directories, bottom first
     * @param upper the directory writes go to, if any
     * @param work its work directory, if any
     * @param temporaryUpper whether writes go to a tmpfs that ends with the program
     * @param target the path in the new mount namespace
     */
    record Overlay(List<Path> lower, Optional<Path> upper, Optional<Path> work, boolean temporaryUpper, Path target)
            implements FsStep {
        /** Copies the lower directories and checks the combination; {@link IllegalArgumentException} if it is not one overlayfs takes. */
        public Overlay {
            lower = List.copyOf(lower);
            if (upper.isPresent() != work.isPresent()) throw new IllegalArgumentException("an overlay's upper and work go together");
            if (upper.isPresent() && temporaryUpper) throw new IllegalArgumentException("an overlay with two upper directories");
            int least = upper.isPresent() || temporaryUpper ? 1 : 2;
            if (lower.size() < least) {
                throw new IllegalArgumentException("an overlay " + (least == 1 ? "needs a lower layer" : "read-only needs two lower layers"));
            }
        }
    }

    /** Starts an empty tmpfs root that the following steps fill and the program then enters (bubblewrap's model). */
    record TmpfsRoot() implements FsStep {}
}
