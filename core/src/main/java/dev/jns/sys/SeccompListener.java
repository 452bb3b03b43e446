package dev.jns.sys;

import dev.jns.os.SyscallException;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * The ioctls of a seccomp notification listener ({@code seccomp_unotify(2)}), with the
 * x86_64 layouts of {@code struct seccomp_notif} (80 bytes) and {@code struct
 * seccomp_notif_resp} (24 bytes).
 */
public final class SeccompListener {
    private static final long SYS_POLL = 7;
    private static final long NOTIF_RECV = 0xc0502100L, NOTIF_SEND = 0xc0182101L, NOTIF_ID_VALID = 0x40082102L;
    private static final short POLLIN = 1, POLLHUP = 0x10;
    private static final int EINTR = 4, ENOENT = 2;
    /** {@code SECCOMP_USER_NOTIF_FLAG_CONTINUE}: the call goes on in the kernel as if allowed. */
    public static final int FLAG_CONTINUE = 1;

    private SeccompListener() {}

    /**
     * Waits until a notification is pending or no process is left under the filter.
     *
     * @param listener  the listener's descriptor
     * @param timeoutMs how long to wait at most (-1: no limit)
     * @return 1 a notification is pending, 0 the time ran out, -1 nobody is left to notify
     */
    public static int await(int listener, int timeoutMs) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment p = arena.allocate(8, 4); // struct pollfd: fd, events, revents
            p.set(JAVA_INT, 0, listener);
            p.set(JAVA_SHORT, 4, POLLIN);
            while (true) {
                try {
                    if (LibC.syscall(SYS_POLL, "poll", "seccomp listener fd " + listener, p.address(), 1, timeoutMs, 0) == 0) {
                        return 0;
                    }
                } catch (SyscallException e) {
                    if (e.errno() == EINTR) continue;
                    throw e;
                }
                short revents = p.get(JAVA_SHORT, 6);
                return (revents & POLLIN) != 0 ? 1 : (revents & POLLHUP) != 0 ? -1 : 0;
            }
        }
    }

    /**
     * {@code SECCOMP_IOCTL_NOTIF_RECV}: takes the pending notification (waits for one if none is).
     *
     * @param listener the listener's descriptor
     * @return id, pid, syscall nr, arch, instruction pointer, args 0 to 5; or null if the
     *         notifying call went away before it was taken (ENOENT: its process was killed)
     */
    public static long[] receive(int listener) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment n = arena.allocate(80, 8); // zeroed, as the kernel requires
            while (true) {
                try {
                    LibC.syscall(LibC.SYS_IOCTL, "ioctl", "SECCOMP_IOCTL_NOTIF_RECV on fd " + listener, listener, NOTIF_RECV,
                            n.address(), 0);
                    break;
                } catch (SyscallException e) {
                    if (e.errno() == EINTR) continue;
                    if (e.errno() == ENOENT) return null;
                    throw e;
                }
            }
            long[] out = new long[11];
            out[0] = n.get(JAVA_LONG, 0);
            out[1] = n.get(JAVA_INT, 8);
            out[2] = n.get(JAVA_INT, 16);
            out[3] = n.get(JAVA_INT, 20) & 0xffffffffL;
            out[4] = n.get(JAVA_LONG, 24);
            for (int i = 0; i < 6; i++) out[5 + i] = n.get(JAVA_LONG, 32 + 8L * i);
            return out;
        }
    }

    /**
     * {@code SECCOMP_IOCTL_NOTIF_SEND}: answers notification {@code id}.
     *
     * @param listener the listener's descriptor
     * @param id       the notification's id
     * @param value    the call's return value (when {@code error} is 0 and no flag is set)
     * @param error    0, or a negated errno the call fails with
     * @param flags    0 or {@link #FLAG_CONTINUE}
     * @return false if the notification is no longer pending (ENOENT: its process was killed, or it was answered)
     */
    public static boolean respond(int listener, long id, long value, int error, int flags) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment r = arena.allocate(24, 8);
            r.set(JAVA_LONG, 0, id);
            r.set(JAVA_LONG, 8, value);
            r.set(JAVA_INT, 16, error);
            r.set(JAVA_INT, 20, flags);
            LibC.syscall(LibC.SYS_IOCTL, "ioctl", "SECCOMP_IOCTL_NOTIF_SEND on fd " + listener, listener, NOTIF_SEND,
                    r.address(), 0);
            return true;
        } catch (SyscallException e) {
            if (e.errno() == ENOENT) return false;
            throw e;
        }
    }

    /**
     * {@code SECCOMP_IOCTL_NOTIF_ID_VALID}: whether notification {@code id} is still pending
     * (its process still waits in that call).
     *
     * @param listener the listener's descriptor
     * @param id       the notification's id
     * @return whether it is
     */
    public static boolean isPending(int listener, long id) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment i = arena.allocate(JAVA_LONG);
            i.set(JAVA_LONG, 0, id);
            LibC.syscall(LibC.SYS_IOCTL, "ioctl", "SECCOMP_IOCTL_NOTIF_ID_VALID on fd " + listener, listener, NOTIF_ID_VALID,
                    i.address(), 0);
            return true;
        } catch (SyscallException e) {
            if (e.errno() == ENOENT) return false;
            throw e;
        }
    }
}
