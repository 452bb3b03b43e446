package dev.jns.plan;

import dev.jns.mount.Propagation;
import dev.jns.os.Errno;
import dev.jns.ns.NamespaceType;
import dev.jns.spec.Filesystem;
import dev.jns.spec.FsStep;
import dev.jns.spec.LaunchSpec;
import dev.jns.spec.Step;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static dev.jns.mount.MountFlags.MNT_DETACH;
import static dev.jns.mount.MountFlags.MOUNT_ATTR_NODEV;
import static dev.jns.mount.MountFlags.MOUNT_ATTR_NOEXEC;
import static dev.jns.mount.MountFlags.MOUNT_ATTR_NOSUID;
import static dev.jns.mount.MountFlags.MOUNT_ATTR_RDONLY;
import static dev.jns.mount.MountFlags.MS_BIND;
import static dev.jns.mount.MountFlags.MS_NODEV;
import static dev.jns.mount.MountFlags.MS_NOEXEC;
import static dev.jns.mount.MountFlags.MS_NOSUID;
import static dev.jns.mount.MountFlags.MS_PRIVATE;
import static dev.jns.mount.MountFlags.MS_RDONLY;
import static dev.jns.mount.MountFlags.MS_REC;
import static dev.jns.mount.MountFlags.MS_SLAVE;
import static dev.jns.ns.NamespaceType.MNT;

/**
 * The child's filesystem: propagation of the copied tree, then each {@link FsStep} expanded
 * into mounts, binds, directories and links, in order. A {@link FsStep.TmpfsRoot} is built the
 * way bubblewrap builds its root: a tmpfs base over {@code /tmp} (private to the new mount
 * namespace) holding the new root at {@code newroot}, entered by {@code pivot_root} with the
 * caller's tree at {@code /oldroot}; steps then bind from {@code /oldroot} into
 * {@code /newroot}, and at the end the old tree is detached and the new root entered.
 *
 * <p>While a root is built, every target is resolved inside it: the helper holds the new
 * root's top directory in a slot and its ops resolve paths from there with openat2's
 * {@code RESOLVE_IN_ROOT}, and act on the descriptors they get (the new mount API, *at calls),
 * so a symlink in the new root, absolute or relative, or a {@code ..}, never leads a mount,
 * directory, file or mode change out of it (bubblewrap follows such a link from its base
 * directory, where {@code ../oldroot} is the caller's tree).
 */
final class FilesystemStage {
    static final String PROC_BINFMT_MISC = "/proc/sys/fs/binfmt_misc";
    private static final String BASE = "/tmp", OLD = "/oldroot", NEW = "/newroot";
    private static final long PROC_FLAGS = MS_NOSUID | MS_NODEV | MS_NOEXEC;
    private static final List<String> DEVICES = List.of("null", "zero", "full", "random", "urandom", "tty");

    private final PlanDraft d;
    /** Where the caller's tree and the program's root are while a tmpfs root is built ("" outside that). */
    private String from = "", into = "";
    /** While a root is built: the slot holding its top directory, and one for each bind's source. */
    private int root = Op.NO_ROOT, source = -1;
    /** How many --bind-data files the base holds. */
    private int boundData, temporaryUppers;

    private FilesystemStage(PlanDraft d) {
        this.d = d;
    }

    static void append(PlanDraft d) {
        new FilesystemStage(d).appendAll();
    }

    private void appendAll() {
        LaunchSpec s = d.spec;
        Filesystem fs = s.filesystem();
        if (s.create().contains(MNT) && fs.propagation() != Propagation.UNCHANGED) {
            add(new Op.Mount("none", "/", null, MS_REC | fs.propagation().flag(), null), fs);
        }
        List<FsStep> steps = fs.steps();
        int rootChange = -1;
        for (int i = 0; i < steps.size(); i++) {
            if (steps.get(i) instanceof FsStep.ChangeRoot || steps.get(i) instanceof FsStep.PivotRoot) rootChange = i;
        }
        int enterDirectory = programDirectoryBefore(s);
        for (int i = 0; i < steps.size(); i++) {
            if (i == rootChange) registerFixedInterpretersEarly(steps.subList(i + 1, steps.size()));
            if (i == enterDirectory) add(new Op.ChangeDirectory(s.program().directory().orElseThrow().toString()), s.program());
            expand(steps.get(i), rootChange >= 0 && i > rootChange);
        }
        if (!into.isEmpty()) enterBuiltRoot();
    }

