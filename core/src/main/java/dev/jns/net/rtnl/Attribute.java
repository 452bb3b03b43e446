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
 * One netlink attribute ({@code struct nlattr} and its payload). The payload is kept as
 * raw bytes, a read-only view; the typed accessors read it the way the kernel wrote it
 * (host byte order for numbers, NUL-terminated strings, nested attribute lists).
 *
 * <p>Decoded attributes are views into one copy of their datagram, not copies each: a dump
 * of a thousand links has tens of thousands of attributes, most of which nobody reads.
 *
 * @param type    the attribute type without the {@code NLA_F_NESTED}/{@code NLA_F_NET_BYTEORDER} bits
 * @param payload the value bytes (position 0 to limit); copied here unless already read-only
 */
public record Attribute(int type, ByteBuffer payload) {
    static final int HEADER = 4;
    private static final int TYPE_MASK = 0x3fff;

    public Attribute {
        type &= TYPE_MASK;
        ByteBuffer own = payload.isReadOnly() ? payload.slice() : ByteBuffer.wrap(bytesOf(payload)).asReadOnlyBuffer();
        payload = own.order(ByteOrder.nativeOrder());
    }

    /** An attribute with a copy of {@code value} as payload. */
    public Attribute(int type, byte[] value) {
        this(type, ByteBuffer.wrap(value.clone()).asReadOnlyBuffer());
    }

    /** A copy of the payload bytes. */
    public byte[] value() {
        return bytesOf(payload);
    }

    public int length() {
        return payload.remaining();
    }

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
        return new Attribute(type, b.flip().asReadOnlyBuffer());
    }

    /** A whole message body (a struct and its attributes) as this attribute's payload, like VETH_INFO_PEER. */
    public static Attribute body(int type, Body body) {
        ByteBuffer b = ByteBuffer.allocate(body.size()).order(ByteOrder.nativeOrder());
        body.encode(b);
        return new Attribute(type, b.flip().asReadOnlyBuffer());
    }

    public int asU8() { return payload.get(0) & 0xff; }

    public int asInt() { return payload.getInt(0); }

    /** The string up to its NUL (or the whole payload when there is none). */
    public String asString() {
        int end = 0;
        while (end < payload.limit() && payload.get(end) != 0) end++;
        byte[] b = new byte[end];
        payload.get(0, b);
        return new String(b, StandardCharsets.UTF_8);
    }

    public List<Attribute> asNested() {
        return decodeAll(payload.duplicate().order(ByteOrder.nativeOrder()));
    }

    public InetAddress asInetAddress() {
        try {
            return InetAddress.getByAddress(value());
        } catch (UnknownHostException e) {
            throw new IllegalStateException("attribute " + type + " is not an address: " + length() + " bytes", e);
        }
    }

    /** Bytes on the wire, including the header and the padding to 4. */
    int encodedSize() {
        return align(HEADER + length());
    }

    void encode(ByteBuffer out) {
        int start = out.position();
        out.putShort((short) (HEADER + length())).putShort((short) type).put(payload.duplicate());
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

    /**
     * Reads attributes from the buffer's position to its limit. The attributes are views
     * of the buffer: pass a read-only buffer that nothing else writes to.
     */
    static List<Attribute> decodeAll(ByteBuffer in) {
        ByteBuffer ro = in.isReadOnly() ? in : in.asReadOnlyBuffer().order(in.order());
        List<Attribute> out = new ArrayList<>();
        while (ro.remaining() >= HEADER) {
            int start = ro.position();
            int len = ro.getShort() & 0xffff;
            int type = ro.getShort() & 0xffff;
            if (len < HEADER || len - HEADER > ro.remaining()) {
                throw new MalformedMessageException("attribute of type " + (type & TYPE_MASK) + " claims "
                        + len + " bytes, " + (ro.remaining() + HEADER) + " left");
            }
            out.add(new Attribute(type, ro.slice(ro.position(), len - HEADER)));
            ro.position(Math.min(ro.limit(), start + align(len)));
        }
        in.position(ro.position());
        return List.copyOf(out);
    }

    static int align(int n) {
        return (n + 3) & ~3;
    }

    static void pad(ByteBuffer out, int start) {
        while ((out.position() - start) % 4 != 0) out.put((byte) 0);
    }

    private static byte[] bytesOf(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.get(b.position(), out);
        return out;
    }

    @Override
    public String toString() { return "Attribute[" + type + "=" + HexFormat.of().formatHex(value()) + "]"; }
}
