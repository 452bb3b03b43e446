package dev.jns.net.rtnl;

import dev.jns.net.NetlinkException;
import dev.jns.os.Errno;
import dev.jns.sys.LibC;
import dev.jns.sys.Netlink;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@code NETLINK_ROUTE} socket and the request/answer protocol over it: every request
 * carries a fresh sequence number; answers with another sequence number (left over from an
 * abandoned request) are skipped; errors become {@link NetlinkException} with the kernel's
 * extended-ack text.
 *
 * <p>The socket works in the network namespace of the thread that opened it, for its whole
 * life, whichever thread uses it later. Methods are synchronized: one request at a time.
 */
public final class RtnlSocket implements AutoCloseable {
    /** The kernel sizes dump datagrams after the reader's buffer, up to 32 KiB; more is never needed but costs nothing. */
    private static final int RECEIVE_BUFFER = 64 * 1024;
    private static final int SOCKET_BUFFER = 1 << 20;
    private static final int DUMP_ATTEMPTS = 3;

    private final int fd;
    private int seq;
    private ByteBuffer rx = ByteBuffer.allocateDirect(RECEIVE_BUFFER).order(ByteOrder.nativeOrder());
    private ByteBuffer tx = ByteBuffer.allocateDirect(4096).order(ByteOrder.nativeOrder());
    private boolean closed;

    private RtnlSocket(int fd) {
        this.fd = fd;
        this.seq = (int) (System.nanoTime() & 0x3fffffff);
    }

    /** A socket in the calling thread's network namespace. */
    public static RtnlSocket open() {
        int fd = Netlink.socket(Netlink.NETLINK_ROUTE);
        try {
            Netlink.setIntOption(fd, Netlink.SOL_SOCKET, Netlink.SO_RCVBUF, SOCKET_BUFFER, "SO_RCVBUF");
            Netlink.setIntOption(fd, Netlink.SOL_NETLINK, Netlink.NETLINK_EXT_ACK, 1, "NETLINK_EXT_ACK");
            // Errors then echo only the request's header, not the whole (possibly large) request.
            Netlink.setIntOption(fd, Netlink.SOL_NETLINK, Netlink.NETLINK_CAP_ACK, 1, "NETLINK_CAP_ACK");
            // Dump requests are checked and their filters honoured (a namespace-id dump's
            // target, say), as for iproute2, instead of silently ignored.
            Netlink.setIntOption(fd, Netlink.SOL_NETLINK, Netlink.NETLINK_GET_STRICT_CHK, 1, "NETLINK_GET_STRICT_CHK");
            Netlink.bind(fd);
            return new RtnlSocket(fd);
        } catch (RuntimeException e) {
            LibC.close(fd);
            throw e;
        }
    }

    /**
     * Sends a request that changes something and waits for the kernel's ACK.
     *
     * @param flags extra flags such as {@link Rtnl#NLM_F_CREATE} | {@link Rtnl#NLM_F_EXCL}
     * @param what  the request in words, for the error message
     */
    public synchronized void execute(int type, int flags, Body body, String what) {
        exchange(type, flags, body, what);
    }

    /** Sends a request that has one answer (RTM_GETNSID, RTM_GETLINK by name) and returns the answer. */
    public synchronized NetlinkMessage query(int type, Body body, String what) {
        List<NetlinkMessage> answers = exchange(type, 0, body, what);
        if (answers.size() != 1) {
            throw new MalformedMessageException(what + ": expected one answer, got " + answers.size());
        }
        return answers.getFirst();
    }

    /**
     * A dump: every object of a kind, over as many datagrams as it takes, up to NLMSG_DONE.
     * A dump that the kernel marks as interrupted (the table changed meanwhile) is redone.
     */
    public synchronized List<NetlinkMessage> dump(int type, Body body, String what) {
        for (int attempt = 1; attempt < DUMP_ATTEMPTS; attempt++) {
            Dump d = dumpOnce(type, body, what);
            if (!d.interrupted()) return d.messages();
        }
        Dump last = dumpOnce(type, body, what);
        if (last.interrupted()) {
            throw new NetlinkException(what + " (the table kept changing during " + DUMP_ATTEMPTS + " dumps)",
                    Errno.EINTR, null);
        }
        return last.messages();
    }

    private record Dump(List<NetlinkMessage> messages, boolean interrupted) {}

    private Dump dumpOnce(int type, Body body, String what) {
        int mine = send(type, Rtnl.NLM_F_DUMP, body);
        List<NetlinkMessage> out = new ArrayList<>();
        boolean interrupted = false;
        while (true) {
            for (NetlinkMessage m : receive()) {
                if (m.seq() != mine) continue;
                interrupted |= m.hasFlag(Rtnl.NLM_F_DUMP_INTR);
                switch (m.body()) {
                    case NlMsgDone done -> {
                        if (done.error() < 0) {
                            throw new NetlinkException(what, -done.error(), done.kernelMessage().orElse(null));
                        }
                        return new Dump(List.copyOf(out), interrupted);
                    }
                    case NlMsgErr err -> throw new NetlinkException(what, -err.error(), err.kernelMessage().orElse(null));
                    default -> out.add(m);
                }
            }
        }
    }

    /** Sends with NLM_F_ACK and collects the answers up to the ACK; a non-zero error throws. */
    private List<NetlinkMessage> exchange(int type, int flags, Body body, String what) {
        int mine = send(type, flags | Rtnl.NLM_F_ACK, body);
        List<NetlinkMessage> answers = new ArrayList<>();
        while (true) {
            for (NetlinkMessage m : receive()) {
                if (m.seq() != mine) continue;
                if (m.body() instanceof NlMsgErr err) {
                    if (err.error() != 0) {
                        throw new NetlinkException(what, -err.error(), err.kernelMessage().orElse(null));
                    }
                    return List.copyOf(answers);
                }
                answers.add(m);
            }
        }
    }

    private int send(int type, int flags, Body body) {
        ensureOpen();
        int mine = ++seq;
        NetlinkMessage m = new NetlinkMessage(type, Rtnl.NLM_F_REQUEST | flags, mine, 0, body);
        int size = Attribute.align(NetlinkCodec.HEADER + body.size());
        if (tx.capacity() < size) tx = ByteBuffer.allocateDirect(size).order(ByteOrder.nativeOrder());
        tx.clear();
        NetlinkCodec.encode(m, tx);
        tx.flip();
        Netlink.sendToKernel(fd, tx);
        return mine;
    }

    /** One datagram. Peeks first with MSG_TRUNC to learn its size, so that no datagram is ever cut short. */
    private List<NetlinkMessage> receive() {
        rx.clear();
        int size = Netlink.receive(fd, rx, Netlink.MSG_PEEK | Netlink.MSG_TRUNC);
        if (size > rx.capacity()) rx = ByteBuffer.allocateDirect(size).order(ByteOrder.nativeOrder());
        rx.clear();
        int n = Netlink.receive(fd, rx, 0);
        rx.limit(n);
        return NetlinkCodec.decode(rx);
    }

    private void ensureOpen() {
        if (closed) throw new IllegalStateException("netlink socket is closed");
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            LibC.close(fd);
        }
    }
}
