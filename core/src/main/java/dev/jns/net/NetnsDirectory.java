package dev.jns.net;

import dev.jns.mount.MountFlags;
import dev.jns.ns.Namespace;
import dev.jns.ns.NamespaceType;
import dev.jns.os.Errno;
import dev.jns.os.SyscallException;
import dev.jns.sys.LibC;
import dev.jns.sys.Mounts;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * iproute2's convention for named network namespaces: {@code /run/netns/NAME} is an empty
 * file with the namespace's nsfs file bind-mounted on it, which keeps the namespace alive
 * with no process in it. {@code /run/netns} itself is made a shared mount, so that a
 * delete in one mount namespace unmounts the entry in all of them. Everything here is done
 * the way {@code ip netns} does it, so that both tools see and manage the same namespaces.
 *
 * <p>Errors: a failed operation throws {@link NetnsException} with the message
 * {@code ip netns} prints for it (e.g. {@code Cannot create namespace file "/run/netns/x":
 * File exists}); changes need CAP_SYS_ADMIN (root).
 */
public final class NetnsDirectory {
    /** Where the names live, as iproute2 keeps them. */
    public static final Path DIR = Path.of("/run/netns");
    private static final int NAME_MAX = 255;

    private NetnsDirectory() {}

    /**
     * Rejects what {@code ip netns} rejects: see {@link #isValidName}.
     *
     * @param name the name
     */
    public static void checkName(String name) {
        if (!isValidName(name)) throw new NetnsException("Invalid netns name \"" + name + "\"");
    }

    /**
     * What {@code ip netns} accepts as a name: not empty, {@code .} or {@code ..}, no {@code /}, at most NAME_MAX bytes.
     *
     * @param name the name
     * @return true if valid
     */
    public static boolean isValidName(String name) {
        return !name.isEmpty() && !name.equals(".") && !name.equals("..") && name.indexOf('/') < 0
                && name.getBytes(java.nio.charset.StandardCharsets.UTF_8).length <= NAME_MAX;
    }

    /**
     * The file for {@code name} in {@link #DIR}, the name checked first.
     *
     * @param name the name
     * @return the path
     */
    public static Path path(String name) {
        checkName(name);
        return DIR.resolve(name);
    }

    /**
     * Creates a new network namespace named {@code name} ({@code ip netns add}). On
     * failure nothing is left: no file, no mount.
     *
     * @param name the name
     */
    public static void add(String name) {
        Path file = createEntry(name);
        try {
            NewNetnsThread.call(() -> {
                Mounts.bind("/proc/thread-self/ns/net", file.toString());
                return null;
            });
        } catch (SyscallException e) {
            removeEntry(file);
            throw new NetnsException("Bind /proc/self/ns/net -> " + file + " failed: " + e.strerror(), e);
        } catch (RuntimeException | Error e) {
            removeEntry(file);
            throw e;
        }
    }

    /**
     * Names the network namespace process {@code pid} is in ({@code ip netns attach}).
     *
     * @param name the name
     * @param pid the process id
     */
    public static void attach(String name, int pid) {
        Path file = createEntry(name);
        String source = "/proc/" + pid + "/ns/net";
        try {
            Mounts.bind(source, file.toString());
        } catch (SyscallException e) {
            removeEntry(file);
            throw new NetnsException("Bind " + source + " -> " + file + " failed: " + e.strerror(), e);
        }
    }

    /**
     * Removes the name ({@code ip netns delete}): unmounts (lazily, as ip does) and unlinks
     * the file. The namespace itself ends when nothing else holds it.
     *
     * @param name the name
     */
    public static void delete(String name) {
        Path file = path(name);
        try {
            Mounts.umount(file.toString(), MountFlags.MNT_DETACH);
        } catch (SyscallException ignored) {
            // Not mounted (a half-made entry): the unlink below still cleans it up, as with ip.
        }
        try {
            Files.delete(file);
        } catch (IOException e) {
            throw new NetnsException("Cannot remove namespace file \"" + file + "\": " + Errno.describe(e), e);
        }
    }

