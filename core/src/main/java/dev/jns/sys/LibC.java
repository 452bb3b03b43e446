package dev.jns.sys;

import dev.jns.os.SyscallException;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The system calls jns makes from Java, through the Foreign Function &amp; Memory API.
 *
 * <p>This package is the only place that touches {@code java.lang.foreign}. Every
 * handle is created on first use (each sits in its own holder class), because
 * linking costs start-up time and most CLI paths need few or none of them. Every
 * failing call throws {@link SyscallException} with the errno captured by
 * {@code Linker.Option.captureCallState}, never read later from a thread-local
 * that the JVM may already have clobbered.
 */
public final class LibC {
    public static final int O_RDONLY = 0, O_WRONLY = 1, O_RDWR = 2, O_CREAT = 0x40, O_EXCL = 0x80,
            O_NOCTTY = 0x100, O_TRUNC = 0x200, O_DIRECTORY = 0x10000, O_NOFOLLOW = 0x20000,
            O_CLOEXEC = 0x80000, O_PATH = 0x200000;
    public static final int AT_FDCWD = -100;

    private static final long SYS_WAIT4 = 61, SYS_PRCTL = 157, SYS_SOCKET = 41, SYS_CONNECT = 42, SYS_MKNODAT = 259, SYS_CLOSE = 3, SYS_FSTAT = 5, SYS_SENDMSG = 46, SYS_RECVMSG = 47, SYS_FCNTL = 72, SYS_GETTID = 186,
            SYS_OPENAT = 257, SYS_UNSHARE = 272, SYS_SETNS = 308, SYS_MEMFD_CREATE = 319, SYS_PIDFD_OPEN = 434,
            SYS_PIDFD_GETFD = 438;
    /** {@code ioctl(2)}'s number, for the callers in this package with a struct to pass. */
    static final long SYS_IOCTL = 16;
    private static final int MFD_CLOEXEC = 1, MFD_ALLOW_SEALING = 2, F_ADD_SEALS = 1033,
            F_SEAL_SEAL = 1, F_SEAL_SHRINK = 2, F_SEAL_GROW = 4, F_SEAL_WRITE = 8;

    private LibC() {}

    // ---- holders: each links on first use ------------------------------------------

