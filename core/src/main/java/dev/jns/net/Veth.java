package dev.jns.net;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A veth pair between two named network namespaces: a virtual cable whose two ends are
 * links, one in each. {@link #connect} makes it whole — both ends, their addresses, both
 * ends and {@code lo} up — or, on any failure, not at all.
 *
 * <p>Default interface names: the end in namespace A is called {@code to-B} and the end in
 * B {@code to-A}, cut to the kernel's 15 bytes; so inside {@code host-a},
 * {@code to-host-b} leads to {@code host-b}.
 *
 * @param nameInA the interface name in A
 * @param nameInB the interface name in B
 */
public record Veth(String nameInA, String nameInB) {
    private static final int IFNAMSIZ = 16;

    /**
     * One end: the namespace, the interface name there and the addresses it gets.
     *
     * @param namespace the namespace
     * @param interfaceName the interface name there
     * @param addresses the addresses it gets
     */
    public record End(NetNamespace namespace, String interfaceName, List<Cidr> addresses) {
        /** Checks the interface name and copies the addresses. */
        public End {
            checkInterfaceName(interfaceName);
            addresses = List.copyOf(addresses);
        }
    }

    /**
     * The scenario's one-liner: default names, one address each.
     *
     * @param a one namespace
     * @param cidrA A's address, e.g. {@code 10.77.0.1/24}
     * @param b the other namespace
     * @param cidrB B's address
     * @return the pair
     */
    public static Veth connect(NetNamespace a, String cidrA, NetNamespace b, String cidrB) {
        Cidr ca = Cidr.parse(cidrA), cb = Cidr.parse(cidrB);
        return connect(new End(a, defaultName(b.name()), List.of(ca)), new End(b, defaultName(a.name()), List.of(cb)));
    }

    /**
     * Creates the pair (the B end straight inside B, so it never appears in A), assigns the
     * addresses, brings both ends and both {@code lo} up. If a step fails the pair is
     * deleted again and the error is thrown.
     *
     * @param a one namespace
     * @param b the other namespace
     * @return the pair
     */
    public static Veth connect(End a, End b) {
        if (a.namespace().namespace().equals(b.namespace().namespace())) {
            throw new IllegalArgumentException("cannot connect " + a.namespace().name() + " to itself");
        }
        NetworkConfig na = a.namespace().network(), nb = b.namespace().network();
        na.createVeth(a.interfaceName(), b.interfaceName(), b.namespace().namespace());
        try {
            configure(na, a);
            configure(nb, b);
        } catch (RuntimeException e) {
            try {
                na.deleteLink(a.interfaceName());
            } catch (RuntimeException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
        return new Veth(a.interfaceName(), b.interfaceName());
    }

    private static void configure(NetworkConfig net, End end) {
        for (Cidr c : end.addresses()) net.addAddress(end.interfaceName(), c);
        net.setUp(end.interfaceName(), true);
        net.setUp("lo", true);
    }

    /**
     * {@code to-PEER}, cut to 15 bytes.
     *
     * @param peerNamespace the peer namespace's name
     * @return the name
     */
    public static String defaultName(String peerNamespace) {
        byte[] b = ("to-" + peerNamespace).getBytes(StandardCharsets.UTF_8);
        int n = Math.min(b.length, IFNAMSIZ - 1);
        // Do not cut a UTF-8 sequence in half.
        while (n > 0 && n < b.length && (b[n] & 0xc0) == 0x80) n--;
        return new String(b, 0, n, StandardCharsets.UTF_8);
    }

    /**
     * The kernel's rule ({@code dev_valid_name}): 1–15 bytes, not . or .., no '/', ':' or whitespace.
     *
     * @param name the name
     */
    public static void checkInterfaceName(String name) {
        int bytes = name.getBytes(StandardCharsets.UTF_8).length;
        boolean ok = bytes > 0 && bytes < IFNAMSIZ && !name.equals(".") && !name.equals("..")
                && name.chars().noneMatch(c -> c == '/' || c == ':' || Character.isWhitespace(c));
        if (!ok) {
            throw new IllegalArgumentException("\"" + name + "\" is not a valid interface name"
                    + " (1-15 bytes, no '/', ':' or whitespace)");
        }
    }
}
