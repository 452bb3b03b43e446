package dev.jns.ns;

import dev.jns.os.Descriptors;
import dev.jns.os.Errno;
import dev.jns.os.SyscallException;
import dev.jns.sys.FsContext;
import dev.jns.sys.LibC;
import dev.jns.sys.ProcessFds;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ThreadFactory;

/**
 * An open handle to one namespace: a file descriptor on its nsfs inode. While the handle
 * is open the namespace stays alive, even if every process in it exits.
 *
 * <p>Identity is the nsfs (device, inode) pair, so two handles opened different ways on
 * the same namespace are {@link #equals equal}. Closing is idempotent.
 */
public final class Namespace implements AutoCloseable {
    // NSIO ioctls from <linux/nsfs.h>: _IO(0xb7, n)
    private static final long NS_GET_USERNS = 0xb701, NS_GET_PARENT = 0xb702,
            NS_GET_NSTYPE = 0xb703, NS_GET_OWNER_UID = 0xb704;
    // PIDFS ioctls from <linux/pidfd.h>: _IO(0xff, n), in NamespaceType order
    private static final long PIDFD_GET_CGROUP = 0xff01, PIDFD_GET_IPC = 0xff02, PIDFD_GET_MNT = 0xff03,
            PIDFD_GET_NET = 0xff04, PIDFD_GET_PID = 0xff05, PIDFD_GET_TIME = 0xff07,
            PIDFD_GET_USER = 0xff09, PIDFD_GET_UTS = 0xff0a;

    private final NamespaceId id;
    private volatile int fd;
    private volatile NamespaceCarrier carrier;

    private Namespace(int fd, NamespaceId id) {
        this.fd = fd;
        this.id = id;
    }

    /**
     * The namespace of the given type that process {@code pid} is in: opens
     * {@code /proc/PID/ns/TYPE} (see {@link #open(Path, NamespaceType)}).
     *
     * @param pid the process id
     * @param type the namespace type
     * @return the handle
     * @throws SyscallException if it cannot be opened (ENOENT: no such process; EACCES: not allowed)
     */
    public static Namespace of(int pid, NamespaceType type) {
        return open(Path.of("/proc", Integer.toString(pid), "ns", type.procName()), type);
    }

    /**
     * The namespace of the given type that the calling OS thread is in: opens
     * {@code /proc/thread-self/ns/TYPE}.
     *
     * @param type the namespace type
     * @return the handle
     * @throws SyscallException if it cannot be opened
     */
    public static Namespace current(NamespaceType type) {
        return open(Path.of("/proc/thread-self/ns", type.procName()), type);
    }

    /**
     * Any nsfs file: a {@code /proc/PID/ns/*} link or a bind mount of one (such as
     * {@code /run/netns/NAME}). The type is asked of the kernel.
     *
     * @param path the nsfs file
     * @return the handle
     * @throws IllegalArgumentException if the file is not a namespace
     * @throws SyscallException if it cannot be opened
     */
    public static Namespace open(Path path) {
        return adopt(LibC.open(path.toString(), LibC.O_RDONLY | LibC.O_CLOEXEC), path.toString(), null);
    }

    /**
     * Like {@link #open(Path)}, and checks that the namespace has the expected type.
     *
     * @param path the nsfs file
     * @param expected the type it must have
     * @return the handle
     * @throws IllegalArgumentException if the file is not a namespace of that type
     * @throws SyscallException if it cannot be opened
     */
    public static Namespace open(Path path, NamespaceType expected) {
        return adopt(LibC.open(path.toString(), LibC.O_RDONLY | LibC.O_CLOEXEC), path.toString(), expected);
    }

    /**
     * The namespace of the given type of the process a pidfd refers to. Unlike a
     * {@code /proc/PID} path this cannot race with pid reuse ({@code ioctl PIDFD_GET_*_NAMESPACE}, Linux 6.11+).
     *
     * @param pidfd the pidfd
     * @param type the namespace type
     * @return the handle
     * @throws SyscallException if the kernel refuses
     */
    public static Namespace ofPidfd(int pidfd, NamespaceType type) {
        long request = switch (type) {
            case CGROUP -> PIDFD_GET_CGROUP;
            case IPC -> PIDFD_GET_IPC;
            case MNT -> PIDFD_GET_MNT;
            case NET -> PIDFD_GET_NET;
            case PID -> PIDFD_GET_PID;
            case TIME -> PIDFD_GET_TIME;
            case USER -> PIDFD_GET_USER;
            case UTS -> PIDFD_GET_UTS;
        };
        int nsfd = LibC.ioctl(pidfd, request, 0, "PIDFD_GET_" + type.name() + "_NAMESPACE");
        return adopt(nsfd, "pidfd " + pidfd, type);
    }