    /**
     * The step before which the program's working directory is entered, or -1 (it is then
     * entered after the filesystem, by the inside stage). util-linux unshare changes root, then
     * directory ({@code -w}), then mounts proc and binfmt_misc: so a relative {@code --mount-proc}
     * or {@code --mount-binfmt} lands in the new working directory, and one over it covers it.
     */
    static int programDirectoryBefore(LaunchSpec s) {
        if (s.program().directory().isEmpty() || !s.join().root().isEmpty() || !s.join().directory().isEmpty()) return -1;
        List<FsStep> steps = s.filesystem().steps();
        int rootChange = -1;
        for (int i = 0; i < steps.size(); i++) {
            if (steps.get(i) instanceof FsStep.TmpfsRoot) return -1;
            if (steps.get(i) instanceof FsStep.ChangeRoot || steps.get(i) instanceof FsStep.PivotRoot) rootChange = i;
        }
        for (int i = rootChange + 1; i < steps.size(); i++) {
            if (steps.get(i) instanceof FsStep.Proc || steps.get(i) instanceof FsStep.BinfmtMisc) return i;
        }
        return -1;
    }

    private void expand(FsStep step, boolean afterRootChange) {
        if (root != Op.NO_ROOT) {
            expandInRoot(step);
            return;
        }
        if (step instanceof FsStep.Bind b && b.idMapping().isPresent()) {
            attachIdmapped(b, Op.NO_ROOT, b.target().toString(), false);
        } else if (step instanceof FsStep.Bind b) {
            add(new Op.Bind(b.source().toString(), b.target().toString(), true, b.attributes()), b,
                    b.optional() ? Errno.ENOENT : 0);
        } else if (step instanceof FsStep.Mount m) {
            add(new Op.Mount(m.source(), m.target().toString(), m.fstype(), m.flags(), m.data()), m);
        } else if (step instanceof FsStep.Unmount u) {
            add(new Op.Unmount(u.target().toString(), u.detach() ? MNT_DETACH : 0), u);
        } else if (step instanceof FsStep.Proc p) {
            // Where / is not private and stays the root, a mount on the directory could
            // propagate back into the caller's namespace and cover its /proc.
            if (!d.spec.filesystem().changesRoot() && d.spec.filesystem().propagation() != Propagation.PRIVATE) {
                add(new Op.Mount("none", p.target().toString(), null, MS_REC | MS_PRIVATE, null), p, Errno.EINVAL);
            }
            add(new Op.Mount("proc", p.target().toString(), "proc", PROC_FLAGS, null), p);
        } else if (step instanceof FsStep.BinfmtMisc b) {
            add(new Op.Mount("binfmt_misc", b.target().toString(), "binfmt_misc", PROC_FLAGS, null), b);
            for (String def : b.definitions()) {
                if (!(afterRootChange && fixesInterpreter(def))) register(b.target().toString(), def, b);
            }
        } else if (step instanceof FsStep.Tmpfs t) {
            String options = "mode=0" + Integer.toOctalString(t.mode())
                    + (t.size().isPresent() ? ",size=" + t.size().getAsLong() : "");
            add(new Op.MakeDirectory(t.target().toString(), 0755), t);
            add(new Op.Mount("tmpfs", t.target().toString(), "tmpfs", MS_NOSUID | MS_NODEV, options), t);
        } else if (step instanceof FsStep.Dev dev) {
            throw new IllegalArgumentException("a minimal /dev is made in a new tmpfs root only: " + dev);
        } else if (step instanceof FsStep.Dir dir) {
            add(new Op.MakeDirectory(dir.path().toString(), dir.mode()), dir);
        } else if (step instanceof FsStep.MountPoint f) {
            Path parent = f.path().getParent();
            if (parent != null && parent.getParent() != null) add(new Op.MakeDirectory(parent.toString(), 0755), f);
            add(new Op.CreateFile(f.path().toString(), f.mode()), f);
        } else if (step instanceof FsStep.DeviceNode n) {
            Path parent = n.path().getParent();
            if (parent != null && parent.getParent() != null) add(new Op.MakeDirectory(parent.toString(), 0755), n);
            add(new Op.MakeNode(Op.NO_ROOT, n.path().toString(), n.mode(), n.major(), n.minor(), n.uid(), n.gid()), n);
        } else if (step instanceof FsStep.Symlink l) {
            add(new Op.Symlink(l.target(), l.link().toString()), l);
        } else if (step instanceof FsStep.Chmod c) {
            add(new Op.Chmod(c.path().toString(), c.mode()), c);
        } else if (step instanceof FsStep.RemountReadOnly r) {
            add(new Op.SetMountAttributes(r.target().toString(), MOUNT_ATTR_RDONLY), r);
        } else if (step instanceof FsStep.ChangeRoot c) {
            add(new Op.ChangeRoot(c.path().toString()), c);
            add(new Op.ChangeDirectory("/"), c);
        } else if (step instanceof FsStep.PivotRoot p) {
            String dir = p.path().toString();
            // pivot_root needs a mount point; a bind of the directory onto itself makes one.
            if (p.bindOntoItself()) add(new Op.Mount(dir, dir, null, MS_BIND | MS_REC, null), p);
            add(new Op.ChangeDirectory(dir), p);
            add(new Op.PivotRoot(".", "."), p);
            Propagation tree = d.spec.filesystem().propagation();
            if (tree == Propagation.SHARED || tree == Propagation.UNCHANGED) {
                // The old root may hold peers of the caller's mounts, and detaching it would unmount
                // their peers in the caller's tree too (seen). "." names the new root, the old one
                // mounted on it: made slaves, both keep what they receive and send nothing (and
                // unbindable mounts stay unbindable, which private would undo).
                add(new Op.Mount("none", ".", null, MS_REC | MS_SLAVE, null), p);
            }
            add(new Op.Unmount(".", MNT_DETACH), p);
            add(new Op.ChangeDirectory("/"), p);
        } else if (step instanceof FsStep.TmpfsRoot r) {
            startBuiltRoot(r);
        } else {
            throw new IllegalArgumentException("no expansion for " + step);
        }
    }

