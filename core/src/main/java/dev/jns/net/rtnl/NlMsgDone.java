package dev.jns.net.rtnl;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;

/**
 * The end of a multipart dump: {@code error} is 0, or the negative errno of a dump that
 * failed part-way, with extended-ack attributes when the kernel added them.
 */
public record NlMsgDone(int error, List<Attribute> attributes) implements Body {
    public NlMsgDone {
        attributes = List.copyOf(attributes);
    }

    public Optional<String> kernelMessage() {
        return attribute(Rtnl.NLMSGERR_ATTR_MSG).map(Attribute::asString).filter(s -> !s.isEmpty());
    }

    @Override
    public int size() { return 4 + Attribute.encodedSize(attributes); }

    @Override
    public void encode(ByteBuffer out) {
        out.putInt(error);
        Attribute.encodeAll(attributes, out);
    }

    static NlMsgDone decode(ByteBuffer in, int flags) {
        int error = in.remaining() >= 4 ? in.getInt() : 0;
        List<Attribute> tlvs = (flags & Rtnl.NLM_F_ACK_TLVS) != 0 ? Attribute.decodeAll(in) : List.of();
        return new NlMsgDone(error, tlvs);
    }
}