    /**
     * The names, in directory order (what {@code ip netns list} prints, in its order).
     *
     * @return the names
     */
    public static List<String> names() {
        List<String> out = new ArrayList<>();
        if (!Files.isDirectory(DIR)) return out;
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(DIR)) {
            for (Path p : ds) out.add(p.getFileName().toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /**
     * Opens the named namespace.
     *
     * @param name the name
     * @return the handle
     */
    public static Namespace open(String name) {
        Path file = path(name);
        try {
            return Namespace.open(file, NamespaceType.NET);
        } catch (SyscallException e) {
            throw new NetnsException("Cannot open network namespace \"" + name + "\": " + e.strerror(), e);
        } catch (IllegalArgumentException e) {
            throw new NetnsException("Cannot open network namespace \"" + name + "\": " + e.getMessage(), e);
        }
    }

    /**
     * The name of the network namespace process {@code pid} is in, as {@code ip netns identify}
     * picks it: of several names for one namespace, the last in directory order.
     *
     * @param pid the process id
     * @return the name, or empty
     */
    public static Optional<String> identify(int pid) {
        FileKey target = FileKey.of(Path.of("/proc", Integer.toString(pid), "ns", "net"))
                .orElseThrow(() -> new NetnsException("Cannot open network namespace: " + Errno.describe(Errno.ENOENT)));
        String found = null;
        for (String name : names()) {
            if (FileKey.of(DIR.resolve(name)).filter(target::equals).isPresent()) found = name;
        }
        return Optional.ofNullable(found);
    }

    /**
     * The processes inside the named namespace ({@code ip netns pids}), in /proc order.
     *
     * @param name the name
     * @return the pids
     */
    public static List<Integer> pids(String name) {
        Path file = path(name);
        FileKey ns = FileKey.of(file)
                .orElseThrow(() -> new NetnsException("Cannot open network namespace: " + Errno.describe(Errno.ENOENT)));
        List<Integer> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(Path.of("/proc"))) {
            for (Path p : ds) {
                String pid = p.getFileName().toString();
                if (!pid.chars().allMatch(Character::isDigit)) continue;
                if (FileKey.of(p.resolve("ns/net")).filter(ns::equals).isPresent()) out.add(Integer.parseInt(pid));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** (device, inode) of what a path leads to, following links and bind mounts. */
    private record FileKey(long dev, long ino) {
        static Optional<FileKey> of(Path p) {
            try {
                return Optional.of(new FileKey(((Number) Files.getAttribute(p, "unix:dev")).longValue(),
                        ((Number) Files.getAttribute(p, "unix:ino")).longValue()));
            } catch (IOException | SecurityException e) {
                return Optional.empty();
            }
        }
    }

    /** Makes sure {@code /run/netns} exists and is a shared mount, then creates the empty entry file. */
    private static Path createEntry(String name) {
        Path file = path(name);
        prepareDirectory();
        try {
            LibC.close(LibC.openat(LibC.AT_FDCWD, file.toString(), LibC.O_RDONLY | LibC.O_CREAT | LibC.O_EXCL | LibC.O_CLOEXEC, 0));
        } catch (SyscallException e) {
            throw new NetnsException("Cannot create namespace file \"" + file + "\": " + e.strerror(), e);
        }
        return file;
    }

    private static void removeEntry(Path file) {
        try {
            Mounts.umount(file.toString(), MountFlags.MNT_DETACH);
        } catch (SyscallException ignored) {
            // never got mounted
        }
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + file + " after a failed add", e);
        }
    }

    /**
     * A change to the directory: a name added or deleted.
     *
     * @param name the name
     * @param added true if added, false if deleted
     */
    public record Change(boolean added, String name) {}

    /**
     * Watches the directory (made if missing) for names added and deleted, as
     * {@code ip netns monitor} does, until closed.
     *
     * @return the watch; close it to stop
     */
    public static Watch watch() {
        try {
            Files.createDirectories(DIR);
            WatchService service = DIR.getFileSystem().newWatchService();
            try {
                DIR.register(service, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_DELETE);
            } catch (IOException | RuntimeException e) {
                service.close();
                throw e;
            }
            return new Watch(service);
        } catch (IOException e) {
            throw new NetnsException("cannot watch " + DIR + ": " + Errno.describe(e), e);
        }
    }

    /** What {@link #watch()} returns: the changes as they come. */
    public static final class Watch implements AutoCloseable {
        private final WatchService service;

        private Watch(WatchService service) {
            this.service = service;
        }

        /**
         * The next changes, in order, waiting until there is at least one.
         *
         * @return the changes, at least one
         * @throws java.lang.InterruptedException if the calling thread is interrupted while waiting
         */
        public List<Change> next() throws InterruptedException {
            while (true) {
                WatchKey key = service.take();
                List<Change> changes = new ArrayList<>();
                for (WatchEvent<?> e : key.pollEvents()) {
                    if (e.kind() == StandardWatchEventKinds.OVERFLOW) continue;
                    Change c = new Change(e.kind() == StandardWatchEventKinds.ENTRY_CREATE, e.context().toString());
                    // The JDK folds repeats of one kind for one name into a count.
                    for (int i = 0; i < e.count(); i++) changes.add(c);
                }
                key.reset();
                if (!changes.isEmpty()) return changes;
            }
        }

        @Override
        public void close() {
            try {
                service.close();
            } catch (IOException ignored) {
                // nothing is watched any more either way
            }
        }
    }

    /**
     * {@code mount --make-shared /run/netns}; when it is not a mount point yet (EINVAL),
     * first bind-mount it onto itself. Done once per boot, and left in place, as ip does.
     */
    private static void prepareDirectory() {
        try {
            Files.createDirectories(DIR);
        } catch (IOException e) {
            throw new NetnsException("mkdir " + DIR + " failed: " + Errno.describe(e), e);
        }
        try {
            Mounts.setPropagation(DIR.toString(), MountFlags.MS_SHARED | MountFlags.MS_REC);
        } catch (SyscallException e) {
            if (e.errno() != Errno.EINVAL) {
                throw new NetnsException("mount --make-shared " + DIR + " failed: " + e.strerror(), e);
            }
            try {
                Mounts.bind(DIR.toString(), DIR.toString());
                Mounts.setPropagation(DIR.toString(), MountFlags.MS_SHARED | MountFlags.MS_REC);
            } catch (SyscallException again) {
                throw new NetnsException("mount --bind " + DIR + " " + DIR + " failed: " + again.strerror(), again);
            }
        }
    }

}
