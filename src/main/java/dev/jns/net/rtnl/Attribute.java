package dev.jns.net.rtnl;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * One netlink attribute ({@code struct nlattr} and its payload). The value is kept as the
 * raw bytes; the typed accessors read it the way the kernel wrote it (host byte order for
 * numbers, NUL-terminated strings, nested attribute lists). Immutable.
 *
 * @param type the attribute type without the {@code NLA_F_NESTED}/{@code NLA_F_NET_BYTEORDER} bits
 */
public record Attribute(int type, byte[] value) {
    static final int HEADER = 4;
    private static final int TYPE_MASK = 0x3fff;

    public Attribute {
        type &= TYPE_MASK;
        value = value.clone();
    }

    @Override
    public byte[] value() { return value.clone(); }

    public static Attribute u8(int type, int v) {
        return new Attribute(type, new byte[] {(byte) v});
    }

    public static Attribute u32(int type, int v) {
        return new Attribute(type, ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(v).array());
    }

    /** A NUL-terminated string, as the kernel expects names. */
    public static Attribute string(int type, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return new Attribute(type, Arrays.copyOf(b, b.length + 1));
    }

    /** An address in network byte order (4 bytes for IPv4, 16 for IPv6). */
    public static Attribute address(int type, InetAddress a) {
        return new Attribute(type, a.getAddress());
    }

    /** Attributes nested inside this one. */
    public static Attribute nested(int type, List<Attribute> children) {
        ByteBuffer b = ByteBuffer.allocate(encodedSize(children)).order(ByteOrder.nativeOrder());
        encodeAll(children, b);
        return new Attribute(type, b.array());
    }

    /** A whole message body (a struct and its attributes) as this attribute's payload, like VETH_INFO_PEER. */
    public static Attribute body(int type, Body body) {
        ByteBuffer b = ByteBuffer.allocate(body.size()).order(ByteOrder.nativeOrder());
        body.encode(b);
        return new Attribute(type, b.array());
    }

    public int asU8() { return value[0] & 0xff; }

    public int asInt() {
        return ByteBuffer.wrap(value).order(ByteOrder.nativeOrder()).getInt();
    }

    /** The string up to its NUL (or the whole value when there is none). */
    public String asString() {
        int end = 0;
        while (end < value.length && value[end] != 0) end++;
        return new String(value, 0, end, StandardCharsets.UTF_8);
    }

    public List<Attribute> asNested() {
        return decodeAll(ByteBuffer.wrap(value).order(ByteOrder.nativeOrder()));
    }

    public InetAddress asInetAddress() {
        try {
            return InetAddress.getByAddress(value);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("attribute " + type + " is not an address: " + value.length + " bytes", e);
        }
    }

    /** Bytes on the wire, including the header and the padding to 4. */
    int encodedSize() {
        return align(HEADER + value.length);
    }

    void encode(ByteBuffer out) {
        int start = out.position();
        out.putShort((short) (HEADER + value.length)).putShort((short) type).put(value);
        pad(out, start);
    }

    static int encodedSize(List<Attribute> attrs) {
        int n = 0;
        for (Attribute a : attrs) n += a.encodedSize();
        return n;
    }

    static void encodeAll(List<Attribute> attrs, ByteBuffer out) {
        for (Attribute a : attrs) a.encode(out);
    }

    /** Reads attributes from the buffer's position to its limit. */
    static List<Attribute> decodeAll(ByteBuffer in) {
        List<Attribute> out = new ArrayList<>();
        while (in.remaining() >= HEADER) {
            int start = in.position();
            int len = in.getShort() & 0xffff;
            int type = in.getShort() & 0xffff;
            if (len < HEADER || len - HEADER > in.remaining()) {
                throw new MalformedMessageException("attribute of type " + (type & TYPE_MASK) + " claims "
                        + len + " bytes, " + (in.remaining() + HEADER) + " left");
            }
            byte[] v = new byte[len - HEADER];
            in.get(v);
            out.add(new Attribute(type, v));
            in.position(Math.min(in.limit(), start + align(len)));
        }
        return List.copyOf(out);
    }

    static int align(int n) {
        return (n + 3) & ~3;
    }

    static void pad(ByteBuffer out, int start) {
        while ((out.position() - start) % 4 != 0) out.put((byte) 0);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Attribute a && a.type == type && Arrays.equals(a.value, value);
    }

    @Override
    public int hashCode() { return 31 * type + Arrays.hashCode(value); }

    @Override
    public String toString() { return "Attribute[" + type + "=" + HexFormat.of().formatHex(value) + "]"; }
}
