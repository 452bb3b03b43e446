package dev.jns.net.rtnl;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;

/**
 * The payload of a netlink message: a fixed C struct followed by attributes. Each record
 * is one struct from the kernel headers; {@link NetlinkCodec} picks the right one by
 * message type.
 */
public sealed interface Body permits IfInfoMsg, IfAddrMsg, RtMsg, RtGenMsg, NlMsgErr, NlMsgDone, RawBody {
    /** The attributes after the struct (empty for bodies without any). */
    List<Attribute> attributes();

    /** Bytes on the wire, struct and attributes. */
    int size();

    void encode(ByteBuffer out);

    /** The first attribute of the given type. */
    default Optional<Attribute> attribute(int type) {
        for (Attribute a : attributes()) {
            if (a.type() == type) return Optional.of(a);
        }
        return Optional.empty();
    }
}
