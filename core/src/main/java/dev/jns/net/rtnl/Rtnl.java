package dev.jns.net.rtnl;

/**
 * Numbers from the kernel's netlink and rtnetlink headers ({@code <linux/netlink.h>},
 * {@code <linux/rtnetlink.h>}, {@code <linux/if_link.h>}, {@code <linux/if_addr.h>},
 * {@code <linux/net_namespace.h>}, {@code <linux/veth.h>}) — only the ones jns uses.
 */
public final class Rtnl {
    private Rtnl() {}

    // message types
    public static final int NLMSG_NOOP = 1, NLMSG_ERROR = 2, NLMSG_DONE = 3;
    public static final int RTM_NEWLINK = 16, RTM_DELLINK = 17, RTM_GETLINK = 18, RTM_SETLINK = 19,
            RTM_NEWADDR = 20, RTM_DELADDR = 21, RTM_GETADDR = 22,
            RTM_NEWROUTE = 24, RTM_DELROUTE = 25, RTM_GETROUTE = 26,
            RTM_NEWNSID = 88, RTM_DELNSID = 89, RTM_GETNSID = 90;

    // nlmsghdr flags
    public static final int NLM_F_REQUEST = 0x1, NLM_F_MULTI = 0x2, NLM_F_ACK = 0x4, NLM_F_DUMP_INTR = 0x10;
    public static final int NLM_F_DUMP = 0x300;
    public static final int NLM_F_EXCL = 0x200, NLM_F_CREATE = 0x400;
    /** On an NLMSG_ERROR: the request was not echoed back, only its header. */
    public static final int NLM_F_CAPPED = 0x100;
    /** On an NLMSG_ERROR or NLMSG_DONE: extended-ack attributes follow. */
    public static final int NLM_F_ACK_TLVS = 0x200;

    // extended ack attributes
    public static final int NLMSGERR_ATTR_MSG = 1;

    // address families
    public static final int AF_UNSPEC = 0, AF_INET = 2, AF_INET6 = 10;

    // link attributes
    public static final int IFLA_ADDRESS = 1, IFLA_IFNAME = 3, IFLA_MTU = 4, IFLA_LINK = 5, IFLA_MASTER = 10, IFLA_OPERSTATE = 16,
            IFLA_LINKINFO = 18, IFLA_NET_NS_PID = 19, IFLA_NET_NS_FD = 28, IFLA_LINK_NETNSID = 37;
    public static final int IFLA_INFO_KIND = 1, IFLA_INFO_DATA = 2;
    public static final int VETH_INFO_PEER = 1;

    // link flags
    public static final int IFF_UP = 0x1, IFF_LOOPBACK = 0x8;

    // address attributes
    public static final int IFA_ADDRESS = 1, IFA_LOCAL = 2, IFA_LABEL = 3;

    // route attributes and values
    public static final int RTA_DST = 1, RTA_OIF = 4, RTA_GATEWAY = 5, RTA_TABLE = 15;
    public static final int RT_TABLE_MAIN = 254;
    public static final int RTPROT_BOOT = 3;
    public static final int RT_SCOPE_UNIVERSE = 0, RT_SCOPE_LINK = 253, RT_SCOPE_HOST = 254, RT_SCOPE_NOWHERE = 255;
    public static final int RTN_UNICAST = 1;

    // network namespace id attributes
    public static final int NETNSA_NSID = 1, NETNSA_FD = 3, NETNSA_TARGET_NSID = 4, NETNSA_CURRENT_NSID = 5;
    public static final int NETNSA_NSID_NOT_ASSIGNED = -1;

    /** A readable name for a message type, for error texts. */
    public static String typeName(int type) {
        return switch (type) {
            case NLMSG_NOOP -> "NLMSG_NOOP";
            case NLMSG_ERROR -> "NLMSG_ERROR";
            case NLMSG_DONE -> "NLMSG_DONE";
            case RTM_NEWLINK -> "RTM_NEWLINK";
            case RTM_DELLINK -> "RTM_DELLINK";
            case RTM_GETLINK -> "RTM_GETLINK";
            case RTM_SETLINK -> "RTM_SETLINK";
            case RTM_NEWADDR -> "RTM_NEWADDR";
            case RTM_DELADDR -> "RTM_DELADDR";
            case RTM_GETADDR -> "RTM_GETADDR";
            case RTM_NEWROUTE -> "RTM_NEWROUTE";
            case RTM_DELROUTE -> "RTM_DELROUTE";
            case RTM_GETROUTE -> "RTM_GETROUTE";
            case RTM_NEWNSID -> "RTM_NEWNSID";
            case RTM_DELNSID -> "RTM_DELNSID";
            case RTM_GETNSID -> "RTM_GETNSID";
            default -> "type " + type;
        };
    }
}
