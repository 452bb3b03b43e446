package dev.jns.net;

import java.util.Optional;
import java.util.OptionalInt;

/**
 * A network link (interface) as the kernel reports it.
 *
 * @param kind        the driver kind ({@code veth}, {@code dummy}, ...) when the link has one; empty for {@code lo} and physical links
 * @param address     the hardware address as {@code aa:bb:cc:dd:ee:ff}, empty when none
 * @param parentIndex {@code IFLA_LINK}: for a veth, the peer's index (in the peer's namespace)
 * @param peerNsid    {@code IFLA_LINK_NETNSID}: the id, in this namespace, of the namespace the peer lives in
 * @param operState   RFC 2863 state as {@code ip} prints it: {@code UP}, {@code DOWN}, {@code UNKNOWN}, ...
 * @param index the link's index
 * @param name the name
 * @param flags the {@code IFF_*} flags
 * @param mtu the MTU
 */
public record Link(int index, String name, int flags, int mtu, Optional<String> kind, Optional<String> address,
                   OptionalInt parentIndex, OptionalInt peerNsid, String operState) {
    private static final int IFF_UP = 0x1;

    /**
     * Administratively up ({@code IFF_UP}).
     *
     * @return true if up
     */
    public boolean isUp() {
        return (flags & IFF_UP) != 0;
    }
}
