package dev.jns.net.rtnl;

import java.nio.ByteBuffer;
import java.util.List;

/** {@code struct rtmsg} and its {@code RTA_*} attributes: one route. */
public record RtMsg(int family, int dstLength, int srcLength, int tos, int table, int protocol, int scope,
                    int routeType, int flags, List<Attribute> attributes) implements Body {
    static final int SIZE = 12;

    public RtMsg {
        attributes = List.copyOf(attributes);
    }

    @Override
    public int size() { return SIZE + Attribute.encodedSize(attributes); }

    @Override
    public void encode(ByteBuffer out) {
        out.put((byte) family).put((byte) dstLength).put((byte) srcLength).put((byte) tos)
                .put((byte) table).put((byte) protocol).put((byte) scope).put((byte) routeType).putInt(flags);
        Attribute.encodeAll(attributes, out);
    }

    static RtMsg decode(ByteBuffer in) {
        NetlinkCodec.require(in, SIZE, "rtmsg");
        return new RtMsg(in.get() & 0xff, in.get() & 0xff, in.get() & 0xff, in.get() & 0xff, in.get() & 0xff,
                in.get() & 0xff, in.get() & 0xff, in.get() & 0xff, in.getInt(), Attribute.decodeAll(in));
    }
}
