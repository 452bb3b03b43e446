package dev.jns.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.ByteBuffer;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * The socket calls a netlink client needs: {@code socket}, {@code bind}, {@code setsockopt},
 * {@code sendto}, {@code recvfrom}. Buffers cross as direct {@link ByteBuffer}s so that
 * callers outside this package never see {@code java.lang.foreign}.
 *
 * <p>A netlink socket belongs to the network namespace of the thread that created it, for
 * its whole life, whichever thread later uses it.
 */
public final class Netlink {
    public static final int AF_NETLINK = 16, NETLINK_ROUTE = 0;
    public static final int SOL_SOCKET = 1, SO_RCVBUF = 8;
    public static final int SOL_NETLINK = 270, NETLINK_CAP_ACK = 10, NETLINK_EXT_ACK = 11,
            NETLINK_GET_STRICT_CHK = 12;
    public static final int MSG_PEEK = 0x2, MSG_TRUNC = 0x20;

    private static final int SOCK_RAW = 3, SOCK_CLOEXEC = 0x80000;
    private static final int SOCKADDR_NL_SIZE = 12; // family(2) pad(2) pid(4) groups(4)

    private Netlink() {}

    private static final class Socket {
        static final MethodHandle H = Ffi.errnoCall("socket",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT), -1);
    }
    private static final class Bind {
        static final MethodHandle H = Ffi.errnoCall("bind",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT), -1);
    }
    private static final class SetSockOpt {
        static final MethodHandle H = Ffi.errnoCall("setsockopt",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT), -1);
    }
    private static final class SendTo {
        static final MethodHandle H = Ffi.errnoCall("sendto",
                FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT), -1);
    }
    private static final class RecvFrom {
        static final MethodHandle H = Ffi.errnoCall("recvfrom",
                FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, ADDRESS), -1);
    }

    /** A new {@code AF_NETLINK} raw socket (close-on-exec) for the given protocol; returns the fd. */
    public static int socket(int protocol) {
        return (int) Ffi.checked("socket", "AF_NETLINK protocol " + protocol,
                st -> (int) Socket.H.invokeExact(st, AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, protocol));
    }

    /** Binds to a kernel-chosen port id and no multicast groups. */
    public static void bind(int fd) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment addr = kernelAddress(arena);
            Ffi.checked("bind", "netlink fd " + fd, st -> (int) Bind.H.invokeExact(st, fd, addr, SOCKADDR_NL_SIZE));
        }
    }

    /** {@code setsockopt(fd, level, name, &value, sizeof(int))}. */
    public static void setIntOption(int fd, int level, int name, int value, String what) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment v = arena.allocateFrom(JAVA_INT, value);
            Ffi.checked("setsockopt", what + " on fd " + fd,
                    st -> (int) SetSockOpt.H.invokeExact(st, fd, level, name, v, (int) JAVA_INT.byteSize()));
        }
    }

    /** Sends the bytes between the buffer's position and limit to the kernel (port 0) as one datagram. */
    public static void sendToKernel(int fd, ByteBuffer message) {
        MemorySegment data = MemorySegment.ofBuffer(message);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment addr = kernelAddress(arena);
            long sent = Ffi.checked("sendto", "netlink fd " + fd,
                    st -> (long) SendTo.H.invokeExact(st, fd, data, data.byteSize(), 0, addr, SOCKADDR_NL_SIZE));
            if (sent != data.byteSize()) {
                throw new IllegalStateException("netlink sendto sent " + sent + " of " + data.byteSize() + " bytes");
            }
        }
    }

    /**
     * Receives one datagram into the buffer (from its position, up to its limit). With
     * {@link #MSG_TRUNC} the result is the datagram's real length even when it did not fit;
     * with {@link #MSG_PEEK} it stays queued.
     */
    public static int receive(int fd, ByteBuffer into, int flags) {
        MemorySegment data = MemorySegment.ofBuffer(into);
        return (int) Ffi.checked("recvfrom", "netlink fd " + fd,
                st -> (long) RecvFrom.H.invokeExact(st, fd, data, data.byteSize(), flags,
                        MemorySegment.NULL, MemorySegment.NULL));
    }

    private static MemorySegment kernelAddress(Arena arena) {
        MemorySegment addr = arena.allocate(SOCKADDR_NL_SIZE, 4);
        addr.set(JAVA_SHORT, 0, (short) AF_NETLINK);
        return addr;
    }
}
