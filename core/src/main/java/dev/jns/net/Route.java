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
 */
public record Route(Cidr destination, Optional<InetAddress> gateway, OptionalInt outputLink, int table,
                    int protocol, int scope, int type) {
    public boolean isDefault() {
        return destination.prefixLength() == 0;
    }
}
