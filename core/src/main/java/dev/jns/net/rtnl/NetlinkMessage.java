package dev.jns.net.rtnl;

/**
 * One netlink message: the {@code struct nlmsghdr} fields and the decoded body.
 *
 * @param portId the sender's port ({@code nlmsg_pid}): 0 for the kernel and for requests
 */
public record NetlinkMessage(int type, int flags, int seq, int portId, Body body) {
    public boolean hasFlag(int flag) {
        return (flags & flag) == flag;
    }

    @Override
    public String toString() {
        return "NetlinkMessage[" + Rtnl.typeName(type) + " flags=0x" + Integer.toHexString(flags) + " seq=" + seq
                + " port=" + portId + " " + body + "]";
    }
}
