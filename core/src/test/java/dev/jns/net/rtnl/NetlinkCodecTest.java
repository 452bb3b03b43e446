package dev.jns.net.rtnl;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;

import static dev.jns.net.rtnl.Rtnl.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NetlinkCodecTest {

    static byte[] captured(String name) {
        try (InputStream in = NetlinkCodecTest.class.getResourceAsStream(name + ".hex")) {
            return HexFormat.of().parseHex(new String(in.readAllBytes(), StandardCharsets.US_ASCII).strip());
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    static List<NetlinkMessage> decodeCaptured(String name) {
        return NetlinkCodec.decode(ByteBuffer.wrap(captured(name)));
    }

    private static NetlinkMessage roundTrip(NetlinkMessage m) {
        byte[] wire = NetlinkCodec.encode(m);
        assertThat(wire.length % 4).as("messages are padded to 4").isZero();
        List<NetlinkMessage> back = NetlinkCodec.decode(ByteBuffer.wrap(wire));
        assertThat(back).hasSize(1);
        return back.getFirst();
    }

    @Test
    void everyBodyTypeSurvivesEncodeAndDecode() {
        List<NetlinkMessage> messages = List.of(
                new NetlinkMessage(RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK, 42, 0,
                        new IfInfoMsg(AF_UNSPEC, 1, 7, IFF_UP, IFF_UP, List.of(Attribute.string(IFLA_IFNAME, "eth0"),
                                Attribute.u32(IFLA_MTU, 1400)))),
                new NetlinkMessage(RTM_NEWADDR, NLM_F_REQUEST, 43, 0,
                        new IfAddrMsg(AF_INET6, 64, 0, 0, 3, List.of(
                                Attribute.address(IFA_LOCAL, InetAddress.ofLiteral("fd00::1"))))),
                new NetlinkMessage(RTM_NEWROUTE, NLM_F_REQUEST | NLM_F_CREATE, 44, 0,
                        new RtMsg(AF_INET, 0, 0, 0, RT_TABLE_MAIN, RTPROT_BOOT, RT_SCOPE_UNIVERSE, RTN_UNICAST, 0,
                                List.of(Attribute.address(RTA_GATEWAY, InetAddress.ofLiteral("10.0.0.1"))))),
                new NetlinkMessage(RTM_GETNSID, NLM_F_REQUEST, 45, 0,
                        new RtGenMsg(AF_UNSPEC, List.of(Attribute.u32(NETNSA_FD, 9)))),
                new NetlinkMessage(NLMSG_ERROR, NLM_F_CAPPED | NLM_F_ACK_TLVS, 46, 0,
                        new NlMsgErr(-17, RTM_NEWADDR, 46, List.of(Attribute.string(NLMSGERR_ATTR_MSG, "nope")))),
                new NetlinkMessage(NLMSG_DONE, NLM_F_MULTI, 47, 0, new NlMsgDone(0, List.of())),
                new NetlinkMessage(0x77, 0, 48, 0, new RawBody(new byte[] {1, 2, 3, 4})));
        for (NetlinkMessage m : messages) {
            assertThat(roundTrip(m)).isEqualTo(m);
        }
    }

    @Test
    void nestedAttributesAndAWholeBodyInsideAnAttributeRoundTrip() {
        // The shape of a veth creation request: IFLA_LINKINFO { KIND, DATA { PEER = ifinfomsg + attrs } }.
        IfInfoMsg peer = IfInfoMsg.request(0, List.of(Attribute.string(IFLA_IFNAME, "peer0"), Attribute.u32(IFLA_NET_NS_FD, 5)));
        Attribute info = Attribute.nested(IFLA_LINKINFO, List.of(Attribute.string(IFLA_INFO_KIND, "veth"),
                Attribute.nested(IFLA_INFO_DATA, List.of(Attribute.body(VETH_INFO_PEER, peer)))));
        NetlinkMessage m = new NetlinkMessage(RTM_NEWLINK, NLM_F_REQUEST | NLM_F_CREATE | NLM_F_EXCL, 1, 0,
                IfInfoMsg.request(0, List.of(Attribute.string(IFLA_IFNAME, "veth0"), info)));

        IfInfoMsg back = (IfInfoMsg) roundTrip(m).body();
        List<Attribute> linkInfo = back.attribute(IFLA_LINKINFO).orElseThrow().asNested();
        assertThat(linkInfo.getFirst().asString()).isEqualTo("veth");
        Attribute peerAttr = linkInfo.get(1).asNested().getFirst();
        ByteBuffer peerBytes = ByteBuffer.wrap(peerAttr.value()).order(ByteOrder.nativeOrder());
        assertThat(IfInfoMsg.decode(peerBytes)).isEqualTo(peer);
    }

    @Test
    void attributeHeaderCountsUnpaddedLengthAndPadsToFour() {
        byte[] wire = NetlinkCodec.encode(new NetlinkMessage(RTM_GETLINK, NLM_F_REQUEST, 1, 0,
                IfInfoMsg.request(0, List.of(Attribute.string(IFLA_IFNAME, "lo"), Attribute.u32(IFLA_MTU, 9)))));
        ByteBuffer b = ByteBuffer.wrap(wire).order(ByteOrder.nativeOrder());
        // nlmsghdr(16) + ifinfomsg(16) + "lo\0" attr (4+3 -> 8) + u32 attr (8)
        assertThat(b.getInt(0)).isEqualTo(16 + 16 + 8 + 8);
        assertThat(b.getShort(32)).as("nla_len of \"lo\\0\"").isEqualTo((short) 7);
        assertThat(b.getShort(40)).as("next attribute starts on the 4-byte boundary").isEqualTo((short) 8);
    }

    @Test
    void parsesACapturedLinkDumpOverSeveralDatagrams() {
        List<NetlinkMessage> all = new java.util.ArrayList<>(decodeCaptured("getlink-dump-part1"));
        all.addAll(decodeCaptured("getlink-dump-part2"));
        List<NetlinkMessage> done = decodeCaptured("getlink-dump-done");

        assertThat(all).allSatisfy(m -> {
            assertThat(m.type()).isEqualTo(RTM_NEWLINK);
            assertThat(m.hasFlag(NLM_F_MULTI)).isTrue();
            assertThat(m.seq()).isEqualTo(7);
        });
        List<String> names = all.stream().map(m -> m.body().attribute(IFLA_IFNAME).orElseThrow().asString()).toList();
        assertThat(names).containsExactlyInAnyOrder("lo", "v0", "v1");
        IfInfoMsg lo = (IfInfoMsg) all.stream().filter(m -> m.body().attribute(IFLA_IFNAME).orElseThrow().asString().equals("lo"))
                .findFirst().orElseThrow().body();
        assertThat(lo.index()).isEqualTo(1);
        assertThat(lo.flags() & (IFF_UP | IFF_LOOPBACK)).isEqualTo(IFF_UP | IFF_LOOPBACK);
        assertThat(lo.attribute(IFLA_MTU).orElseThrow().asInt()).isEqualTo(65536);
        IfInfoMsg v0 = (IfInfoMsg) all.stream().filter(m -> m.body().attribute(IFLA_IFNAME).orElseThrow().asString().equals("v0"))
                .findFirst().orElseThrow().body();
        String kind = v0.attribute(IFLA_LINKINFO).orElseThrow().asNested().stream()
                .filter(a -> a.type() == IFLA_INFO_KIND).findFirst().orElseThrow().asString();
        assertThat(kind).isEqualTo("veth");

        assertThat(done).singleElement().satisfies(m -> {
            assertThat(m.body()).isEqualTo(new NlMsgDone(0, List.of()));
            assertThat(m.seq()).isEqualTo(7);
        });
    }

    @Test
    void parsesACapturedAddressDump() {
        List<String> addrs = decodeCaptured("getaddr-dump-part1").stream()
                .map(m -> (IfAddrMsg) m.body())
                .map(a -> a.attribute(IFA_LOCAL).or(() -> a.attribute(IFA_ADDRESS)).orElseThrow().asInetAddress().getHostAddress()
                        + "/" + a.prefixLength())
                .toList();
        assertThat(addrs).contains("127.0.0.1/8", "10.77.0.1/24", "fd77:0:0:0:0:0:0:1/64");
    }

    @Test
    void capturedErrorCarriesTheErrnoTheRequestAndTheKernelsExplanation() {
        NetlinkMessage m = decodeCaptured("newaddr-eexist-extack").getFirst();
        assertThat(m.type()).isEqualTo(NLMSG_ERROR);
        assertThat(m.hasFlag(NLM_F_CAPPED)).isTrue();
        assertThat(m.hasFlag(NLM_F_ACK_TLVS)).isTrue();
        NlMsgErr err = (NlMsgErr) m.body();
        assertThat(err.error()).isEqualTo(-17);
        assertThat(err.requestType()).isEqualTo(RTM_NEWADDR);
        assertThat(err.requestSeq()).isEqualTo(9);
        assertThat(err.kernelMessage()).hasValue("ipv4: Address already assigned");
    }

    @Test
    void uncappedErrorSkipsTheWholeEchoedRequestBeforeTheAttributes() {
        // Without NETLINK_CAP_ACK the kernel echoes the full request; the TLVs come after it.
        NetlinkMessage request = new NetlinkMessage(RTM_NEWLINK, NLM_F_REQUEST, 5, 0,
                IfInfoMsg.request(0, List.of(Attribute.string(IFLA_IFNAME, "abcdefg"))));
        byte[] echoed = NetlinkCodec.encode(request);
        ByteBuffer body = ByteBuffer.allocate(4 + echoed.length + 12).order(ByteOrder.nativeOrder());
        body.putInt(-22).put(echoed);
        body.putShort((short) 9).putShort((short) NLMSGERR_ATTR_MSG).put("bad\0".getBytes(StandardCharsets.US_ASCII))
                .put(new byte[] {0, 0, 0});
        NetlinkMessage err = new NetlinkMessage(NLMSG_ERROR, NLM_F_ACK_TLVS, 5, 0, new RawBody(body.array()));
        NlMsgErr decoded = (NlMsgErr) NetlinkCodec.decode(ByteBuffer.wrap(NetlinkCodec.encode(err))).getFirst().body();
        assertThat(decoded.error()).isEqualTo(-22);
        assertThat(decoded.requestSeq()).isEqualTo(5);
        assertThat(decoded.kernelMessage()).hasValue("bad");
    }

    @Test
    void aMessageLongerThanTheDatagramIsRejected() {
        byte[] wire = NetlinkCodec.encode(new NetlinkMessage(RTM_GETLINK, NLM_F_REQUEST, 1, 0, IfInfoMsg.request(0, List.of())));
        ByteBuffer cut = ByteBuffer.wrap(wire, 0, wire.length - 4);
        assertThatThrownBy(() -> NetlinkCodec.decode(cut)).isInstanceOf(MalformedMessageException.class)
                .hasMessageContaining("claims 32 bytes");
    }

    @Test
    void anAttributeLongerThanItsMessageIsRejected() {
        ByteBuffer b = ByteBuffer.allocate(16 + 16 + 8).order(ByteOrder.nativeOrder());
        b.putInt(40).putShort((short) RTM_NEWLINK).putShort((short) 0).putInt(1).putInt(0);
        b.put(new byte[16]);
        b.putShort((short) 200).putShort((short) IFLA_IFNAME).putInt(0);
        assertThatThrownBy(() -> NetlinkCodec.decode(b.flip())).isInstanceOf(MalformedMessageException.class)
                .hasMessageContaining("attribute of type 3 claims 200 bytes");
    }
}
