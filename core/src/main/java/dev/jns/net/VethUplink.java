package dev.jns.net;

import dev.jns.ns.Namespace;
import dev.jns.ns.NamespaceType;
import dev.jns.spawn.BeforeExec;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One veth between a sandbox's new network namespace and the outside: the outer end lives in
 * the JVM's own namespace ("the host") or in a named namespace, both ends get addresses and
 * are brought up, and the sandbox optionally routes everything through the outer end.
 *
 * <p>A before-exec step of the spawn builder, run while the program waits:
 * <pre>{@code
 * new NamespacedProcessBuilder("curl", "http://10.77.0.1/")
 *         .newNamespaces(NamespaceType.NET)
 *         .beforeExec(VethUplink.toHost("veth-sb1", "10.77.0.1/30", "eth0", "10.77.0.2/30"))
 *         .start();
 * }</pre>
 * The pair is made from the outside with its inner end created straight inside; when the
 * program ends, the step's release deletes the outer end (and with it the pair) before
 * {@code waitFor()} returns, so its name is free again at once. ({@code lo} is the
 * builder's own {@code loopbackUp}, on by default.)
 *
 * @param outside      where the outer end lives: empty for the JVM's namespace, else a named namespace
 * @param defaultRoute whether the sandbox routes everything through the outer end's first address
 * @param outsideName the outer end's name
 * @param outsideAddresses the outer end's addresses
 * @param insideName the inner end's name
 * @param insideAddresses the inner end's addresses
 */
public record VethUplink(Optional<NetNamespace> outside, String outsideName, List<Cidr> outsideAddresses,
                         String insideName, List<Cidr> insideAddresses, boolean defaultRoute) implements BeforeExec {

    /** Checks the interface names and copies the addresses; {@link IllegalArgumentException} for a default route without an address to route through. */
    public VethUplink {
        Veth.checkInterfaceName(outsideName);
        Veth.checkInterfaceName(insideName);
        outsideAddresses = List.copyOf(outsideAddresses);
        insideAddresses = List.copyOf(insideAddresses);
        if (defaultRoute && outsideAddresses.isEmpty()) {
            throw new IllegalArgumentException("a default route needs an address on the outer end " + outsideName);
        }
    }

    /**
     * A veth to the JVM's namespace; the sandbox's default route goes through {@code hostAddress}.
     *
     * @param hostName the host end's name
     * @param hostAddress the host end's address, e.g. {@code 10.77.0.1/30}
     * @param insideName the inner end's name
     * @param insideAddress the inner end's address
     * @return the uplink
     */
    public static VethUplink toHost(String hostName, String hostAddress, String insideName, String insideAddress) {
        return new VethUplink(Optional.empty(), hostName, List.of(Cidr.parse(hostAddress)), insideName,
                List.of(Cidr.parse(insideAddress)), true);
    }

    /**
     * A veth to a named namespace; the sandbox's default route goes through {@code peerAddress}.
     *
     * @param peer the named namespace
     * @param peerName the peer end's name
     * @param peerAddress the peer end's address
     * @param insideName the inner end's name
     * @param insideAddress the inner end's address
     * @return the uplink
     */
    public static VethUplink to(NetNamespace peer, String peerName, String peerAddress, String insideName,
                                String insideAddress) {
        return new VethUplink(Optional.of(peer), peerName, List.of(Cidr.parse(peerAddress)), insideName,
                List.of(Cidr.parse(insideAddress)), true);
    }

    /**
     * Wires the sandbox. Returns the removal of the outer end (and so of the pair), done when the
     * program ends: the kernel would drop the pair with the sandbox's namespace too, but
     * asynchronously, so without it the name could still be taken right after {@code waitFor()}.
     */
    @Override
    public AutoCloseable run(long pid, Map<NamespaceType, Namespace> namespaces) {
        Namespace net = namespaces.get(NamespaceType.NET);
        if (net == null) throw new IllegalStateException("a veth uplink needs a new network namespace (NET)");
        try (NetworkConfig inside = NetworkConfig.in(net)) {
            if (outside.isPresent()) {
                NetNamespace peer = outside.get();
                int index = wire(peer.network(), inside, net);
                return () -> {
                    NetworkConfig there;
                    try {
                        there = peer.network();
                    } catch (IllegalStateException closed) {
                        return;    // its owner closed the namespace (and deleted it, if it made it)
                    }
                    there.deleteLinkIfPresent(index, outsideName);
                };
            }
            NetworkConfig host = NetworkConfig.current();
            try {
                int index = wire(host, inside, net);
                return () -> {
                    try (host) {
                        host.deleteLinkIfPresent(index, outsideName);
                    }
                };
            } catch (RuntimeException e) {
                host.close();
                throw e;
            }
        }
    }

    /**
     * Configures {@code sandboxNetns}. If a step after the pair's creation fails, the pair is
     * deleted and the error thrown. The pair is left to die with the sandbox's namespace.
     *
     * @param sandboxNetns the sandbox's network namespace
     */
    public void apply(Namespace sandboxNetns) {
        try (NetworkConfig inside = NetworkConfig.in(sandboxNetns)) {
            if (outside.isPresent()) {
                wire(outside.get().network(), inside, sandboxNetns);
            } else {
                try (NetworkConfig host = NetworkConfig.current()) {
                    wire(host, inside, sandboxNetns);
                }
            }
        }
    }

    /** Makes and configures the pair; returns the outer end's index. */
    private int wire(NetworkConfig out, NetworkConfig inside, Namespace sandboxNetns) {
        out.createVeth(outsideName, insideName, sandboxNetns);
        try {
            int index = out.link(outsideName).orElseThrow().index();
            for (Cidr c : outsideAddresses) out.addAddress(outsideName, c);
            out.setUp(outsideName, true);
            for (Cidr c : insideAddresses) inside.addAddress(insideName, c);
            inside.setUp(insideName, true);
            if (defaultRoute) inside.addDefaultRoute(outsideAddresses.getFirst().address());
            return index;
        } catch (RuntimeException e) {
            try {
                out.deleteLink(outsideName);
            } catch (RuntimeException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
    }
}
