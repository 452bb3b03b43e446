/**
 * Network namespaces without the {@code ip} binary.
 *
 * <ul>
 *   <li>{@link dev.jns.net.NetnsDirectory}: iproute2's {@code /run/netns} convention (add, attach,
 *       delete, list, identify, pids), so that {@code ip netns} and jns share named namespaces.</li>
 *   <li>{@link dev.jns.net.NetNamespace}: one named namespace as an {@code AutoCloseable} object;
 *       {@link dev.jns.net.Veth} wires two of them; {@link dev.jns.net.NetworkConfig} reads and
 *       changes links, addresses, routes and namespace ids inside one, over rtnetlink
 *       ({@link dev.jns.net.rtnl}).</li>
 *   <li>{@link dev.jns.net.NetnsExec} and {@link dev.jns.net.SandboxNetwork}: what a spawned
 *       process gets — {@code ip netns exec}'s mounts, or a new namespace with {@code lo} up and
 *       an optional veth. {@link dev.jns.net.UserModeNetwork} finds pasta or slirp4netns for
 *       unprivileged users.</li>
 * </ul>
 */
package dev.jns.net;
