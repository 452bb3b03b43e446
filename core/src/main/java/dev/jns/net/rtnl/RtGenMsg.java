package dev.jns.net.rtnl;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * {@code struct rtgenmsg} (one family byte, padded to 4 on the wire) and attributes: the
 * body of the network-namespace-id messages ({@code RTM_*NSID}, {@code NETNSA_*}).
 */
public record RtGenMsg(int family, List<Attribute> attributes) implements Body {
    static final int SIZE = 4;

    public RtGenMsg {
        attributes = List.copyOf(attributes);
    }

    @Override
    public int size() { return SIZE + Attribute.encodedSize(attributes); }

    @Override
    public void encode(ByteBuffer out) {
        out.put((byte) family).put((byte) 0).putShort((short) 0);
        Attribute.encodeAll(attributes, out);
    }

    static RtGenMsg decode(ByteBuffer in) {
        NetlinkCodec.require(in, SIZE, "rtgenmsg");
        int family = in.get() & 0xff;
        in.position(in.position() + 3);
        return new RtGenMsg(family, Attribute.decodeAll(in));
    }
}
