package dev.jns.net;

import dev.jns.net.rtnl.Attribute;
import dev.jns.net.rtnl.Body;
import dev.jns.net.rtnl.IfAddrMsg;
import dev.jns.net.rtnl.IfInfoMsg;
import dev.jns.net.rtnl.NetlinkMessage;
import dev.jns.net.rtnl.RtGenMsg;
import dev.jns.net.rtnl.RtMsg;
import dev.jns.net.rtnl.Rtnl;
import dev.jns.net.rtnl.RtnlSocket;
import dev.jns.ns.Namespace;
import dev.jns.os.Errno;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

import static dev.jns.net.rtnl.Rtnl.*;

/**
 * The links, addresses and routes of one network namespace, read and changed over
 * rtnetlink — what {@code ip link}, {@code ip addr} and {@code ip route} do, without
 * running {@code ip}. Links are named as in {@code ip}; a name that does not exist fails
 * with ENODEV. Holds one netlink socket; close it when done.
 *
 * <p>Errors: a request the kernel refuses throws {@link NetlinkException} with the request,
 * the errno and the kernel's extended-ack text when it gave one; a failure of the socket
 * itself ({@code socket}, {@code sendto}, {@code recvfrom}) throws
 * {@link dev.jns.os.SyscallException}.
 */
public final class NetworkConfig implements AutoCloseable {
    private static final String[] OPER_STATES = {"UNKNOWN", "NOTPRESENT", "DOWN", "LOWERLAYERDOWN", "TESTING", "DORMANT", "UP"};

    private final RtnlSocket socket;

    private NetworkConfig(RtnlSocket socket) {
        this.socket = socket;
    }

    /**
     * The network namespace of the calling thread.
     *
     * @return the configuration
     */
    public static NetworkConfig current() {
        return new NetworkConfig(RtnlSocket.open());
    }

    /**
     * The given network namespace; the calling thread stays where it is.
     *
     * @param netns the network namespace
     * @return the configuration
     */
    public static NetworkConfig in(Namespace netns) {
        return new NetworkConfig(netns.run(RtnlSocket::open));
    }

    // ---- links ----------------------------------------------------------------------

    /**
     * Every link in the namespace ({@code RTM_GETLINK} dump).
     *
     * @return the links
     */
    public List<Link> links() {
        List<Link> out = new ArrayList<>();
        for (NetlinkMessage m : socket.dump(RTM_GETLINK, IfInfoMsg.request(0, List.of()), "list links")) {
            if (m.body() instanceof IfInfoMsg info) out.add(toLink(info));
        }
        return List.copyOf(out);
    }

    /**
     * The link of that name, or empty.
     *
     * @param name the name
     * @return the link, or empty
     */
    public Optional<Link> link(String name) {
        try {
            return Optional.of(link0(name));
        } catch (NetlinkException e) {
            if (e.errno() == Errno.ENODEV) return Optional.empty();
            throw e;
        }
    }

    private Link link0(String name) {
        NetlinkMessage m = socket.query(RTM_GETLINK, IfInfoMsg.request(0, List.of(Attribute.string(IFLA_IFNAME, name))),
                "find link " + name);
        return toLink((IfInfoMsg) m.body());
    }

    private int indexOf(String name) {
        return link0(name).index();
    }

    /**
     * Brings a link up or down ({@code ip link set NAME up|down}).
     *
     * @param name the name
     * @param up true for up
     */
    public void setUp(String name, boolean up) {
        int index = indexOf(name);
        socket.execute(RTM_NEWLINK, 0, new IfInfoMsg(AF_UNSPEC, 0, index, up ? IFF_UP : 0, IFF_UP, List.of()),
                "set link " + name + (up ? " up" : " down"));
    }

    /**
     * Sets a link's MTU ({@code ip link set NAME mtu N}).
     *
     * @param name the name
     * @param mtu the MTU
     */
    public void setMtu(String name, int mtu) {
        socket.execute(RTM_NEWLINK, 0, IfInfoMsg.request(indexOf(name), List.of(Attribute.u32(IFLA_MTU, mtu))),
                "set mtu " + mtu + " on link " + name);
    }

