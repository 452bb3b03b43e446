/**
 * Network namespaces without the {@code ip} binary.
 *
 * <ul>
 *   <li>{@link dev.jns.net.NetnsDirectory}: iproute2's {@code /run/netns} convention (add, attach,
 *       delete, list, identify, pids), so that {@code ip netns} and jns share named namespaces.</li>
 *   <li>{@link dev.jns.net.NetNamespace}: one named namespace as an {@code AutoCloseable} object;
 *       {@link dev.jns.net.Veth} wires two of them; {@link dev.jns.net.NetworkConfig} reads and
 *       changes links, addresses, routes and namespace ids inside one, over rtnetlink.</li>
 *   <li>What a spawned process gets: {@link dev.jns.net.NetnsExec}, {@code ip netns exec}'s
 *       mounts; {@link dev.jns.net.VethUplink}, a veth from its new namespace to the host or a
 *       named namespace; {@link dev.jns.net.UserModeNetwork}, outside connectivity through
 *       slirp4netns without root. The last two are before-exec steps of the spawn builder.</li>
 * </ul>
 */
package dev.jns.net;
