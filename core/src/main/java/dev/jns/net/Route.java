package dev.jns.net;

import java.net.InetAddress;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A route from the kernel's tables.
 *
 * @param destination the destination network; prefix length 0 for a default route
 * @param table       routing table id (254 main, 255 local)
 * @param type        {@code RTN_*}: 1 unicast, 2 local, ...
 * @param gateway the gateway
 * @param outputLink the outgoing link's index, if any
 * @param protocol {@code RTPROT_*}: who added it
 * @param scope {@code RT_SCOPE_*}
 */
public record Route(Cidr destination, Optional<InetAddress> gateway, OptionalInt outputLink, int table,
                    int protocol, int scope, int type) {
    /**
     * Whether this is a default route (prefix length 0).
     *
     * @return true for a default route
     */
    public boolean isDefault() {
        return destination.prefixLength() == 0;
    }
}