    /**
     * Enslaves link {@code name} to {@code master} (a bridge), like {@code ip link set NAME master MASTER}.
     *
     * @param name the name
     * @param master the bridge's name
     */
    public void setMaster(String name, String master) {
        socket.execute(RTM_NEWLINK, 0, IfInfoMsg.request(indexOf(name), List.of(Attribute.u32(IFLA_MASTER, indexOf(master)))),
                "set master " + master + " on link " + name);
    }

    /**
     * Renames a link, which must be down ({@code ip link set NAME name NEW}).
     *
     * @param name the name
     * @param newName the new name
     */
    public void rename(String name, String newName) {
        socket.execute(RTM_NEWLINK, 0, IfInfoMsg.request(indexOf(name), List.of(Attribute.string(IFLA_IFNAME, newName))),
                "rename link " + name + " to " + newName);
    }

    /**
     * A veth pair, both ends here.
     *
     * @param name the name
     * @param peerName the peer end's name
     */
    public void createVeth(String name, String peerName) {
        createVeth(name, peerName, List.of());
    }

    /**
     * A veth pair with the peer created straight inside {@code peerNetns} (it never appears here).
     *
     * @param name the name
     * @param peerName the peer end's name
     * @param peerNetns the namespace the peer end is created in
     */
    public void createVeth(String name, String peerName, Namespace peerNetns) {
        createVeth(name, peerName, List.of(Attribute.u32(IFLA_NET_NS_FD, peerNetns.fd())));
    }

    private void createVeth(String name, String peerName, List<Attribute> peerPlacement) {
        List<Attribute> peerAttrs = new ArrayList<>();
        peerAttrs.add(Attribute.string(IFLA_IFNAME, peerName));
        peerAttrs.addAll(peerPlacement);
        Attribute peer = Attribute.body(VETH_INFO_PEER, IfInfoMsg.request(0, peerAttrs));
        Attribute info = Attribute.nested(IFLA_LINKINFO, List.of(
                Attribute.string(IFLA_INFO_KIND, "veth"),
                Attribute.nested(IFLA_INFO_DATA, List.of(peer))));
        socket.execute(RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL,
                IfInfoMsg.request(0, List.of(Attribute.string(IFLA_IFNAME, name), info)),
                "create veth pair " + name + "/" + peerName);
    }

    /**
     * A link of a kind that needs no options ({@code bridge}, {@code ifb}, {@code dummy} where
     * the kernel has it), like {@code ip link add NAME type KIND}.
     *
     * @param name the name
     * @param kind the link kind
     */
    public void createLink(String name, String kind) {
        Attribute info = Attribute.nested(IFLA_LINKINFO, List.of(Attribute.string(IFLA_INFO_KIND, kind)));
        socket.execute(RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL,
                IfInfoMsg.request(0, List.of(Attribute.string(IFLA_IFNAME, name), info)),
                "create " + kind + " link " + name);
    }

    /**
     * Deletes a link; deleting one end of a veth pair deletes both.
     *
     * @param name the name
     */
    public void deleteLink(String name) {
        socket.execute(RTM_DELLINK, 0, IfInfoMsg.request(indexOf(name), List.of()), "delete link " + name);
    }

    /**
     * Deletes the link with that index if it is still there (with a veth, its peer goes too).
     *
     * @param name the link's name, for messages
     * @param index the link's index
     * @return false when it was already gone
     */
    public boolean deleteLinkIfPresent(int index, String name) {
        try {
            socket.execute(RTM_DELLINK, 0, IfInfoMsg.request(index, List.of()), "delete link " + name);
            return true;
        } catch (NetlinkException e) {
            if (e.errno() == Errno.ENODEV) return false;
            throw e;
        }
    }