    /**
     * The network namespace a socket of process {@code pid} was created in: its fd
     * duplicated here ({@code pidfd_getfd}, which needs ptrace access to the process), then
     * {@code SIOCGSKNS}. Throws {@link SyscallException} naming the call that failed.
     *
     * @param pid the process id
     * @param socketFd the socket's descriptor number in that process
     * @return the handle
     */
    public static Namespace ofSocket(int pid, int socketFd) {
        int dup = ProcessFds.duplicate(pid, socketFd);
        try {
            return adopt(ProcessFds.socketNetNamespace(dup), "socket " + socketFd + " of pid " + pid, NamespaceType.NET);
        } finally {
            LibC.close(dup);
        }
    }

    /**
     * Takes ownership of an open nsfs fd: asks its type ({@code ioctl NS_GET_NSTYPE}) and
     * identity ({@code fstat}). Closes it and throws if it is not a namespace (or not of the
     * expected type, when one is given).
     *
     * @param fd the descriptor number, owned by the handle from now on
     * @param origin where it came from, for messages
     * @param expected the type it must have, or null for any
     * @return the handle
     * @throws IllegalArgumentException if it is not a namespace, or not of that type
     */
    public static Namespace adopt(int fd, String origin, NamespaceType expected) {
        try {
            NamespaceType type = typeOf(fd, origin);
            if (expected != null && type != expected) {
                throw new IllegalArgumentException(origin + " is a " + type.procName()
                        + " namespace, not " + expected.procName());
            }
            LibC.Stat st = LibC.fstat(fd);
            return new Namespace(fd, new NamespaceId(type, st.dev(), st.ino()));
        } catch (RuntimeException e) {
            LibC.close(fd);
            throw e;
        }
    }

    private static NamespaceType typeOf(int fd, String origin) {
        int flag;
        try {
            flag = LibC.ioctl(fd, NS_GET_NSTYPE, 0, "NS_GET_NSTYPE");
        } catch (SyscallException e) {
            if (e.errno() == Errno.ENOTTY || e.errno() == Errno.EINVAL) {
                throw new IllegalArgumentException(origin + " is not a namespace file");
            }
            throw e;
        }
        return NamespaceType.fromCloneFlag(flag)
                .orElseThrow(() -> new IllegalStateException("kernel reported unknown namespace type 0x"
                        + Integer.toHexString(flag) + " for " + origin));
    }

    /**
     * The namespace's type.
     *
     * @return the type
     */
    public NamespaceType type() { return id.type(); }

    /**
     * The (type, device, inode) identity; stays valid after {@link #close()}.
     *
     * @return the identity
     */
    public NamespaceId id() { return id; }

    /**
     * The nsfs inode number, the number lsns prints in its NS column.
     *
     * @return the inode
     */
    public long inode() { return id.inode(); }

    /**
     * The nsfs device number.
     *
     * @return the device
     */
    public long device() { return id.device(); }

    /**
     * A path through which another process (the helper) opens this handle's namespace: {@code /proc/PID/fd/N}.
     *
     * @return the path
     */
    public Path fdPath() {
        return Descriptors.procPath(fd());
    }

    /**
     * The open file descriptor; owned by this handle.
     *
     * @return the descriptor
     */
    public int fd() {
        if (fd < 0) throw new IllegalStateException(id + " is closed");
        return fd;
    }

    /**
     * The user namespace that owns this one, or empty when it lies outside the caller's
     * reach (the kernel answers EPERM for owners above the caller's own user namespace).
     *
     * @return the owner, or empty
     */
    public Optional<Namespace> owner() {
        return related(NS_GET_USERNS, "NS_GET_USERNS", NamespaceType.USER);
    }

    /**
     * The parent of a pid or user namespace, or empty for the other types and when the
     * parent is out of the caller's reach.
     *
     * @return the parent, or empty
     */
    public Optional<Namespace> parent() {
        if (!type().isHierarchical()) return Optional.empty();
        return related(NS_GET_PARENT, "NS_GET_PARENT", type());
    }