    /**
     * A step in a root being built: sources from the caller's tree (at {@code /oldroot}, looked
     * up as bubblewrap does), every target inside the root held in {@link #root}.
     */
    private void expandInRoot(FsStep step) {
        if (step instanceof FsStep.Bind b && b.idMapping().isPresent()) {
            attachIdmapped(b, root, inRoot(b.target()), true);
            reopenRootIfCovered(b.target(), b);
        } else if (step instanceof FsStep.Bind b) {
            int open = d.add(new PlannedOp(Side.CHILD, Op.Open.path(source, from + absolute(b.source()), Op.Open.O_PATH), b,
                    b.optional() ? Errno.ENOENT : 0, null));
            d.add(new PlannedOp(Side.CHILD, new Op.BindAt(source, root, inRoot(b.target()), true, b.attributes(), 0755), b, 0,
                    b.optional() ? new PlannedOp.Condition(open, true) : null));
            reopenRootIfCovered(b.target(), b);
        } else if (step instanceof FsStep.Mount m) {
            add(new Op.MakeDirectory(root, inRoot(m.target()), 0755, 0755), m);
            add(new Op.MountAt(root, inRoot(m.target()), m.fstype(), m.source() == null ? "" : m.source(), attributes(m.flags()),
                    m.data() == null ? List.of() : List.of(m.data().split(","))), m);
            reopenRootIfCovered(m.target(), m);
        } else if (step instanceof FsStep.Proc p) {
            appendProc(p);
            reopenRootIfCovered(p.target(), p);
        } else if (step instanceof FsStep.Tmpfs t) {
            List<String> options = new ArrayList<>(List.of("mode=0" + Integer.toOctalString(t.mode())));
            if (t.size().isPresent()) options.add("size=" + t.size().getAsLong());
            add(new Op.MakeDirectory(root, inRoot(t.target()), 0755, parentMode(t.mode())), t);
            add(new Op.MountAt(root, inRoot(t.target()), "tmpfs", "tmpfs", MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV, options), t);
            reopenRootIfCovered(t.target(), t);
        } else if (step instanceof FsStep.Dev dev) {
            appendDev(dev);
            reopenRootIfCovered(dev.target(), dev);
        } else if (step instanceof FsStep.File f) {
            makeParents(f.target(), parentMode(f.mode()), f);
            add(new Op.CopyFile(source, d.received.get(f), root, inRoot(f.target()), f.mode()), f);
        } else if (step instanceof FsStep.BindData b) {
            // bubblewrap's way, with no name to guess: a new file in the base tmpfs, private to this
            // mount namespace and detached with it once the root is entered.
            add(new Op.CopyFile(source, d.received.get(b), Op.NO_ROOT, "/bind-data-" + ++boundData, b.mode()), b);
            add(new Op.BindAt(source, root, inRoot(b.target()), false, b.attributes(), parentMode(b.mode())), b);
            reopenRootIfCovered(b.target(), b);
        } else if (step instanceof FsStep.Overlay ov) {
            appendOverlay(ov);
        } else if (step instanceof FsStep.Dir dir) {
            add(new Op.MakeDirectory(root, inRoot(dir.path()), dir.mode(), parentMode(dir.mode())), dir);
        } else if (step instanceof FsStep.Symlink l) {
            add(new Op.Symlink(root, l.target(), inRoot(l.link())), l);
        } else if (step instanceof FsStep.Chmod c) {
            add(new Op.Chmod(root, inRoot(c.path()), c.mode()), c);
        } else if (step instanceof FsStep.RemountReadOnly r) {
            add(new Op.SetMountAttributes(root, inRoot(r.target()), MOUNT_ATTR_RDONLY), r);
        } else {
            throw new IllegalArgumentException("not in a root being built: " + step);
        }
    }

