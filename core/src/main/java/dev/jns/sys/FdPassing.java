package dev.jns.sys;

import dev.jns.os.SyscallException;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * {@code sendmsg(2)} with {@code SCM_RIGHTS}: hands open descriptors to the process at the
 * other end of a unix socket, any kind of descriptor (a socket cannot be reopened through
 * {@code /proc/PID/fd}, but it can be sent).
 */
public final class FdPassing {
    private static final int SOL_SOCKET = 1, SCM_RIGHTS = 1, MSG_NOSIGNAL = 0x4000, MSG_CMSG_CLOEXEC = 0x40000000;
    private static final int ECONNRESET = 104, EPROTO = 71;
    // struct msghdr (x86_64): name(8) namelen(4)+pad(4) iov(8) iovlen(8) control(8) controllen(8) flags(4)+pad(4)
    private static final long MSGHDR_SIZE = 56;
    // struct cmsghdr: len(8) level(4) type(4), then the data, padded to 8
    private static final long CMSG_HEADER = 16;

    private FdPassing() {}

    /** Sends {@code fds} over the unix socket {@code socket} as one message (one byte of data carrying them). */
    public static void send(int socket, int[] fds) {
        send(socket, new byte[] {'f'}, fds);
    }

    /**
     * Sends {@code data} with {@code fds} over the unix socket {@code socket} as one message.
     *
     * @param socket the socket
     * @param data   the bytes (at least one)
     * @param fds    the descriptors
     */
    public static void send(int socket, byte[] data, int[] fds) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment bytes = arena.allocate(data.length);
            MemorySegment.copy(data, 0, bytes, JAVA_BYTE, 0, data.length);
            MemorySegment iov = arena.allocate(16, 8);
            iov.set(ADDRESS, 0, bytes);
            iov.set(JAVA_LONG, 8, data.length);
            long cmsgLen = CMSG_HEADER + 4L * fds.length;
            long cmsgSpace = (cmsgLen + 7) & ~7L;
            MemorySegment control = arena.allocate(cmsgSpace, 8);
            control.set(JAVA_LONG, 0, cmsgLen);
            control.set(JAVA_INT, 8, SOL_SOCKET);
            control.set(JAVA_INT, 12, SCM_RIGHTS);
            for (int i = 0; i < fds.length; i++) control.set(JAVA_INT, CMSG_HEADER + 4L * i, fds[i]);
            MemorySegment msg = arena.allocate(MSGHDR_SIZE, 8);
            msg.set(ADDRESS, 16, iov);
            msg.set(JAVA_LONG, 24, 1);
            msg.set(ADDRESS, 32, control);
            msg.set(JAVA_LONG, 40, cmsgSpace);
            // sendmsg through LibC's one syscall shape: a downcall shape of its own would cost
            // cold start-up time (the linker spins a stub per shape, which no AOT cache keeps).
            LibC.sendmsg(socket, msg, MSG_NOSIGNAL, fds.length + " descriptors over fd " + socket);
        }
    }

    /**
     * Receives one message carrying one descriptor (close-on-exec) from the unix socket {@code socket}.
     *
     * @param socket the socket
     * @return the descriptor
     * @throws SyscallException if recvmsg fails, or EPROTO if the message carried no descriptor
     *                          (EOF, the sender gone, is ECONNRESET)
     */
    public static int receiveOne(int socket) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment data = arena.allocate(16);
            MemorySegment iov = arena.allocate(16, 8);
            iov.set(ADDRESS, 0, data);
            iov.set(JAVA_LONG, 8, data.byteSize());
            long cmsgSpace = CMSG_HEADER + 8;
            MemorySegment control = arena.allocate(cmsgSpace, 8);
            MemorySegment msg = arena.allocate(MSGHDR_SIZE, 8);
            msg.set(ADDRESS, 16, iov);
            msg.set(JAVA_LONG, 24, 1);
            msg.set(ADDRESS, 32, control);
            msg.set(JAVA_LONG, 40, cmsgSpace);
            String what = "a descriptor from fd " + socket;
            long n = LibC.recvmsg(socket, msg, MSG_CMSG_CLOEXEC, what);
            if (n == 0) throw new SyscallException("recvmsg", what, ECONNRESET);
            long controlLen = msg.get(JAVA_LONG, 40);
            if (controlLen < CMSG_HEADER + 4 || control.get(JAVA_INT, 8) != SOL_SOCKET || control.get(JAVA_INT, 12) != SCM_RIGHTS
                    || control.get(JAVA_LONG, 0) != CMSG_HEADER + 4) {
                throw new SyscallException("recvmsg", what, EPROTO);
            }
            return control.get(JAVA_INT, CMSG_HEADER);
        }
    }
}
