package dev.jns.os;

import dev.jns.sys.LibC;
import dev.jns.sys.ProcessFds;

/** Facts about processes that take a system call to learn, and this process's tie to its parent. */
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

    /**
     * This process gets {@code signal} when its parent exits ({@code prctl(PR_SET_PDEATHSIG)}),
     * for as long as the calling thread lives: the setting belongs to a thread, so call it
     * from one that lasts as long as the need (the main thread, say).
     *
     * @param signal the signal number, e.g. {@link Signals#SIGKILL}
     * @throws SyscallException if the kernel refuses the signal number ({@code EINVAL})
     */
    public static void signalOnParentDeath(int signal) {
        LibC.setParentDeathSignal(signal);
    }
}
