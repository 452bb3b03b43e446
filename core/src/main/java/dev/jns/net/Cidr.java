package dev.jns.net;

import java.net.Inet4Address;
import java.net.InetAddress;

/**
 * An IP address with a prefix length, as written {@code 10.77.0.1/24} or {@code fd00::1/64}.
 * Only literals are accepted: parsing never asks DNS.
 *
 * @param address the address
 * @param prefixLength the prefix length in bits
 */
public record Cidr(InetAddress address, int prefixLength) {
    /** Checks the prefix length against the address family; {@link IllegalArgumentException} otherwise. */
    public Cidr {
        if (prefixLength < 0 || prefixLength > maxPrefix(address)) {
            throw new IllegalArgumentException("prefix length " + prefixLength + " out of range for " + address.getHostAddress());
        }
    }

    /**
     * Parses {@code ADDRESS/LEN}; without {@code /LEN} the prefix is the full address length,
     * as {@code ip} does. Bad input gets {@code ip}'s message.
     *
     * @param text the text
     * @return the address
     */
    public static Cidr parse(String text) {
        int slash = text.indexOf('/');
        String addr = slash < 0 ? text : text.substring(0, slash);
        InetAddress a;
        try {
            a = InetAddress.ofLiteral(addr);
        } catch (IllegalArgumentException e) {
            throw invalid(text);
        }
        if (slash < 0) return new Cidr(a, maxPrefix(a));
        String len = text.substring(slash + 1);
        if (len.isEmpty() || len.length() > 3 || !len.chars().allMatch(Character::isDigit)) throw invalid(text);
        int n = Integer.parseInt(len);
        if (n > maxPrefix(a)) throw invalid(text);
        return new Cidr(a, n);
    }

    private static IllegalArgumentException invalid(String text) {
        return new IllegalArgumentException("any valid prefix is expected rather than \"" + text + "\"");
    }

    private static int maxPrefix(InetAddress a) {
        return a instanceof Inet4Address ? 32 : 128;
    }

    /**
     * {@code AF_INET} or {@code AF_INET6}.
     *
     * @return the family
     */
    public int family() {
        return address instanceof Inet4Address ? 2 : 10;
    }

    /**
     * Whether the address is IPv4.
     *
     * @return true for IPv4
     */
    public boolean isIpv4() {
        return address instanceof Inet4Address;
    }

    /**
     * The network this address lies in: host bits cleared ({@code 10.77.0.0/24} for {@code 10.77.0.1/24}).
     *
     * @return the network
     */
    public Cidr network() {
        byte[] b = address.getAddress();
        for (int bit = prefixLength; bit < b.length * 8; bit++) b[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
        try {
            return new Cidr(InetAddress.getByAddress(b), prefixLength);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return address.getHostAddress() + "/" + prefixLength;
    }
}
