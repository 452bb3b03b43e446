package dev.jns.spec;

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
     * A recursive bind mount of {@code source} on {@code target} through the new mount API.
     *
     * @param attributes {@code MOUNT_ATTR_*} bits set on the whole tree (read-only, nosuid, nodev)
     * @param optional   a missing source skips the step instead of failing (bwrap's {@code -try} forms)
     */
    record Bind(Path source, Path target, long attributes, boolean optional) implements FsStep {}

    /** A plain {@code mount(2)}; null strings pass as NULL. */
    record Mount(String source, Path target, String fstype, long flags, String data) implements FsStep {}

    /** Unmounts {@code target}; {@code detach}: lazily, submounts included. */
    record Unmount(Path target, boolean detach) implements FsStep {}

    /** A fresh {@code proc} (for a new pid namespace: its own processes). */
    record Proc(Path target) implements FsStep {}

    /**
     * A binfmt_misc instance (per user namespace since Linux 6.7) with these definitions
     * registered ({@code :name:type:offset:magic:mask:interpreter:flags}). A definition with
     * flag F opens its interpreter when registered, so with a root change it is registered
     * before the change, from the caller's tree.
     */
    record BinfmtMisc(Path target, List<String> definitions) implements FsStep {
        public BinfmtMisc {
            definitions = List.copyOf(definitions);
        }
    }

    /** A tmpfs; {@code mode} of its root directory, and a size limit in bytes if given. */
    record Tmpfs(Path target, int mode, OptionalLong size) implements FsStep {}

    /**
     * A minimal {@code /dev}: a tmpfs with null, zero, full, random, urandom and tty bound from
     * the caller's, a private devpts with {@code ptmx}, {@code shm}, and the {@code fd},
     * {@code stdin}, {@code stdout}, {@code stderr} and {@code core} links.
     */
    record Dev(Path target) implements FsStep {}

    /** A directory (and its missing parents). */
    record Dir(Path path, int mode) implements FsStep {}

    /**
     * A device node or fifo made with {@code mknod} (its directory must exist), then given
     * exactly {@code permissions}, past the umask.
     *
     * @param fileType {@code S_IFCHR}, {@code S_IFBLK} or {@code S_IFIFO}
     */
    record Node(Path path, int fileType, int major, int minor, int permissions) implements FsStep {
        public static final int S_IFCHR = 0020000, S_IFBLK = 0060000, S_IFIFO = 0010000;

        public Node {
            if (fileType != S_IFCHR && fileType != S_IFBLK && fileType != S_IFIFO) {
                throw new IllegalArgumentException("not a device or fifo file type: 0" + Integer.toOctalString(fileType));
            }
            if ((permissions & ~07777) != 0) throw new IllegalArgumentException("not permission bits: 0" + Integer.toOctalString(permissions));
        }
    }

    /** An empty regular file (and its missing parents) unless one is there: a mount point for a bind of a file. */
    record MountPoint(Path path, int mode) implements FsStep {}

    /** A symbolic link at {@code link} pointing to {@code target}. */
    record Symlink(String target, Path link) implements FsStep {}

    record Chmod(Path path, int mode) implements FsStep {}

    /** Makes the mount at {@code target} read-only, not its submounts (bubblewrap's {@code --remount-ro}). */
    record RemountReadOnly(Path target) implements FsStep {}

    /** {@code chroot} into {@code path} (util-linux's {@code unshare --root}). */
    record ChangeRoot(Path path) implements FsStep {}

    /** {@code pivot_root} into {@code path}, detaching the old root. */
    record PivotRoot(Path path) implements FsStep {}

    /**
     * A file at {@code target} with exactly {@code mode} holding {@code data} (bubblewrap's
     * {@code --file}); an existing file there is emptied first.
     */
    record File(ByteBuffer data, Path target, int mode) implements FsStep {
        public File {
            data = data.asReadOnlyBuffer();
        }
    }

    /**
     * A file of its own holding {@code data}, with exactly {@code mode}, bound at {@code target}
     * (bubblewrap's {@code --bind-data}; {@code attributes} as for {@link Bind}, read-only for
     * {@code --ro-bind-data}). The file has no name anywhere: it lives as long as the mount.
     */
    record BindData(ByteBuffer data, Path target, int mode, long attributes) implements FsStep {
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
     */
    record Overlay(List<Path> lower, Optional<Path> upper, Optional<Path> work, boolean temporaryUpper, Path target)
            implements FsStep {
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
