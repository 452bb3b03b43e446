package dev.jns.net.rtnl;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/** The payload of a message type jns does not interpret, kept as bytes. */
public record RawBody(byte[] bytes) implements Body {
    public RawBody {
        bytes = bytes.clone();
    }

    @Override
    public byte[] bytes() { return bytes.clone(); }

    @Override
    public List<Attribute> attributes() { return List.of(); }

    @Override
    public int size() { return bytes.length; }

    @Override
    public void encode(ByteBuffer out) { out.put(bytes); }

    @Override
    public boolean equals(Object o) { return o instanceof RawBody r && Arrays.equals(r.bytes, bytes); }

    @Override
    public int hashCode() { return Arrays.hashCode(bytes); }

    @Override
    public String toString() { return "RawBody[" + HexFormat.of().formatHex(bytes) + "]"; }
}
