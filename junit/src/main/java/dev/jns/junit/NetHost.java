package dev.jns.junit;

import dev.jns.net.NetworkConfig;
import dev.jns.ns.Namespace;
import dev.jns.ns.ThrowingCallable;

import java.net.InetAddress;
import java.util.Optional;
import java.util.concurrent.ThreadFactory;

/**
 * One host of a test's network: a network namespace of its own, its address on the test's
 * wire (none for an {@link IsolatedNetwork}), and the way to run code in it. Valid during
 * the test; the extension closes it after.
 */
public final class NetHost {
    private final String name;
    private final Namespace namespace;
    private final NetworkConfig network;
    private final InetAddress address;

    NetHost(String name, Namespace namespace, NetworkConfig network, InetAddress address) {
        this.name = name;
        this.namespace = namespace;
        this.network = network;
        this.address = address;
    }

    /**
     * The host's name, as given in {@link NetworkHosts}.
     *
     * @return the name
     */
    public String name() { return name; }

    /**
     * The address of its {@code eth0}, {@code 10.0.0.i}; empty for an {@link IsolatedNetwork}.
     *
     * @return the address, or empty
     */
    public Optional<InetAddress> address() { return Optional.ofNullable(address); }

    /**
     * The namespace handle (owned by the extension: do not close it).
     *
     * @return the handle
     */
    public Namespace namespace() { return namespace; }

    /**
     * Links, addresses and routes in this host (owned by the extension: do not close it).
     *
     * @return the configuration
     */
    public NetworkConfig network() { return network; }

    /**
     * Runs {@code body} in this host and returns its result (see {@link Namespace#run}).
     *
     * @param <T>  the result type
     * @param <E>  the checked exception {@code body} may throw
     * @param body the code to run
     * @return what {@code body} returned
     * @throws E what {@code body} throws
     */
    public <T, E extends Exception> T run(ThrowingCallable<T, E> body) throws E {
        return namespace.run(body);
    }

    /**
     * Threads that live in this host, for servers that must outlive a {@link #run} call.
     *
     * @return the factory
     */
    public ThreadFactory threadFactory() {
        return namespace.threadFactory();
    }

    @Override
    public String toString() {
        return "host " + name + (address == null ? "" : " " + address.getHostAddress()) + " (" + namespace + ")";
    }
}
