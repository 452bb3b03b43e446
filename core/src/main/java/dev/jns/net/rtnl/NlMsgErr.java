package dev.jns.net.rtnl;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;

/**
 * {@code struct nlmsgerr}: the kernel's answer to a request — an ACK when {@code error} is
 * 0, else the negative errno — with the extended-ack attributes when the socket asked for
 * them ({@code NETLINK_EXT_ACK}).
 *
 * @param requestType the type of the request this answers (from the echoed header)
 * @param requestSeq  the sequence number of that request
 */
public record NlMsgErr(int error, int requestType, int requestSeq, List<Attribute> attributes) implements Body {
    private static final int HEADER_ECHO = NetlinkCodec.HEADER;

    public NlMsgErr {
        attributes = List.copyOf(attributes);
    }

    /** The kernel's explanation ({@code NLMSGERR_ATTR_MSG}), when it gave one. */
    public Optional<String> kernelMessage() {
        return attribute(Rtnl.NLMSGERR_ATTR_MSG).map(Attribute::asString).filter(s -> !s.isEmpty());
    }

    /** Written as if the socket had {@code NETLINK_CAP_ACK}: only the request's header is echoed. */
    @Override
    public int size() { return 4 + HEADER_ECHO + Attribute.encodedSize(attributes); }

    @Override
    public void encode(ByteBuffer out) {
        out.putInt(error).putInt(HEADER_ECHO).putShort((short) requestType).putShort((short) 0)
                .putInt(requestSeq).putInt(0);
        Attribute.encodeAll(attributes, out);
    }

    /** {@code flags} are the NLMSG_ERROR message's: they say whether the request was echoed whole and whether TLVs follow. */
    static NlMsgErr decode(ByteBuffer in, int flags) {
        NetlinkCodec.require(in, 4 + HEADER_ECHO, "nlmsgerr");
        int error = in.getInt();
        int start = in.position();
        int echoedLength = in.getInt();
        int type = in.getShort() & 0xffff;
        in.getShort();
        int seq = in.getInt();
        int echoed = (flags & Rtnl.NLM_F_CAPPED) != 0 ? HEADER_ECHO : Attribute.align(echoedLength);
        in.position(Math.min(in.limit(), start + echoed));
        List<Attribute> tlvs = (flags & Rtnl.NLM_F_ACK_TLVS) != 0 ? Attribute.decodeAll(in) : List.of();
        return new NlMsgErr(error, type, seq, tlvs);
    }
}
