package dev.jns.sys;

/**
 * Reaching into another process's open files: {@code pidfd_getfd} duplicates one of its
 * fds into ours, which works for sockets where opening {@code /proc/PID/fd/N} does not.
 * Needs ptrace access to the process (root, or same uid without restrictions).
 */
public final class ProcessFds {
    private static final long SIOCGSKNS = 0x894C;

    private ProcessFds() {}

    /** A duplicate of process {@code pid}'s fd {@code fd} (close-on-exec), owned by the caller. */
    public static int duplicate(int pid, int fd) {
        int pidfd = LibC.pidfdOpen(pid, 0);
        try {
            // Through LibC's one syscall shape: each downcall shape costs cold start-up time.
            return LibC.pidfdGetfd(pidfd, fd);
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
