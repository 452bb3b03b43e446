package dev.jns.net.rtnl;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * {@code struct ifinfomsg} and its {@code IFLA_*} attributes: one network link.
 *
 * @param change which bits of {@code flags} a request changes (the kernel ignores flags outside it)
 */
public record IfInfoMsg(int family, int linkType, int index, int flags, int change, List<Attribute> attributes)
        implements Body {
    static final int SIZE = 16;

    public IfInfoMsg {
        attributes = List.copyOf(attributes);
    }

    /** A request body naming a link by index (0 for "by name" or "new") with the given attributes. */
    public static IfInfoMsg request(int index, List<Attribute> attributes) {
        return new IfInfoMsg(Rtnl.AF_UNSPEC, 0, index, 0, 0, attributes);
    }

    @Override
    public int size() { return SIZE + Attribute.encodedSize(attributes); }

    @Override
    public void encode(ByteBuffer out) {
        out.put((byte) family).put((byte) 0).putShort((short) linkType).putInt(index).putInt(flags).putInt(change);
        Attribute.encodeAll(attributes, out);
    }

    static IfInfoMsg decode(ByteBuffer in) {
        NetlinkCodec.require(in, SIZE, "ifinfomsg");
        int family = in.get() & 0xff;
        in.get();
        int type = in.getShort() & 0xffff;
        return new IfInfoMsg(family, type, in.getInt(), in.getInt(), in.getInt(), Attribute.decodeAll(in));
    }
}