    private Optional<Namespace> related(long request, String name, NamespaceType expected) {
        try {
            int other = LibC.ioctl(fd(), request, 0, name);
            return Optional.of(adopt(other, name + " of " + id, expected));
        } catch (SyscallException e) {
            if (e.errno() == Errno.EPERM || e.errno() == Errno.EINVAL || e.errno() == Errno.ENOENT) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /**
     * The uid (as the caller sees it) that created the user namespace owning this one; for
     * a user namespace, its own creator. Empty when that user namespace is out of reach.
     *
     * @return the uid, or empty
     */
    public OptionalInt ownerUid() {
        if (type() == NamespaceType.USER) return OptionalInt.of(ownerUidOfUserNs(this));
        Optional<Namespace> owner = owner();
        if (owner.isEmpty()) return OptionalInt.empty();
        try (Namespace userns = owner.get()) {
            return OptionalInt.of(ownerUidOfUserNs(userns));
        }
    }

    private static int ownerUidOfUserNs(Namespace userns) {
        return LibC.ioctlReadInt(userns.fd(), NS_GET_OWNER_UID, "NS_GET_OWNER_UID");
    }

    /**
     * Runs {@code body} inside this namespace and returns its result; what it throws is
     * thrown here unchanged. See {@link InNamespaces} for what each type means (user and
     * time are refused, pid applies to the processes the code starts).
     *
     * <p>Where the code runs:
     * <ul>
     *   <li>A platform thread calling into a net, uts, ipc or cgroup namespace runs the code
     *       itself: {@code setns} there, the code, {@code setns} back to the JVM's namespace
     *       of that type (whatever the code did to the thread's membership meanwhile). The
     *       code sees the caller's thread and its thread-locals.</li>
     *   <li>Otherwise (a virtual caller, which must not move the scheduler's thread it runs
     *       on; a mnt or pid namespace; a call made from inside a namespace), the code runs on
     *       this handle's carrier: a platform thread of jns's own that entered the namespace
     *       once, when the first such call started it, and stays there until the handle is
     *       closed or has been idle for 30 s. The caller only waits; interrupting it
     *       interrupts the code. While the carrier runs one call, a concurrent one runs on a
     *       pooled thread that joins the namespace and leaves again ({@link InNamespaces#run}).
     *       For the types not given, code on these threads is in the JVM's namespaces.</li>
     * </ul>
     *
     * <p>What happens to threads:
     * <ul>
     *   <li>Platform threads the code starts inherit the namespace and outlive the call
     *       (this is how a server is left running inside); {@link #threadFactory()} is the
     *       way to make them on purpose, from anywhere.</li>
     *   <li>Virtual threads the code starts do <em>not</em> run inside: they run on the
     *       JDK's scheduler threads, which live outside.</li>
     *   <li>The JDK's own service threads, which the JDK creates on first use on the thread
     *       that needs one (the process reaper of {@code ProcessBuilder.start()}, the
     *       Common-Cleaner, the virtual-thread scheduler and the common {@code ForkJoinPool}),
     *       are started outside before any code runs inside, so none of them is born
     *       inside, stays there and keeps a closed namespace alive. Limits: a pool grows only
     *       when all its threads are busy, and code that keeps more of them busy at once
     *       from inside (two child processes alive at the same time, more parallel tasks
     *       than the pool's parallelism) makes the extra ones inside.</li>
     *   <li>An {@code HttpClient} built inside makes its selector thread inside (its
     *       connections are opened there); close it inside, with try-with-resources.</li>
     *   <li>Files under {@code /proc/self/net} (and {@code /proc/net}, a link to it) show the
     *       network namespace of the process's main thread, not the caller's: the kernel
     *       resolves {@code self} to the thread group. The JDK reads them for some answers
     *       ({@code NetworkInterface.networkInterfaces()} lists IPv6 interfaces from
     *       {@code /proc/net/if_inet6}, so the host's can appear beside the namespace's
     *       {@code lo}); read {@code /proc/thread-self/net} for the caller's.</li>
     * </ul>
     *
     * <p>Code that throws: the same exception is thrown here, and the carrier serves the
     * next call (it never left the namespace). Code that never returns blocks the caller
     * until it does; interrupting the caller interrupts the code. Closing the handle
     * meanwhile does not wait for it: its carrier ends when the code returns.
     *
     * @param <T> the result type
     * @param <E> the checked exception {@code body} may throw
     * @param body the code to run
     * @return what {@code body} returned
     * @throws IllegalArgumentException for a user or time namespace
     * @throws IllegalStateException if this handle is closed
     * @throws SyscallException if the namespace cannot be joined; {@code body} did not run
     * @throws E what {@code body} throws
     */
    public <T, E extends Exception> T run(ThrowingCallable<T, E> body) throws E {
        JdkServiceThreads.ensureStarted();
        if (CallingThread.mayEnter(type())) return CallingThread.run(this, body);
        NamespaceCarrier c = carrier;
        if (c != null && c.tryAcquire()) return c.call(body);
        return runOnNewCarrierOrElsewhere(body);
    }

    private <T, E extends Exception> T runOnNewCarrierOrElsewhere(ThrowingCallable<T, E> body) throws E {
        NamespaceCarrier c;
        synchronized (this) {
            InNamespaces.refuseProcessWide(type());
            int f = fd(); // throws once closed
            if (carrier == null || carrier.isRetired()) {
                NamespaceType t = type();
                String what = toString();
                carrier = c = NamespaceCarrier.start("jns-" + what, () -> enterFromAnywhere(f, t, what));
            } else {
                c = null;
            }
        }
        if (c != null) return c.call(body);
        return InNamespaces.run(List.of(this), body);
    }

    /**
     * Moves a fresh thread of jns's own into the namespace: first home (a thread started by
     * one that was inside other namespaces inherits them), then in.
     */
    private static void enterFromAnywhere(int fd, NamespaceType type, String what) {
        CallingThread.markAway();
        Home home = Home.get();
        // Joining a mount namespace needs a filesystem context of the thread's own.
        if (type == NamespaceType.MNT) FsContext.leaveShared();
        home.goHomeIfAway();
        LibC.setns(fd, type.cloneFlag(), what);
    }

    /**
     * A new network namespace held by nothing but the returned handle and its carrier: no
     * name in {@code /run/netns}, no process. Its {@code lo} is down. Closing the handle
     * ends it, with every link in it (once sockets opened inside are closed too).
     * {@code unshare(CLONE_NEWNET)} on the calling thread, which opens the new namespace's
     * nsfs file and {@code setns} back; a virtual or foreign caller has a new carrier do it,
     * which stays inside as the handle's carrier.
     *
     * @return the handle; close it to end the namespace
     * @throws SyscallException EPERM without CAP_SYS_ADMIN
     */
    public static Namespace newNetwork() {
        JdkServiceThreads.ensureStarted();
        if (CallingThread.mayEnter(NamespaceType.NET)) return CallingThread.newNetwork();
        NamespaceCarrier c = NamespaceCarrier.start("jns-new-net", () -> {
            CallingThread.markAway();
            Home.get().goHomeIfAway();
            LibC.unshare(NamespaceType.NET.cloneFlag(), "CLONE_NEWNET");
        });
        Namespace ns;
        try {
            ns = c.call(() -> Namespace.current(NamespaceType.NET));
        } catch (RuntimeException e) {
            c.retire();
            throw e;
        }
        ns.carrier = c;
        return ns;
    }

    /**
     * Threads that run inside this namespace: each new thread joins it as it starts (after
     * returning to the JVM's namespaces, should its creator have been elsewhere) and stays
     * for its life; so do the threads it starts in turn. For work that must stay inside,
     * such as a server's accept loop: {@code Executors.newThreadPerTaskExecutor(ns.threadFactory())}.
     * The handle must stay open until the threads have started; a thread that cannot join
     * ends with the {@link SyscallException} before running its task.
     *
     * @return the factory
     * @throws IllegalArgumentException for a user or time namespace
     */
    public ThreadFactory threadFactory() {
        InNamespaces.refuseProcessWide(type());
        NamespaceType t = type();
        String what = toString();
        return task -> {
            JdkServiceThreads.ensureStarted();
            int f = fd();
            return Thread.ofPlatform().name("jns-" + what).unstarted(() -> {
                enterFromAnywhere(f, t, what);
                task.run();
            });
        };
    }

    /**
     * Ends this handle's carrier (waiting until its thread is gone, unless it is still
     * running a call) and closes the fd. Idempotent.
     */
    @Override
    public void close() {
        NamespaceCarrier c;
        synchronized (this) {
            c = carrier;
            carrier = null;
        }
        if (c != null) c.retire();
        if (fd >= 0) {
            int f = fd;
            fd = -1;
            LibC.close(f);
        }
    }

    /**
     * Whether the handle's descriptor is still open.
     *
     * @return true if open
     */
    public boolean isOpen() { return fd >= 0; }

    @Override
    public boolean equals(Object o) {
        return o instanceof Namespace other && other.id.equals(id);
    }

    @Override
    public int hashCode() { return id.hashCode(); }

    /** The kernel's notation, e.g. {@code net:[4026532008]}. */
    @Override
    public String toString() { return id.toString(); }
}
