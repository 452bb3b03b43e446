package dev.jns.net.rtnl;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Netlink framing: messages to bytes and bytes (one received datagram, which may hold
 * many messages) to messages. The body's struct is chosen by the message type.
 */
public final class NetlinkCodec {
    static final int HEADER = 16;

    private NetlinkCodec() {}

    /** Writes the message at the buffer's position; the buffer must be in native byte order. */
    public static void encode(NetlinkMessage m, ByteBuffer out) {
        int start = out.position();
        out.putInt(HEADER + m.body().size()).putShort((short) m.type()).putShort((short) m.flags())
                .putInt(m.seq()).putInt(m.portId());
        m.body().encode(out);
        Attribute.pad(out, start);
    }

    /** The message as a fresh native-order array. */
    public static byte[] encode(NetlinkMessage m) {
        ByteBuffer b = ByteBuffer.allocate(Attribute.align(HEADER + m.body().size())).order(ByteOrder.nativeOrder());
        encode(m, b);
        return b.array();
    }

    /**
     * Decodes every message between the buffer's position and limit. The bytes are copied
     * once; the messages' attributes are read-only views of that copy, so the caller may
     * reuse its buffer.
     */
    public static List<NetlinkMessage> decode(ByteBuffer datagram) {
        byte[] copy = new byte[datagram.remaining()];
        datagram.get(datagram.position(), copy);
        ByteBuffer in = ByteBuffer.wrap(copy).asReadOnlyBuffer().order(ByteOrder.nativeOrder());
        List<NetlinkMessage> out = new ArrayList<>();
        while (in.remaining() >= HEADER) {
            int start = in.position();
            int len = in.getInt();
            if (len < HEADER || len - 4 > in.remaining()) {
                throw new MalformedMessageException("netlink message claims " + len + " bytes, "
                        + (in.remaining() + 4) + " left in the datagram");
            }
            int type = in.getShort() & 0xffff;
            int flags = in.getShort() & 0xffff;
            int seq = in.getInt();
            int port = in.getInt();
            ByteBuffer body = in.slice(in.position(), len - HEADER).order(ByteOrder.nativeOrder());
            out.add(new NetlinkMessage(type, flags, seq, port, decodeBody(type, flags, body)));
            in.position(Math.min(in.limit(), start + Attribute.align(len)));
        }
        return List.copyOf(out);
    }

    private static Body decodeBody(int type, int flags, ByteBuffer body) {
        return switch (type) {
            case Rtnl.NLMSG_ERROR -> NlMsgErr.decode(body, flags);
            case Rtnl.NLMSG_DONE -> NlMsgDone.decode(body, flags);
            case Rtnl.RTM_NEWLINK, Rtnl.RTM_DELLINK, Rtnl.RTM_GETLINK, Rtnl.RTM_SETLINK -> IfInfoMsg.decode(body);
            case Rtnl.RTM_NEWADDR, Rtnl.RTM_DELADDR, Rtnl.RTM_GETADDR -> IfAddrMsg.decode(body);
            case Rtnl.RTM_NEWROUTE, Rtnl.RTM_DELROUTE, Rtnl.RTM_GETROUTE -> RtMsg.decode(body);
            case Rtnl.RTM_NEWNSID, Rtnl.RTM_DELNSID, Rtnl.RTM_GETNSID -> RtGenMsg.decode(body);
            default -> {
                byte[] raw = new byte[body.remaining()];
                body.get(raw);
                yield new RawBody(raw);
            }
        };
    }

    static void require(ByteBuffer in, int size, String struct) {
        if (in.remaining() < size) {
            throw new MalformedMessageException(struct + " needs " + size + " bytes, message has " + in.remaining());
        }
    }
}
