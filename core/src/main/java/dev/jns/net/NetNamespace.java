package dev.jns.net;

import dev.jns.ns.Namespace;
import dev.jns.ns.ThrowingCallable;

import java.util.OptionalInt;

/**
 * A named, persistent network namespace in {@code /run/netns} — the same thing
 * {@code ip netns add} makes, visible to {@code ip netns} and {@code jns netns}.
 *
 * <p>One made with {@link #create} is deleted by {@link #close()}: its name, its mount
 * and, once nothing else holds it, the namespace itself with every link in it (a veth's
 * other end, wherever it is, goes too). One opened with {@link #open} is only released.
 */
public final class NetNamespace implements AutoCloseable {
    private final String name;
    private final Namespace handle;
    private final boolean owned;
    private NetworkConfig network;
    private boolean closed;

    private NetNamespace(String name, Namespace handle, boolean owned) {
        this.name = name;
        this.handle = handle;
        this.owned = owned;
    }

    /**
     * Creates the namespace {@code name}; fails if the name is taken. Its {@code lo} is down, as after {@code ip netns add}.
     *
     * @param name the name
     * @return the handle; close it to delete the namespace
     */
    public static NetNamespace create(String name) {
        NetnsDirectory.add(name);
        try {
            return new NetNamespace(name, NetnsDirectory.open(name), true);
        } catch (RuntimeException e) {
            NetnsDirectory.delete(name);
            throw e;
        }
    }

    /**
     * An existing named namespace (made by jns or by {@code ip netns add}); closing it does not delete it.
     *
     * @param name the name
     * @return the handle
     */
    public static NetNamespace open(String name) {
        return new NetNamespace(name, NetnsDirectory.open(name), false);
    }

    /**
     * The namespace's name in {@code /run/netns}.
     *
     * @return the name
     */
    public String name() { return name; }

    /**
     * The namespace handle (an open nsfs fd), for spawning into it or joining it.
     *
     * @return the handle
     */
    public Namespace namespace() { return handle; }

    /**
     * Links, addresses and routes inside this namespace. Owned by this object: do not close it.
     *
     * @return the configuration
     */
    public synchronized NetworkConfig network() {
        ensureOpen();
        if (network == null) network = NetworkConfig.in(handle);
        return network;
    }

    /**
     * Runs Java code inside this namespace (sockets it opens live here) and returns its result.
     *
     * @param <T> the result type
     * @param <E> the checked exception {@code body} may throw
     * @param body the code to run
     * @return what {@code body} returned
     * @throws E what {@code body} throws
     */
    public <T, E extends Exception> T run(ThrowingCallable<T, E> body) throws E {
        ensureOpen();
        return handle.run(body);
    }

    /**
     * The id the calling thread's network namespace has for this one ({@code ip netns list}'s "id"), if any.
     *
     * @return the id, or empty
     */
    public OptionalInt id() {
        try (NetworkConfig here = NetworkConfig.current()) {
            return here.nsidOf(handle);
        }
    }

    private void ensureOpen() {
        if (closed) throw new IllegalStateException("network namespace " + name + " is closed");
    }

    /** Releases the socket and handle; for a namespace this object created, also deletes it. */
    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        // The socket and the fd each hold the namespace: release them before removing the name.
        if (network != null) network.close();
        handle.close();
        if (owned) NetnsDirectory.delete(name);
    }

    @Override
    public String toString() { return "netns " + name + " (" + handle.id() + ")"; }
}
