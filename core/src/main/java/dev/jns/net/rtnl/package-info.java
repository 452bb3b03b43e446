/**
 * rtnetlink, the kernel's interface for network configuration, in plain Java: message
 * records after the kernel's structs ({@link dev.jns.net.rtnl.IfInfoMsg} for links,
 * {@link dev.jns.net.rtnl.IfAddrMsg} for addresses, {@link dev.jns.net.rtnl.RtMsg} for routes,
 * {@link dev.jns.net.rtnl.RtGenMsg} for namespace ids, {@link dev.jns.net.rtnl.NlMsgErr} and
 * {@link dev.jns.net.rtnl.NlMsgDone} for answers), their {@link dev.jns.net.rtnl.Attribute}s,
 * the framing ({@link dev.jns.net.rtnl.NetlinkCodec}) and the request/answer protocol over a
 * socket ({@link dev.jns.net.rtnl.RtnlSocket}). Everything but the socket is pure logic,
 * unit-tested against datagrams captured from the kernel.
 */
package dev.jns.net.rtnl;