    /**
     * Moves a link into another network namespace.
     *
     * @param name the name
     * @param netns the network namespace
     */
    public void moveLink(String name, Namespace netns) {
        socket.execute(RTM_NEWLINK, 0, IfInfoMsg.request(indexOf(name), List.of(Attribute.u32(IFLA_NET_NS_FD, netns.fd()))),
                "move link " + name + " to " + netns);
    }

    /**
     * Moves a link into the network namespace of process {@code pid}.
     *
     * @param name the name
     * @param pid the process id
     */
    public void moveLinkToPid(String name, int pid) {
        socket.execute(RTM_NEWLINK, 0, IfInfoMsg.request(indexOf(name), List.of(Attribute.u32(IFLA_NET_NS_PID, pid))),
                "move link " + name + " to the network namespace of pid " + pid);
    }

    private static Link toLink(IfInfoMsg m) {
        Optional<String> kind = m.attribute(IFLA_LINKINFO)
                .flatMap(li -> li.asNested().stream().filter(a -> a.type() == IFLA_INFO_KIND).findFirst())
                .map(Attribute::asString);
        Optional<String> mac = m.attribute(IFLA_ADDRESS).map(a -> HexFormat.ofDelimiter(":").formatHex(a.value()));
        int oper = m.attribute(IFLA_OPERSTATE).map(Attribute::asU8).orElse(0);
        return new Link(m.index(), m.attribute(IFLA_IFNAME).map(Attribute::asString).orElse(""), m.flags(),
                m.attribute(IFLA_MTU).map(Attribute::asInt).orElse(0), kind, mac,
                optionalInt(m.attribute(IFLA_LINK)), optionalInt(m.attribute(IFLA_LINK_NETNSID)),
                oper < OPER_STATES.length ? OPER_STATES[oper] : "UNKNOWN");
    }

    private static OptionalInt optionalInt(Optional<Attribute> a) {
        return a.map(x -> OptionalInt.of(x.asInt())).orElse(OptionalInt.empty());
    }

    // ---- addresses --------------------------------------------------------------------

    /**
     * Every address on every link, IPv4 and IPv6.
     *
     * @return the addresses
     */
    public List<Address> addresses() {
        List<Address> out = new ArrayList<>();
        for (NetlinkMessage m : socket.dump(RTM_GETADDR, new IfAddrMsg(AF_UNSPEC, 0, 0, 0, 0, List.of()), "list addresses")) {
            if (m.body() instanceof IfAddrMsg a) out.add(toAddress(a));
        }
        return List.copyOf(out);
    }

    /**
     * The addresses on one link.
     *
     * @param link the link's name
     * @return the addresses
     */
    public List<Address> addresses(String link) {
        int index = indexOf(link);
        return addresses().stream().filter(a -> a.linkIndex() == index).toList();
    }

    /**
     * Adds an address to a link ({@code ip address add CIDR dev LINK}).
     *
     * @param link the link's name
     * @param cidr the address and prefix length
     */
    public void addAddress(String link, Cidr cidr) {
        socket.execute(RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, addressBody(indexOf(link), cidr),
                "add address " + cidr + " to " + link);
    }

    /**
     * Removes an address from a link ({@code ip address del CIDR dev LINK}).
     *
     * @param link the link's name
     * @param cidr the address and prefix length
     */
    public void deleteAddress(String link, Cidr cidr) {
        socket.execute(RTM_DELADDR, 0, addressBody(indexOf(link), cidr), "delete address " + cidr + " from " + link);
    }

    private static IfAddrMsg addressBody(int index, Cidr cidr) {
        // Loopback addresses get host scope, as ip gives them; everything else is global.
        int scope = cidr.address().isLoopbackAddress() ? RT_SCOPE_HOST : RT_SCOPE_UNIVERSE;
        return new IfAddrMsg(cidr.family(), cidr.prefixLength(), 0, scope, index, List.of(
                Attribute.address(IFA_LOCAL, cidr.address()), Attribute.address(IFA_ADDRESS, cidr.address())));
    }