    /**
     * An id-mapped bind: the tree the helper made before the clone, moved onto the target (in a
     * root being built, a missing target is made as for any bind); an optional bind's tree is
     * attached only if its source was there.
     */
    private void attachIdmapped(FsStep.Bind b, int in, String target, boolean make) {
        int made = d.idmappedAt.get(b);
        d.add(new PlannedOp(Side.CHILD, new Op.AttachTree(d.received.get(b), in, target, make, 0755), b, 0,
                b.optional() ? new PlannedOp.Condition(made, true) : null));
    }

    private void startBuiltRoot(FsStep.TmpfsRoot r) {
        add(new Op.Mount("tmpfs", BASE, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755"), r);
        add(new Op.MakeDirectory(BASE + NEW, 0755), r);
        add(new Op.Mount("tmpfs", BASE + NEW, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755"), r);
        add(new Op.MakeDirectory(BASE + OLD, 0755), r);
        add(new Op.PivotRoot(BASE, BASE + OLD), r);
        add(new Op.ChangeDirectory("/"), r);
        from = OLD;
        into = NEW;
        root = d.slot();
        source = d.slot();
        openRoot(r);
    }

    /** The new root's top directory, from the base tmpfs (the helper's own, made just now: no symlink there). */
    private void openRoot(Step from) {
        add(new Op.Open(root, -1, NEW, Op.Open.O_PATH | Op.Open.O_DIRECTORY, 0, Op.Open.RESOLVE_NO_SYMLINKS), from);
    }

    /**
     * A mount on the root itself ({@code --bind / /}) covers the directory the root slot holds,
     * and a lookup from a covered directory stays under the cover: the slot is opened again.
     */
    private void reopenRootIfCovered(Path target, Step from) {
        if (inRoot(target).equals("/")) openRoot(from);
    }

    private void enterBuiltRoot() {
        FsStep.TmpfsRoot r = new FsStep.TmpfsRoot();
        add(new Op.Unmount(OLD, MNT_DETACH), r);
        add(new Op.ChangeDirectory(NEW), r);
        add(new Op.PivotRoot(".", "."), r);
        add(new Op.Unmount(".", MNT_DETACH), r);
        add(new Op.ChangeDirectory("/"), r);
        from = into = "";
        root = Op.NO_ROOT;
    }

    /**
     * bubblewrap's {@code --proc}: a fresh proc for a new pid namespace; otherwise (a user
     * namespace may not mount a proc of a pid namespace it does not own) the caller's, bound.
     * Then the old, system-wide parts ({@code sys}, {@code sysrq-trigger}, {@code irq},
     * {@code bus}) that the program could write to are bound read-only over themselves (those
     * missing or not writable already are left, as bubblewrap leaves them).
     */
    private void appendProc(FsStep.Proc p) {
        String dir = inRoot(p.target());
        add(new Op.MakeDirectory(root, dir, 0755, 0755), p);
        if (d.spec.create().contains(NamespaceType.PID) || d.spec.join().joins(NamespaceType.PID)) {
            add(new Op.MountAt(root, dir, "proc", "proc", attributes(PROC_FLAGS), List.of()), p);
        } else {
            add(Op.Open.path(source, from + "/proc", Op.Open.O_PATH), p);
            add(new Op.BindAt(source, root, dir, true, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV, 0755), p);
        }
        String under = dir.equals("/") ? "" : dir;
        for (String part : List.of("sys", "sysrq-trigger", "irq", "bus")) {
            int writable = d.add(new PlannedOp(Side.CHILD, new Op.Access(root, under + "/" + part, Op.Access.W_OK), p,
                    PlannedOp.ANY_ERROR, null));
            int open = d.add(new PlannedOp(Side.CHILD, new Op.Open(source, root, under + "/" + part, Op.Open.O_PATH, 0,
                    Op.Open.RESOLVE_IN_ROOT), p, 0, new PlannedOp.Condition(writable, true)));
            d.add(new PlannedOp(Side.CHILD, new Op.BindAt(source, root, under + "/" + part, true,
                    MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV, 0755), p, 0, new PlannedOp.Condition(open, true)));
        }
    }

    /** bubblewrap's minimal /dev, in a root being built (the caller's nodes are still at {@code from}). */
    private void appendDev(FsStep.Dev dev) {
        String dir = inRoot(dev.target());
        add(new Op.MakeDirectory(root, dir, 0755, 0755), dev);
        add(new Op.MountAt(root, dir, "tmpfs", "tmpfs", MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV, List.of("mode=0755")), dev);
        String under = dir.equals("/") ? "" : dir;
        for (String node : DEVICES) {
            add(Op.Open.path(source, from + "/dev/" + node, Op.Open.O_PATH), dev);
            // A device bind keeps its nodes usable: nosuid, but not nodev.
            add(new Op.BindAt(source, root, under + "/" + node, false, MOUNT_ATTR_NOSUID, 0755), dev);
        }
        List<String[]> links = new ArrayList<>();
        links.add(new String[] {"/proc/self/fd", "fd"});
        links.add(new String[] {"/proc/self/fd/0", "stdin"});
        links.add(new String[] {"/proc/self/fd/1", "stdout"});
        links.add(new String[] {"/proc/self/fd/2", "stderr"});
        links.add(new String[] {"/proc/kcore", "core"});
        for (String[] l : links) add(new Op.Symlink(root, l[0], under + "/" + l[1]), dev);
        add(new Op.MakeDirectory(root, under + "/shm", 01777, 0755), dev);
        add(new Op.MakeDirectory(root, under + "/pts", 0755, 0755), dev);
        add(new Op.MountAt(root, under + "/pts", "devpts", "devpts", MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC,
                List.of("newinstance", "ptmxmode=0666", "mode=620")), dev);
        add(new Op.Symlink(root, "pts/ptmx", under + "/ptmx"), dev);
    }

    /**
     * An overlay, its directories named from the caller's tree (at {@code /oldroot}) by overlay
     * itself; each layer its own {@code lowerdir+} option, so no colon or comma needs escaping. A
     * temporary upper layer lives in the base tmpfs, as bubblewrap's does (private to this
     * mount namespace, detached with the base).
     */
    private void appendOverlay(FsStep.Overlay ov) {
        String dir = inRoot(ov.target());
        add(new Op.MakeDirectory(root, dir, 0755, 0755), ov);
        List<String> options = new ArrayList<>();
        if (ov.upper().isPresent()) {
            // overlay unescapes these two (a backslash quotes the next character), not lowerdir+
            options.add("upperdir=" + (from + absolute(ov.upper().get())).replace("\\", "\\\\"));
            options.add("workdir=" + (from + absolute(ov.work().orElseThrow())).replace("\\", "\\\\"));
        } else if (ov.temporaryUpper()) {
            int n = ++temporaryUppers;
            add(new Op.MakeDirectory("/tmp-overlay-upper-" + n, 0755), ov);
            add(new Op.MakeDirectory("/tmp-overlay-work-" + n, 0755), ov);
            options.add("upperdir=/tmp-overlay-upper-" + n);
            options.add("workdir=/tmp-overlay-work-" + n);
        }
        for (Path layer : ov.lower().reversed()) options.add("lowerdir+=" + from + absolute(layer));
        options.add("userxattr");
        add(new Op.MountAt(root, dir, "overlay", "overlay", 0, options), ov);
        reopenRootIfCovered(ov.target(), ov);
    }

    /** The missing parents of {@code target} in the root being built, made {@code mode}. */
    private void makeParents(Path target, int mode, Step from) {
        String path = inRoot(target);
        int slash = path.lastIndexOf('/');
        if (slash > 0) add(new Op.MakeDirectory(root, path.substring(0, slash), mode, mode), from);
    }

    /** A path in the root being built, as an absolute path there ({@code /} for the root itself). */
    static String inRoot(Path p) {
        String s = absolute(p);
        while (s.length() > 1 && s.endsWith("/")) s = s.substring(0, s.length() - 1);
        return s;
    }

    private static String absolute(Path p) {
        String s = p.toString();
        return s.startsWith("/") ? s : "/" + s;
    }

    /**
     * Parents made for a path with this mode: 0755, less what the mode denies its group and
     * others (bubblewrap's least astonishment: a private directory gets private parents).
     */
    static int parentMode(int mode) {
        int parents = 0755;
        if ((mode & 0070) == 0) parents &= ~0050;
        if ((mode & 0007) == 0) parents &= ~0005;
        return parents;
    }

    /** {@code MS_*} mount flags as {@code MOUNT_ATTR_*} bits (the new mount API's); others are refused. */
    static long attributes(long msFlags) {
        long attrs = 0, rest = msFlags;
        long[][] map = {{MS_RDONLY, MOUNT_ATTR_RDONLY}, {MS_NOSUID, MOUNT_ATTR_NOSUID}, {MS_NODEV, MOUNT_ATTR_NODEV},
                {MS_NOEXEC, MOUNT_ATTR_NOEXEC}};
        for (long[] m : map) {
            if ((msFlags & m[0]) != 0) {
                attrs |= m[1];
                rest &= ~m[0];
            }
        }
        if (rest != 0) throw new IllegalArgumentException("mount flags 0x" + Long.toHexString(rest) + " in a root being built");
        return attrs;
    }

    /**
     * A fixed-interpreter format (flag F) opens its interpreter when registered: before a root
     * change, in the caller's {@code /proc} binfmt_misc directory, as util-linux does.
     */
    private void registerFixedInterpretersEarly(List<FsStep> after) {
        boolean mounted = false;
        for (FsStep s : after) {
            if (!(s instanceof FsStep.BinfmtMisc b)) continue;
            for (String def : b.definitions()) {
                if (!fixesInterpreter(def)) continue;
                if (!mounted) add(new Op.Mount("binfmt_misc", PROC_BINFMT_MISC, "binfmt_misc", PROC_FLAGS, null), b);
                mounted = true;
                register(PROC_BINFMT_MISC, def, b);
            }
        }
    }

    /** Writes a definition to {@code dir/register}, each system call its own op (each has its own message). */
    private void register(String dir, String definition, FsStep.BinfmtMisc from) {
        int dirSlot = d.slot(), register = d.slot();
        add(Op.Open.path(dirSlot, dir, Op.Open.O_PATH | Op.Open.O_DIRECTORY), from);
        add(new Op.Open(register, dirSlot, "register", Op.Open.O_WRONLY, 0, 0), from);
        add(new Op.Write(register, definition), from);
    }

    /** The flags are the definition's last field (after its last colon). */
    private static boolean fixesInterpreter(String definition) {
        return definition.substring(definition.lastIndexOf(':') + 1).contains("F");
    }

    private void add(Op op, Step from) {
        d.add(Side.CHILD, op, from);
    }

    private void add(Op op, Step from, int toleratedErrno) {
        d.add(new PlannedOp(Side.CHILD, op, from, toleratedErrno, null));
    }
}