    /**
     * Every call that can fail goes through glibc's {@code syscall(2)}: one downcall shape
     * instead of one per function, because each shape the linker spins costs start-up time
     * that the AOT cache cannot keep (x86_64 numbers, as the struct layouts here).
     */
    private static final class Syscall {
        static final MethodHandle H = Ffi.errnoCall("syscall",
                FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG), 1);
    }
    private static final class Ids {
        static final MethodHandle GETPID = Ffi.plainCall("getpid", FunctionDescriptor.of(JAVA_INT));
        static final MethodHandle GETEUID = Ffi.plainCall("geteuid", FunctionDescriptor.of(JAVA_INT));
        static final MethodHandle GETEGID = Ffi.plainCall("getegid", FunctionDescriptor.of(JAVA_INT));
    }
    private static final class Strerror {
        static final MethodHandle H = Ffi.plainCall("strerror", FunctionDescriptor.of(ADDRESS, JAVA_INT));
    }

    // ---- the calls --------------------------------------------------------------------

    /** {@code openat(AT_FDCWD, path, flags)}; returns the fd. */
    public static int open(String path, int flags) {
        return openat(AT_FDCWD, path, flags, 0);
    }

    /** {@code openat(dirfd, path, flags, mode)}; returns the fd. */
    public static int openat(int dirfd, String path, int flags, int mode) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment cpath = arena.allocateFrom(path);
            return (int) syscall(SYS_OPENAT, "open", path, dirfd, cpath.address(), flags, mode);
        }
    }

    public static void close(int fd) {
        syscall(SYS_CLOSE, "close", "fd " + fd, fd, 0, 0, 0);
    }

    /** The fields of {@code struct stat} that jns uses. */
    public record Stat(long dev, long ino, int mode, int uid, int gid) {}

    public static Stat fstat(int fd) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(144, 8); // sizeof(struct stat) on x86_64
            syscall(SYS_FSTAT, "fstat", "fd " + fd, fd, buf.address(), 0, 0);
            return new Stat(buf.get(JAVA_LONG, 0), buf.get(JAVA_LONG, 8), buf.get(JAVA_INT, 24),
                    buf.get(JAVA_INT, 28), buf.get(JAVA_INT, 32));
        }
    }

    /** {@code ioctl(fd, request, arg)} with an integer argument; returns the call's result. */
    public static int ioctl(int fd, long request, long arg, String what) {
        return (int) syscall(SYS_IOCTL, "ioctl", what + " on fd " + fd, fd, request, arg, 0);
    }

    /** {@code ioctl(fd, request, &value)} for requests that write one int back; returns that int. */
    public static int ioctlReadInt(int fd, long request, String what) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(JAVA_INT);
            syscall(SYS_IOCTL, "ioctl", what + " on fd " + fd, fd, request, out.address(), 0);
            return out.get(JAVA_INT, 0);
        }
    }

    /** {@code pidfd_open(pid, flags)}; returns the pidfd. */
    public static int pidfdOpen(int pid, int flags) {
        return (int) syscall(SYS_PIDFD_OPEN, "pidfd_open", "pid " + pid, pid, flags, 0, 0);
    }

    /** {@code pidfd_getfd(pidfd, fd, 0)}: a duplicate of another process's fd; returns it. */
    public static int pidfdGetfd(int pidfd, int fd) {
        return (int) syscall(SYS_PIDFD_GETFD, "pidfd_getfd", "(" + pidfd + ", " + fd + ")", pidfd, fd, 0, 0);
    }

    /** {@code sendmsg(fd, msg, flags)}; returns the bytes sent. */
    static long sendmsg(int fd, MemorySegment msg, int flags, String detail) {
        return syscall(SYS_SENDMSG, "sendmsg", detail, fd, msg.address(), flags, 0);
    }

    /** {@code recvmsg(fd, msg, flags)} through the shared syscall downcall; returns the bytes received. */
    static long recvmsg(int fd, MemorySegment msg, int flags, String detail) {
        return syscall(SYS_RECVMSG, "recvmsg", detail, fd, msg.address(), flags, 0);
    }

    /** {@code memfd_create(name, MFD_CLOEXEC | MFD_ALLOW_SEALING)}: an anonymous file, to be sealed. */
    public static int memfdCreate(String name) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment cname = arena.allocateFrom(name);
            return (int) syscall(SYS_MEMFD_CREATE, "memfd_create", name, cname.address(),
                    MFD_CLOEXEC | MFD_ALLOW_SEALING, 0, 0);
        }
    }

    /** Seals a memfd for good: it can no longer be written, grown, shrunk or unsealed. */
    public static void sealForGood(int memfd) {
        syscall(SYS_FCNTL, "fcntl", "F_ADD_SEALS on fd " + memfd, memfd, F_ADD_SEALS,
                F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE, 0);
    }

    /** {@code mknodat(AT_FDCWD, path, S_IFIFO | mode, 0)}: a named pipe (the umask applies). */
    public static void mkfifo(String path, int mode) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment cpath = arena.allocateFrom(path);
            syscall(SYS_MKNODAT, "mkfifo", path, AT_FDCWD, cpath.address(), 0010000 | mode, 0);
        }
    }

    /**
     * A stream socket connected to the unix socket at {@code path} (close-on-exec); returns its fd.
     * A raw socket, not a {@code SocketChannel}: its descriptor number is needed for SCM_RIGHTS.
     */
    public static int connectUnix(String path) {
        byte[] name = path.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        if (name.length >= 108) throw new IllegalArgumentException("socket path too long: " + path);
        int fd = (int) syscall(SYS_SOCKET, "socket", "AF_UNIX", 1 /* AF_UNIX */, 1 | O_CLOEXEC /* SOCK_STREAM */, 0, 0);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment addr = arena.allocate(110, 2); // struct sockaddr_un: family, then the path
            addr.set(java.lang.foreign.ValueLayout.JAVA_SHORT, 0, (short) 1);
            MemorySegment.copy(name, 0, addr, java.lang.foreign.ValueLayout.JAVA_BYTE, 2, name.length);
            syscall(SYS_CONNECT, "connect", path, fd, addr.address(), 2 + name.length + 1, 0);
            return fd;
        } catch (RuntimeException e) {
            close(fd);
            throw e;
        }
    }

    /**
     * {@code prctl(PR_SET_PDEATHSIG, signal)} for the calling thread: the whole process gets
     * {@code signal} when its parent exits (while this thread lives).
     */
    public static void setParentDeathSignal(int signal) {
        syscall(SYS_PRCTL, "prctl", "PR_SET_PDEATHSIG", 1, signal, 0, 0);
    }

    /** {@code prctl(PR_SET_CHILD_SUBREAPER, 1)}: orphans below this process are reparented to it. */
    public static void becomeSubreaper() {
        syscall(SYS_PRCTL, "prctl", "PR_SET_CHILD_SUBREAPER", 36, 1, 0, 0);
    }

    /**
     * {@code wait4(pid, &status, 0, NULL)} for a child (or an orphan adopted as subreaper);
     * returns its raw wait status.
     */
    public static int waitForChild(int pid) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment status = arena.allocate(JAVA_INT);
            syscall(SYS_WAIT4, "wait4", "pid " + pid, pid, status.address(), 0, 0);
            return status.get(JAVA_INT, 0);
        }
    }

    /** The calling OS thread's id. */
    public static int gettid() {
        return (int) syscall(SYS_GETTID, "gettid", "", 0, 0, 0, 0);
    }

    /** One system call through the shared downcall; a negative result becomes a {@link SyscallException}. */
    static long syscall(long nr, String name, String detail, long a, long b, long c, long d) {
        return Ffi.checked(name, detail, st -> (long) Syscall.H.invokeExact(st, nr, a, b, c, d));
    }

    /** {@code setns(fd, nstype)} for the calling OS thread. */
    public static void setns(int fd, int nstype, String what) {
        syscall(SYS_SETNS, "setns", what, fd, nstype, 0, 0);
    }

    /** {@code unshare(flags)} for the calling OS thread. */
    public static void unshare(int flags, String what) {
        syscall(SYS_UNSHARE, "unshare", what, flags, 0, 0, 0);
    }

    public static int getpid() {
        try {
            return (int) Ids.GETPID.invokeExact();
        } catch (Throwable t) {
            throw Ffi.linkageFailure(t);
        }
    }

    public static int geteuid() {
        try {
            return (int) Ids.GETEUID.invokeExact();
        } catch (Throwable t) {
            throw Ffi.linkageFailure(t);
        }
    }

    public static int getegid() {
        try {
            return (int) Ids.GETEGID.invokeExact();
        } catch (Throwable t) {
            throw Ffi.linkageFailure(t);
        }
    }

    /** The C library's message for an errno. */
    public static String strerror(int errno) {
        try {
            MemorySegment s = (MemorySegment) Strerror.H.invokeExact(errno);
            return s.reinterpret(1024).getString(0);
        } catch (Throwable t) {
            throw Ffi.linkageFailure(t);
        }
    }

}