    private static Address toAddress(IfAddrMsg m) {
        // IFA_LOCAL is the address itself; IFA_ADDRESS is the peer on point-to-point links.
        InetAddress a = m.attribute(IFA_LOCAL).or(() -> m.attribute(IFA_ADDRESS)).orElseThrow().asInetAddress();
        return new Address(m.index(), new Cidr(a, m.prefixLength()),
                m.attribute(IFA_LABEL).map(Attribute::asString).orElse(""), m.scope());
    }

    // ---- routes -----------------------------------------------------------------------

    /**
     * Every route of every table, IPv4 and IPv6.
     *
     * @return the routes
     */
    public List<Route> routes() {
        List<Route> out = new ArrayList<>();
        for (NetlinkMessage m : socket.dump(RTM_GETROUTE, new RtMsg(AF_UNSPEC, 0, 0, 0, 0, 0, 0, 0, 0, List.of()),
                "list routes")) {
            if (m.body() instanceof RtMsg r) out.add(toRoute(r));
        }
        return List.copyOf(out);
    }

    /**
     * A route to a network through a directly attached link ({@code ip route add NET dev LINK}).
     *
     * @param destination the destination network
     * @param link the link's name
     */
    public void addRoute(Cidr destination, String link) {
        socket.execute(RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, routeBody(destination, null, indexOf(link), false),
                "add route " + destination + " dev " + link);
    }

    /**
     * A route to a network through a gateway ({@code ip route add NET via GW}).
     *
     * @param destination the destination network
     * @param gateway the gateway
     */
    public void addRoute(Cidr destination, InetAddress gateway) {
        socket.execute(RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, routeBody(destination, gateway, 0, false),
                "add route " + destination + " via " + gateway.getHostAddress());
    }

    /**
     * The default route through a gateway ({@code ip route add default via GW}).
     *
     * @param gateway the gateway
     */
    public void addDefaultRoute(InetAddress gateway) {
        addRoute(defaultDestination(gateway), gateway);
    }

    /**
     * Deletes the route to {@code destination} in the main table, whichever way it goes ({@code 0.0.0.0/0}, {@code ::/0}: the default).
     *
     * @param destination the destination network
     */
    public void deleteRoute(Cidr destination) {
        socket.execute(RTM_DELROUTE, 0, routeBody(destination, null, 0, true), "delete route " + destination);
    }

    private static Cidr defaultDestination(InetAddress sameFamilyAs) {
        return new Cidr(InetAddress.ofLiteral(sameFamilyAs.getAddress().length == 4 ? "0.0.0.0" : "::"), 0);
    }

    private static RtMsg routeBody(Cidr destination, InetAddress gateway, int outIndex, boolean forDelete) {
        List<Attribute> attrs = new ArrayList<>();
        Cidr net = destination.network();
        if (net.prefixLength() > 0) attrs.add(Attribute.address(RTA_DST, net.address()));
        if (gateway != null) attrs.add(Attribute.address(RTA_GATEWAY, gateway));
        if (outIndex > 0) attrs.add(Attribute.u32(RTA_OIF, outIndex));
        // Like ip: a delete matches any protocol and scope (RT_SCOPE_NOWHERE); an add says it
        // was made at boot/admin time, with link scope when there is no gateway.
        int protocol = forDelete ? 0 : RTPROT_BOOT;
        int scope = forDelete ? RT_SCOPE_NOWHERE : gateway == null ? RT_SCOPE_LINK : RT_SCOPE_UNIVERSE;
        int type = forDelete ? 0 : RTN_UNICAST;
        return new RtMsg(destination.family(), net.prefixLength(), 0, 0, RT_TABLE_MAIN, protocol, scope, type, 0, attrs);
    }

