package dev.jns.net;

/**
 * An IP address configured on a link.
 *
 * @param linkIndex the link's index
 * @param scope     {@code RT_SCOPE_*}: 0 global, 253 link, 254 host
 * @param cidr the address and prefix length
 * @param label the address label (IPv4), or empty
 */
public record Address(int linkIndex, Cidr cidr, String label, int scope) {}
