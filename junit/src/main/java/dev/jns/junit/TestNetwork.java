package dev.jns.junit;

import dev.jns.net.Cidr;
import dev.jns.net.NetworkConfig;
import dev.jns.net.Veth;
import dev.jns.ns.Namespace;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One test's network: its hosts (network namespaces held by nothing but their handles, no
 * name in {@code /run/netns}) and, for more than two, a switch namespace with a bridge.
 * Closing it closes every handle, which ends the namespaces and every link in them.
 */
final class TestNetwork implements AutoCloseable {
    private static final int MAX_HOSTS = 200;
    private static final String BRIDGE = "br0", HOST_LINK = "eth0";

    private final Map<String, NetHost> hosts = new LinkedHashMap<>();
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private final LeftoverProcesses leftovers = LeftoverProcesses.since();

    private TestNetwork() {}

    /** One host with {@code lo} up and nothing else. */
    static TestNetwork isolated(String name) {
        TestNetwork net = new TestNetwork();
        try {
            NetHost h = net.newHost(name, null);
            h.network().setUp("lo", true);
            return net;
        } catch (RuntimeException e) {
            net.closeQuietly(e);
            throw e;
        }
    }

    /** Named hosts on one wire, {@code 10.0.0.i/24} each (see {@link NetworkHosts}). */
    static TestNetwork wired(List<String> names) {
        check(names);
        TestNetwork net = new TestNetwork();
        try {
            for (int i = 0; i < names.size(); i++) net.newHost(names.get(i), address(i + 1));
            List<NetHost> all = List.copyOf(net.hosts.values());
            if (all.size() == 2) {
                all.get(0).network().createVeth(HOST_LINK, HOST_LINK, all.get(1).namespace());
            } else {
                Namespace sw = Namespace.newNetwork();
                net.toClose.add(sw);
                NetworkConfig swNet = NetworkConfig.in(sw);
                net.toClose.add(swNet);
                swNet.createLink(BRIDGE, "bridge");
                swNet.setUp(BRIDGE, true);
                for (NetHost h : all) {
                    swNet.createVeth(h.name(), HOST_LINK, h.namespace());
                    swNet.setMaster(h.name(), BRIDGE);
                    swNet.setUp(h.name(), true);
                }
            }
            for (NetHost h : all) {
                h.network().addAddress(HOST_LINK, new Cidr(h.address().orElseThrow(), 24));
                h.network().setUp(HOST_LINK, true);
                h.network().setUp("lo", true);
            }
            return net;
        } catch (RuntimeException e) {
            net.closeQuietly(e);
            throw e;
        }
    }

    private static void check(List<String> names) {
        if (names.size() < 2 || names.size() > MAX_HOSTS) {
            throw new IllegalArgumentException("@NetworkHosts needs 2 to " + MAX_HOSTS + " host names, got " + names.size());
        }
        Set<String> seen = new HashSet<>();
        for (String n : names) {
            Veth.checkInterfaceName(n); // more than two: the name is the switch's port
            if (!seen.add(n)) throw new IllegalArgumentException("@NetworkHosts names host \"" + n + "\" twice");
        }
    }

    private static InetAddress address(int i) {
        try {
            return InetAddress.getByAddress(new byte[] {10, 0, 0, (byte) i});
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private NetHost newHost(String name, InetAddress address) {
        Namespace ns = Namespace.newNetwork();
        toClose.add(ns);
        NetworkConfig config = NetworkConfig.in(ns);
        toClose.add(config);
        NetHost h = new NetHost(name, ns, config, address);
        hosts.put(name, h);
        return h;
    }

    /** The host the test runs in: the first one. */
    NetHost main() {
        return hosts.values().iterator().next();
    }

    NetHost host(String name) {
        NetHost h = hosts.get(name);
        if (h == null) {
            throw new IllegalArgumentException("no host \"" + name + "\" in this test's network; hosts: " + hosts.keySet());
        }
        return h;
    }

    /**
     * Kills what the test left running in its hosts, then closes every socket and handle,
     * last made first; the kernel then ends the namespaces.
     */
    @Override
    public void close() {
        RuntimeException failure = null;
        try {
            leftovers.kill(hosts.values().stream().map(h -> h.namespace().id().toString()).toList());
        } catch (RuntimeException e) {
            failure = e;
        }
        for (int i = toClose.size() - 1; i >= 0; i--) {
            try {
                toClose.get(i).close();
            } catch (Exception e) {
                if (failure == null) failure = new IllegalStateException("tearing down the test's network: " + e.getMessage(), e);
                else failure.addSuppressed(e);
            }
        }
        toClose.clear();
        if (failure != null) throw failure;
    }

    private void closeQuietly(RuntimeException cause) {
        try {
            close();
        } catch (RuntimeException e) {
            cause.addSuppressed(e);
        }
    }
}
