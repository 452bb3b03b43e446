package dev.jns.net;

import dev.jns.ns.Namespace;

import java.util.List;
import java.util.Optional;

/**
 * The network a fresh network namespace gets before its program runs: {@code lo} up (on
 * by default; a new namespace starts with it down), and optionally one veth whose outer
 * end lives in the JVM's own namespace ("the host") or in a named namespace, with
 * addresses on both ends and a default route inside through the outer end.
 *
 * <p>A value: build it, then {@link #apply} it to the new namespace while its program
 * waits (the spawn builder's handles are opened at that point). When the namespace ends,
 * the veth pair goes with it, outer end included.
 *
 * @param uplink the veth, if any
 */
public record SandboxNetwork(boolean loopbackUp, Optional<Uplink> uplink) {

    /**
     * One veth between the sandbox and the outside.
     *
     * @param outside        where the outer end lives: empty for the JVM's namespace, else a named namespace
     * @param defaultRoute   whether the sandbox routes everything through the outer end's first address
     */
    public record Uplink(Optional<NetNamespace> outside, String outsideName, List<Cidr> outsideAddresses,
                         String insideName, List<Cidr> insideAddresses, boolean defaultRoute) {
        public Uplink {
            Veth.checkInterfaceName(outsideName);
            Veth.checkInterfaceName(insideName);
            outsideAddresses = List.copyOf(outsideAddresses);
            insideAddresses = List.copyOf(insideAddresses);
            if (defaultRoute && outsideAddresses.isEmpty()) {
                throw new IllegalArgumentException("a default route needs an address on the outer end " + outsideName);
            }
        }
    }

    /** {@code lo} up, nothing else: the default for a new network namespace. */
    public static SandboxNetwork loopbackOnly() {
        return new SandboxNetwork(true, Optional.empty());
    }

    /** Leaves the namespace exactly as the kernel made it: {@code lo} down. */
    public static SandboxNetwork untouched() {
        return new SandboxNetwork(false, Optional.empty());
    }

    /** Adds a veth to the JVM's namespace; the sandbox's default route goes through {@code hostAddress}. */
    public SandboxNetwork withVethToHost(String hostName, String hostAddress, String insideName, String insideAddress) {
        return new SandboxNetwork(loopbackUp, Optional.of(new Uplink(Optional.empty(), hostName,
                List.of(Cidr.parse(hostAddress)), insideName, List.of(Cidr.parse(insideAddress)), true)));
    }

    /** Adds a veth to a named namespace; the sandbox's default route goes through {@code peerAddress}. */
    public SandboxNetwork withVethTo(NetNamespace peer, String peerName, String peerAddress, String insideName,
                                     String insideAddress) {
        return new SandboxNetwork(loopbackUp, Optional.of(new Uplink(Optional.of(peer), peerName,
                List.of(Cidr.parse(peerAddress)), insideName, List.of(Cidr.parse(insideAddress)), true)));
    }

    /**
     * Configures the sandbox's namespace. The veth is made from the outside with its inner end
     * created straight inside; if a later step fails, the pair is deleted and the error thrown.
     */
    public void apply(Namespace sandboxNetns) {
        try (NetworkConfig inside = NetworkConfig.in(sandboxNetns)) {
            if (loopbackUp) inside.setUp("lo", true);
            if (uplink.isEmpty()) return;
            Uplink u = uplink.get();
            if (u.outside().isPresent()) {
                wire(u, u.outside().get().network(), inside, sandboxNetns);
            } else {
                try (NetworkConfig host = NetworkConfig.current()) {
                    wire(u, host, inside, sandboxNetns);
                }
            }
        }
    }

    private static void wire(Uplink u, NetworkConfig outside, NetworkConfig inside, Namespace sandboxNetns) {
        outside.createVeth(u.outsideName(), u.insideName(), sandboxNetns);
        try {
            for (Cidr c : u.outsideAddresses()) outside.addAddress(u.outsideName(), c);
            outside.setUp(u.outsideName(), true);
            for (Cidr c : u.insideAddresses()) inside.addAddress(u.insideName(), c);
            inside.setUp(u.insideName(), true);
            if (u.defaultRoute()) inside.addDefaultRoute(u.outsideAddresses().getFirst().address());
        } catch (RuntimeException e) {
            try {
                outside.deleteLink(u.outsideName());
            } catch (RuntimeException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
    }
}
