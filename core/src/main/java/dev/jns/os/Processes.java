package dev.jns.os;

import dev.jns.sys.ProcessFds;

/** Facts about other processes that take a system call to learn. */
public final class Processes {
    private Processes() {}

    /**
     * The inode of a pidfd on {@code pid} ({@code pidfd_open}, {@code fstat}): with the pid it
     * names one process for good, as {@code nsenter -t PID:INODE} does, since pids are reused.
     *
     * @param pid the process id
     * @return the inode number
     * @throws SyscallException if there is no such process ({@code pidfd_open}: ESRCH)
     */
    public static long pidfdInode(int pid) {
        return ProcessFds.pidfdInode(pid);
    }
}
