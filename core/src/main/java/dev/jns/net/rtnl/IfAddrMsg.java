package dev.jns.net.rtnl;

import java.nio.ByteBuffer;
import java.util.List;

/** {@code struct ifaddrmsg} and its {@code IFA_*} attributes: one address on a link. */
public record IfAddrMsg(int family, int prefixLength, int flags, int scope, int index, List<Attribute> attributes)
        implements Body {
    static final int SIZE = 8;

    public IfAddrMsg {
        attributes = List.copyOf(attributes);
    }

    @Override
    public int size() { return SIZE + Attribute.encodedSize(attributes); }

    @Override
    public void encode(ByteBuffer out) {
        out.put((byte) family).put((byte) prefixLength).put((byte) flags).put((byte) scope).putInt(index);
        Attribute.encodeAll(attributes, out);
    }

    static IfAddrMsg decode(ByteBuffer in) {
        NetlinkCodec.require(in, SIZE, "ifaddrmsg");
        return new IfAddrMsg(in.get() & 0xff, in.get() & 0xff, in.get() & 0xff, in.get() & 0xff, in.getInt(),
                Attribute.decodeAll(in));
    }
}