    private static Route toRoute(RtMsg m) {
        InetAddress dst = m.attribute(RTA_DST).map(Attribute::asInetAddress)
                .orElseGet(() -> InetAddress.ofLiteral(m.family() == AF_INET ? "0.0.0.0" : "::"));
        int table = m.attribute(RTA_TABLE).map(Attribute::asInt).orElse(m.table());
        return new Route(new Cidr(dst, m.dstLength()), m.attribute(RTA_GATEWAY).map(Attribute::asInetAddress),
                optionalInt(m.attribute(RTA_OIF)), table, m.protocol(), m.scope(), m.routeType());
    }

    // ---- namespace ids ------------------------------------------------------------------

    /**
     * Gives {@code netns} the id {@code nsid} as seen from this namespace (what
     * {@code ip netns set} does). The kernel refuses when it already has one.
     *
     * @param netns the network namespace
     * @param nsid the id
     */
    public void setNsid(Namespace netns, int nsid) {
        socket.execute(RTM_NEWNSID, 0, new RtGenMsg(AF_UNSPEC, List.of(
                Attribute.u32(NETNSA_FD, netns.fd()), Attribute.u32(NETNSA_NSID, nsid))),
                "set id " + nsid + " for " + netns);
    }

    /**
     * The id this namespace has for {@code netns}, or empty when none is assigned.
     *
     * @param netns the network namespace
     * @return the id, or empty
     */
    public OptionalInt nsidOf(Namespace netns) {
        NetlinkMessage m = socket.query(RTM_GETNSID,
                new RtGenMsg(AF_UNSPEC, List.of(Attribute.u32(NETNSA_FD, netns.fd()))), "get id of " + netns);
        return assigned(m.body().attribute(NETNSA_NSID));
    }

    /**
     * An id one network namespace has given another. {@code nsid} is the id in the namespace
     * asked about; {@code currentNsid}, only when that was another namespace (a target), the
     * id the same peer has here. Either may be unassigned.
     *
     * @param nsid the id
     * @param currentNsid the id in the asking namespace, if different
     */
    public record PeerId(OptionalInt nsid, OptionalInt currentNsid) {}

    /**
     * Every id this namespace has given, or with {@code target} every id the namespace
     * known here as {@code target} has given (what {@code ip netns list-id} lists).
     *
     * @param target the namespace's id here, or empty for this namespace
     * @return the ids
     */
    public List<PeerId> peerIds(OptionalInt target) {
        List<Attribute> attrs = target.isPresent() ? List.of(Attribute.u32(NETNSA_TARGET_NSID, target.getAsInt())) : List.of();
        List<PeerId> out = new ArrayList<>();
        for (NetlinkMessage m : socket.dump(RTM_GETNSID, new RtGenMsg(AF_UNSPEC, attrs), "list namespace ids")) {
            out.add(peerId(m.body(), target.isPresent()));
        }
        return List.copyOf(out);
    }

    /**
     * The peer this namespace (or {@code target}) calls {@code nsid}; the kernel refuses an unknown one.
     *
     * @param nsid the id
     * @param target the namespace's id here, or empty for this namespace
     * @return the peer
     */
    public PeerId peerId(int nsid, OptionalInt target) {
        List<Attribute> attrs = new ArrayList<>(List.of(Attribute.u32(NETNSA_NSID, nsid)));
        target.ifPresent(t -> attrs.add(Attribute.u32(NETNSA_TARGET_NSID, t)));
        return peerId(socket.query(RTM_GETNSID, new RtGenMsg(AF_UNSPEC, attrs), "get namespace id " + nsid).body(),
                target.isPresent());
    }

    private static PeerId peerId(Body body, boolean withCurrent) {
        return new PeerId(assigned(body.attribute(NETNSA_NSID)),
                withCurrent ? assigned(body.attribute(NETNSA_CURRENT_NSID)) : OptionalInt.empty());
    }

    private static OptionalInt assigned(Optional<Attribute> a) {
        int id = a.map(Attribute::asInt).orElse(NETNSA_NSID_NOT_ASSIGNED);
        return id < 0 ? OptionalInt.empty() : OptionalInt.of(id);
    }

    @Override
    public void close() {
        socket.close();
    }
}
