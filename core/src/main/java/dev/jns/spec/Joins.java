package dev.jns.spec;

import dev.jns.ns.NamespaceType;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The existing namespaces the program enters, all at one point before any new ones are made
 * (new ones then nest in them), the way util-linux nsenter joins: every file opened first, so
 * each path names what the caller sees.
 *
 * @param files               nsfs files ({@code /proc/PID/ns/TYPE} or a bind mount of one), in order
 * @param process             a process whose namespaces are joined through its pidfd
 * @param preserveCredentials keep the caller's ids in a joined user namespace (otherwise the
 *                            program is root there, with no supplementary groups)
 * @param root                the program's root, opened before the joins (nsenter's {@code --root})
 * @param directory           its working directory, opened before the joins (nsenter's {@code --wd})
 * @param cgroup              a cgroup v2 group the program moves into (nsenter's {@code --join-cgroup})
 * @param descriptors         namespaces the caller holds open descriptors on, joined with the files
 *                            (bubblewrap's {@code --userns FD} and {@code --pidns FD})
 * @param userAfterSetup      a user namespace the program switches to once its root is built, before
 *                            its ids and capabilities are set (bubblewrap's {@code --userns2 FD})
 */
public record Joins(List<JoinedFile> files, Optional<JoinedProcess> process, boolean preserveCredentials,
                    Optional<Path> root, Optional<Path> directory, Optional<JoinedCgroup> cgroup,
                    List<JoinedDescriptor> descriptors, Optional<UserAfterSetup> userAfterSetup) implements Step {
    public static final Joins NONE = new Joins(List.of(), Optional.empty(), false, Optional.empty(), Optional.empty(),
            Optional.empty());

    /**
     * Without namespaces joined through the caller's descriptors.
     *
     * @param files nsfs files to join
     * @param process a process whose namespaces are joined, if any
     * @param preserveCredentials whether to keep the caller's ids in a joined user namespace
     * @param root the root to pin before the joins, if any
     * @param directory the working directory to pin before the joins, if any
     * @param cgroup the cgroup to move into, if any
     */
    public Joins(List<JoinedFile> files, Optional<JoinedProcess> process, boolean preserveCredentials,
                 Optional<Path> root, Optional<Path> directory, Optional<JoinedCgroup> cgroup) {
        this(files, process, preserveCredentials, root, directory, cgroup, List.of(), Optional.empty());
    }

    /**
     * Without a cgroup to move into.
     *
     * @param files nsfs files to join
     * @param process a process whose namespaces are joined, if any
     * @param preserveCredentials whether to keep the caller's ids in a joined user namespace
     * @param root the root to pin before the joins, if any
     * @param directory the working directory to pin before the joins, if any
     */
    public Joins(List<JoinedFile> files, Optional<JoinedProcess> process, boolean preserveCredentials,
                 Optional<Path> root, Optional<Path> directory) {
        this(files, process, preserveCredentials, root, directory, Optional.empty());
    }

    /** Copies the lists. */
    public Joins {
        files = List.copyOf(files);
        descriptors = List.copyOf(descriptors);
    }

    /**
     * Whether no namespace is joined before the new ones are made (a user namespace entered after setup aside).
     *
     * @return true if none is
     */
    public boolean isEmpty() {
        return files.isEmpty() && process.isEmpty() && descriptors.isEmpty();
    }

    /**
     * Whether a namespace of this type is joined, by file or from the process.
     *
     * @param type the namespace type
     * @return true if one is
     */
    public boolean joins(NamespaceType type) {
        for (JoinedFile f : files) {
            if (f.type() == type) return true;
        }
        for (JoinedDescriptor d : descriptors) {
            if (d.type() == type) return true;
        }
        return process.isPresent() && process.get().types().contains(type);
    }

    /**
     * An nsfs file to join as a namespace of {@code type} (the kernel checks the file is one).
     *
     * @param file the nsfs file
     * @param type the namespace type
     */
    public record JoinedFile(Path file, NamespaceType type) implements Step {}

    /**
     * A namespace of {@code type} this process holds open at {@code callerFd}: the descriptor
     * is handed to the helper, which joins through it (the kernel checks it is one of that type).
     *
     * @param callerFd the descriptor in this process
     * @param type the namespace type
     */
    public record JoinedDescriptor(int callerFd, NamespaceType type) implements Step {
        /** Checks the descriptor number. */
        public JoinedDescriptor {
            if (callerFd < 0) throw new IllegalArgumentException("not a descriptor number: " + callerFd);
        }
    }

    /**
     * The user namespace this process holds open at {@code callerFd}, entered by the program
     * after its root is built (it must be one the program's own user namespace may enter: in
     * practice a child of it).
     *
     * @param callerFd the descriptor in this process
     */
    public record UserAfterSetup(int callerFd) implements Step {
        /** Checks the descriptor number. */
        public UserAfterSetup {
            if (callerFd < 0) throw new IllegalArgumentException("not a descriptor number: " + callerFd);
        }
    }

    /**
     * Namespaces of a running process, joined through one pidfd ({@code setns} with a pidfd,
     * Linux 5.8+; its {@code /proc/PID/ns} files on older kernels). With {@code pidfdInode}
     * other than 0 the launch fails (ESRCH) unless the pidfd has that inode: the pid was not reused.
     *
     * @param pid the process id
     * @param pidfdInode its pidfd's inode, or 0 for no check
     * @param types the types
     */
    public record JoinedProcess(int pid, long pidfdInode, Set<NamespaceType> types) implements Step {
        /** Copies the types. */
        public JoinedProcess {
            types = Set.copyOf(types);
        }
    }

    /**
     * A cgroup v2 group the program moves into: its {@code cgroup.procs} is opened before the
     * joins (so the path names what the caller sees, and the kernel checks the caller's right
     * to move processes there), and the program writes itself into it after the joins, before
     * its ids change.
     *
     * @param directory the group's directory in a mounted cgroup2 hierarchy
     */
    public record JoinedCgroup(Path directory) implements Step {
        /**
         * The group's {@code cgroup.procs} file.
         *
         * @return the path
         */
        public Path procsFile() { return directory.resolve("cgroup.procs"); }
    }

    /**
     * The root, pinned before the joins and entered after them.
     *
     * @param root the root
     */
    public record PinnedRoot(Path root) implements Step {}

    /**
     * The working directory pinned before the joins; empty: the one the program is in, kept across the root change.
     *
     * @param directory the directory, or empty
     */
    public record PinnedWorkingDirectory(Optional<Path> directory) implements Step {}
}
