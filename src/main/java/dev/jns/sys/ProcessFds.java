package dev.jns.sys;

import java.lang.foreign.FunctionDescriptor;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Reaching into another process's open files: {@code pidfd_getfd} duplicates one of its
 * fds into ours, which works for sockets where opening {@code /proc/PID/fd/N} does not.
 * Needs ptrace access to the process (root, or same uid without restrictions).
 */
public final class ProcessFds {
    private static final long SYS_PIDFD_GETFD = 438;
    private static final long SIOCGSKNS = 0x894C;

    private static final class Syscall3 {
        static final MethodHandle H = Ffi.errnoCall("syscall",
                FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG), 1);
    }

    private ProcessFds() {}

    /** A duplicate of process {@code pid}'s fd {@code fd} (close-on-exec), owned by the caller. */
    public static int duplicate(int pid, int fd) {
        int pidfd = LibC.pidfdOpen(pid, 0);
        try {
            return (int) Ffi.checked("pidfd_getfd", "(" + pidfd + ", " + fd + ")",
                    st -> (long) Syscall3.H.invokeExact(st, SYS_PIDFD_GETFD, (long) pidfd, (long) fd, 0L));
        } finally {
            LibC.close(pidfd);
        }
    }

    /** An nsfs fd on the net namespace a socket was created in ({@code SIOCGSKNS}). */
    public static int socketNetNamespace(int socketFd) {
        return LibC.ioctl(socketFd, SIOCGSKNS, 0, "SIOCGSKNS");
    }

    /** The inode of a pidfd on process {@code pid}: what {@code nsenter -t PID:INODE} names it by. */
    public static long pidfdInode(int pid) {
        int pidfd = LibC.pidfdOpen(pid, 0);
        try {
            return LibC.fstat(pidfd).ino();
        } finally {
            LibC.close(pidfd);
        }
    }
}
