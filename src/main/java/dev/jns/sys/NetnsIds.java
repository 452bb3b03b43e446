package dev.jns.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * Asks the kernel, over an rtnetlink socket, which id the caller's net namespace has given
 * another net namespace ({@code RTM_GETNSID} with {@code NETNSA_FD}) — the NETNSID that
 * {@code ip netns list-id} and lsns show. One socket serves many queries.
 */
public final class NetnsIds implements AutoCloseable {
    /** The kernel's answer when the namespace has no id here ({@code NETNSA_NSID_NOT_ASSIGNED}). */
    public static final int NOT_ASSIGNED = -1;

    private static final int AF_NETLINK = 16, SOCK_RAW = 3, SOCK_CLOEXEC = 0x80000, NETLINK_ROUTE = 0;
    private static final short RTM_NEWNSID = 88, RTM_GETNSID = 90, NLMSG_ERROR = 2, NLM_F_REQUEST = 1;
    private static final short NETNSA_NSID = 1, NETNSA_FD = 3;
    // nlmsghdr (16) + rtgenmsg padded to 4 + rtattr header (4) + int32
    private static final int HDR = 16, REQUEST_LEN = HDR + 4 + 4 + 4;

    private static final class Socket {
        static final MethodHandle H = Ffi.errnoCall("socket",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT), -1);
    }
    private static final class Send {
        static final MethodHandle H = Ffi.errnoCall("send",
                FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT), -1);
    }
    private static final class Recv {
        static final MethodHandle H = Ffi.errnoCall("recv",
                FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT), -1);
    }

    private final int fd;
    private int seq;

    private NetnsIds(int fd) {
        this.fd = fd;
    }

    /** Opens an {@code AF_NETLINK/NETLINK_ROUTE} socket. */
    public static NetnsIds open() {
        int fd = (int) Ffi.checked("socket", "AF_NETLINK NETLINK_ROUTE",
                st -> (int) Socket.H.invokeExact(st, AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE));
        return new NetnsIds(fd);
    }

    /**
     * The id of the net namespace open as {@code nsfd}, or {@link #NOT_ASSIGNED}.
     *
     * @throws SyscallException when the kernel refuses the request
     */
    public int idOf(int nsfd) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment req = arena.allocate(REQUEST_LEN, 4);
            req.set(JAVA_INT, 0, REQUEST_LEN);
            req.set(JAVA_SHORT, 4, RTM_GETNSID);
            req.set(JAVA_SHORT, 6, NLM_F_REQUEST);
            req.set(JAVA_INT, 8, ++seq);
            req.set(JAVA_BYTE, HDR, (byte) 0); // rtgen_family = AF_UNSPEC
            req.set(JAVA_SHORT, HDR + 4, (short) 8);
            req.set(JAVA_SHORT, HDR + 6, NETNSA_FD);
            req.set(JAVA_INT, HDR + 8, nsfd);
            Ffi.checked("send", "RTM_GETNSID", st -> (long) Send.H.invokeExact(st, fd, req, (long) REQUEST_LEN, 0));

            MemorySegment res = arena.allocate(1024, 4);
            long n = Ffi.checked("recv", "RTM_GETNSID", st -> (long) Recv.H.invokeExact(st, fd, res, 1024L, 0));
            return parseReply(res.asSlice(0, n));
        }
    }

    private static int parseReply(MemorySegment res) {
        if (res.byteSize() < HDR) throw new IllegalStateException("short netlink reply");
        short type = res.get(JAVA_SHORT, 4);
        if (type == NLMSG_ERROR) {
            int err = -res.get(JAVA_INT, HDR);
            throw new SyscallException("RTM_GETNSID", "", err);
        }
        if (type != RTM_NEWNSID) throw new IllegalStateException("unexpected netlink reply type " + type);
        int len = Math.min(res.get(JAVA_INT, 0), (int) res.byteSize());
        for (int off = HDR + 4; off + 4 <= len; ) {
            int alen = Short.toUnsignedInt(res.get(JAVA_SHORT, off));
            short atype = res.get(JAVA_SHORT, off + 2);
            if (alen < 4) break;
            if (atype == NETNSA_NSID && alen >= 8) return res.get(JAVA_INT, off + 4);
            off += (alen + 3) & ~3;
        }
        return NOT_ASSIGNED;
    }

    @Override
    public void close() {
        LibC.close(fd);
    }
}
