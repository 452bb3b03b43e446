package dev.jns.ns;

import dev.jns.sys.FsContext;
import dev.jns.sys.LibC;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where a {@link NamespaceThread} returns after each call: the namespaces, root and
 * working directory of the JVM's main thread, the process's thread-group leader, which
 * never moves ({@code /proc/self} names it, whichever thread reads it).
 *
 * <p>Holds an open handle on each namespace a thread can move into, and a directory fd
 * on the working directory, for the life of the process.
 */
final class Home {
    private static final Path SELF_NS = Path.of("/proc/self/ns");
    private static final Path THREAD_NS = Path.of("/proc/thread-self/ns");

    private final Map<NamespaceType, Namespace> namespaces;
    /** Every entry of /proc/self/ns, including pid_for_children and time_for_children. */
    private final Map<String, String> links;
    private final int cwdFd;
    private final Object rootKey, cwdKey;

    private Home(Map<NamespaceType, Namespace> namespaces, Map<String, String> links, int cwdFd,
                 Object rootKey, Object cwdKey) {
        this.namespaces = namespaces;
        this.links = links;
        this.cwdFd = cwdFd;
        this.rootKey = rootKey;
        this.cwdKey = cwdKey;
    }

    private static final class Holder {
        static final Home HOME = capture();
    }

    static Home get() { return Holder.HOME; }

    private static Home capture() {
        Map<NamespaceType, Namespace> namespaces = new EnumMap<>(NamespaceType.class);
        for (NamespaceType t : InNamespaces.JOIN_ORDER) {
            namespaces.put(t, Namespace.open(SELF_NS.resolve(t.procName()), t));
        }
        Map<String, String> links = new LinkedHashMap<>();
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(SELF_NS)) {
            for (Path link : dir) links.put(link.getFileName().toString(), Files.readSymbolicLink(link).toString());
            return new Home(Map.copyOf(namespaces), Map.copyOf(links),
                    LibC.open("/proc/self/cwd", LibC.O_PATH | LibC.O_DIRECTORY | LibC.O_CLOEXEC),
                    fileKey(Path.of("/proc/self/root")), fileKey(Path.of("/proc/self/cwd")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The JVM's own namespace of a type a thread can join (the handle stays open for the life of the process). */
    Namespace namespace(NamespaceType type) {
        return namespaces.get(type);
    }

    /**
     * For a new thread, which inherits its creator's namespaces: if that was not home, moves
     * it home (into every type, after giving it a filesystem context of its own, which
     * joining a mount namespace needs) and checks that it got there.
     */
    void goHomeIfAway() {
        if (isHere()) return;
        FsContext.leaveShared();
        returnTo(InNamespaces.JOIN_ORDER);
        if (!isHere()) throw new IllegalStateException("jns thread could not return to the JVM's namespaces");
    }

    /**
     * Moves the calling thread back into the home namespaces of the given types. Joining a
     * mount namespace set root and cwd to that namespace's root, so cwd is restored too.
     */
    void returnTo(Collection<NamespaceType> types) {
        for (NamespaceType t : types) {
            LibC.setns(namespaces.get(t).fd(), t.cloneFlag(), "home " + namespaces.get(t));
        }
        if (types.contains(NamespaceType.MNT)) FsContext.fchdir(cwdFd);
    }

    /**
     * Whether the calling thread is entirely home: every {@code /proc/thread-self/ns} link
     * and its root and cwd are the main thread's. This is checked, not assumed, because the
     * code a thread ran could have moved it in ways no one told us about.
     */
    boolean isHere() {
        try {
            for (Map.Entry<String, String> e : links.entrySet()) {
                if (!Files.readSymbolicLink(THREAD_NS.resolve(e.getKey())).toString().equals(e.getValue())) return false;
            }
            return rootKey.equals(fileKey(Path.of("/"))) && cwdKey.equals(fileKey(Path.of(".")));
        } catch (NoSuchFileException e) {
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The (device, inode) identity of a file, as seen by the calling thread. */
    private static Object fileKey(Path p) throws IOException {
        return Files.readAttributes(p, java.nio.file.attribute.BasicFileAttributes.class).fileKey();
    }
}
