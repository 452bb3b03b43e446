package dev.jns.net;

import dev.jns.os.Errno;
import dev.jns.testing.Json;
import dev.jns.testing.LeakCheck;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.InetAddress;
import java.util.List;
import java.util.Map;

import static dev.jns.net.Shell.ok;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The rtnetlink operations, each checked against what {@code ip -n NS -j ...} reports, and the other way round. */
class NetworkConfigTest {
    private final String name = Shell.uniqueName("cfg"), other = Shell.uniqueName("oth");
    @RegisterExtension
    final LeakCheck leaks = LeakCheck.asRoot("create network namespaces and links");
    private NetNamespace ns;

    @BeforeEach
    void setUp() {
        ns = NetNamespace.create(name);
    }

    @AfterEach
    void tearDown() {
        if (ns == null) return;
        ns.close();
        Shell.deleteQuietly(name, other);
    }

    private Map<String, Object> ipLink(String ifname) {
        return Json.parseArray(ok("ip", "-n", name, "-j", "link", "show", "dev", ifname)).getFirst();
    }

    @Test
    void linkChangesAreWhatIpReports() {
        NetworkConfig net = ns.network();
        net.createVeth("v0", "v1");
        net.setMtu("v0", 1400);
        net.rename("v1", "peer1");
        net.setUp("v0", true);
        net.setUp("peer1", true);

        Map<String, Object> v0 = ipLink("v0");
        assertThat(((Number) v0.get("mtu")).longValue()).isEqualTo(1400L);
        assertThat(NetnsCliInteropTest.flags(v0.get("flags"))).contains("UP");
        assertThat(ipLink("peer1").get("ifname")).isEqualTo("peer1");

        Link mine = net.link("v0").orElseThrow();
        assertThat(mine.index()).isEqualTo(((Number) v0.get("ifindex")).intValue());
        assertThat(mine.address()).hasValue((String) v0.get("address"));
        assertThat(mine.kind()).hasValue("veth");
        assertThat(mine.isUp()).isTrue();

        net.setUp("v0", false);
        assertThat(NetnsCliInteropTest.flags(ipLink("v0").get("flags"))).doesNotContain("UP");
        assertThat(net.link("nope")).isEmpty();
    }

    @Test
    void jnsReadsTheLinksIpMade() {
        ok("ip", "-n", name, "link", "add", "ipv0", "mtu", "1300", "type", "veth", "peer", "name", "ipv1");
        ok("ip", "-n", name, "link", "set", "ipv0", "up");
        List<Map<String, Object>> ipLinks = Json.parseArray(ok("ip", "-n", name, "-j", "link"));
        List<Link> links = ns.network().links();
        assertThat(links).extracting(Link::name)
                .containsExactlyElementsOf(ipLinks.stream().map(l -> (String) l.get("ifname")).toList());
        Link v0 = links.stream().filter(l -> l.name().equals("ipv0")).findFirst().orElseThrow();
        assertThat(v0.mtu()).isEqualTo(1300);
        assertThat(v0.isUp()).isTrue();
        Link v1 = links.stream().filter(l -> l.name().equals("ipv1")).findFirst().orElseThrow();
        assertThat(v0.parentIndex()).hasValue(v1.index());
    }

    @Test
    void addressesBothWays() {
        NetworkConfig net = ns.network();
        net.setUp("lo", true);
        net.addAddress("lo", Cidr.parse("10.77.4.1/24"));
        net.addAddress("lo", Cidr.parse("fd77:4::1/64"));
        assertThat(NetnsCliInteropTest.addressesJson(name, "lo")).contains("10.77.4.1/24", "fd77:4::1/64");

        ok("ip", "-n", name, "addr", "add", "10.77.5.9/16", "dev", "lo");
        assertThat(net.addresses("lo")).extracting(a -> a.cidr().toString())
                .contains("127.0.0.1/8", "10.77.4.1/24", "10.77.5.9/16", "fd77:4:0:0:0:0:0:1/64");

        net.deleteAddress("lo", Cidr.parse("10.77.4.1/24"));
        assertThat(NetnsCliInteropTest.addressesJson(name, "lo")).doesNotContain("10.77.4.1/24").contains("10.77.5.9/16");
    }

    @Test
    void kernelExplanationIsInTheException() {
        NetworkConfig net = ns.network();
        net.addAddress("lo", Cidr.parse("10.77.6.1/24"));
        assertThatThrownBy(() -> net.addAddress("lo", Cidr.parse("10.77.6.1/24")))
                .isInstanceOfSatisfying(NetlinkException.class, e -> {
                    assertThat(e.errno()).isEqualTo(Errno.EEXIST);
                    assertThat(e.kernelMessage()).hasValue("ipv4: Address already assigned");
                    assertThat(e.getMessage()).isEqualTo(
                            "add address 10.77.6.1/24 to lo: ipv4: Address already assigned (EEXIST)");
                });
        assertThatThrownBy(() -> net.setUp("nope", true))
                .isInstanceOfSatisfying(NetlinkException.class, e -> assertThat(e.errno()).isEqualTo(Errno.ENODEV));
    }

    @Test
    void routesIncludingDefaultBothWays() {
        NetworkConfig net = ns.network();
        net.createVeth("r0", "r1");
        net.setUp("r0", true);
        net.setUp("r1", true);
        net.addAddress("r0", Cidr.parse("10.77.7.1/24"));
        net.addRoute(Cidr.parse("10.78.0.0/16"), "r0");
        net.addRoute(Cidr.parse("10.79.0.0/16"), InetAddress.ofLiteral("10.77.7.254"));
        net.addDefaultRoute(InetAddress.ofLiteral("10.77.7.254"));

        List<Map<String, Object>> ipRoutes = Json.parseArray(ok("ip", "-n", name, "-j", "route"));
        assertThat(ipRoutes).extracting(r -> r.get("dst") + " " + r.getOrDefault("gateway", "-") + " " + r.get("dev"))
                .contains("default 10.77.7.254 r0", "10.78.0.0/16 - r0", "10.79.0.0/16 10.77.7.254 r0");

        ok("ip", "-n", name, "route", "add", "10.80.0.0/16", "via", "10.77.7.253");
        List<Route> mine = net.routes().stream().filter(r -> r.table() == 254 && r.destination().isIpv4()).toList();
        assertThat(mine).extracting(r -> r.destination() + " " + r.gateway().map(InetAddress::getHostAddress).orElse("-"))
                .contains("0.0.0.0/0 10.77.7.254", "10.78.0.0/16 -", "10.79.0.0/16 10.77.7.254",
                        "10.80.0.0/16 10.77.7.253", "10.77.7.0/24 -");
        assertThat(mine.stream().filter(Route::isDefault)).hasSize(1);

        net.deleteRoute(Cidr.parse("0.0.0.0/0"));
        net.deleteRoute(Cidr.parse("10.80.0.0/16"));
        assertThat(ok("ip", "-n", name, "route")).doesNotContain("default", "10.80.0.0");

        net.addAddress("r0", Cidr.parse("fd77:7::1/64"));
        net.addDefaultRoute(InetAddress.ofLiteral("fd77:7::254"));
        net.addRoute(Cidr.parse("fd78::/48"), "r0");
        List<Map<String, Object>> ip6 = Json.parseArray(ok("ip", "-n", name, "-6", "-j", "route"));
        assertThat(ip6).extracting(r -> r.get("dst") + " " + r.getOrDefault("gateway", "-") + " " + r.get("dev"))
                .contains("default fd77:7::254 r0", "fd78::/48 - r0");
        net.deleteRoute(Cidr.parse("::/0"));
        assertThat(ok("ip", "-n", name, "-6", "route")).doesNotContain("default");
    }

    @Test
    void vethPeerMadeStraightInAnotherNamespaceAndLinksMovedByFdAndByPid() throws Exception {
        try (NetNamespace o = NetNamespace.create(other)) {
            ns.network().createVeth("x0", "x1", o.namespace());
            assertThat(ns.network().link("x1")).isEmpty();
            assertThat(o.network().link("x1")).isPresent();
            assertThat(ok("ip", "-n", other, "-o", "link", "show", "x1")).contains("x1@");

            ns.network().createVeth("m0", "m1");
            ns.network().moveLink("m1", o.namespace());
            assertThat(o.network().link("m1")).isPresent();

            Process sleeper = new ProcessBuilder("ip", "netns", "exec", other, "sleep", "30").start();
            try {
                NetnsCliInteropTest.waitUntil(() -> NetnsDirectory.pids(other).contains((int) sleeper.pid()));
                ns.network().moveLinkToPid("m0", (int) sleeper.pid());
                assertThat(o.network().link("m0")).isPresent();
                assertThat(ns.network().link("m0")).isEmpty();
            } finally {
                sleeper.destroy();
                sleeper.waitFor();
            }
        }
        // The other namespace is gone and its links with it; x0's peer was there, so x0 goes too.
        NetnsCliInteropTest.waitUntil(() -> ns.network().link("x0").isEmpty());
    }

    @Test
    void nsidSetByJnsIsWhatIpListsAndReadBack() {
        try (NetworkConfig host = NetworkConfig.current()) {
            assertThat(host.nsidOf(ns.namespace())).isEmpty();
            host.setNsid(ns.namespace(), 4242);
            assertThat(host.nsidOf(ns.namespace())).hasValue(4242);
            assertThat(ns.id()).hasValue(4242);
        }
        assertThat(ok("ip", "netns", "list")).contains(name + " (id: 4242)\n");
    }

    @Test
    void largeDumpSpansManyDatagramsAndMatchesIp() {
        NetworkConfig net = ns.network();
        for (int i = 0; i < 150; i++) net.createVeth("a" + i, "b" + i);
        List<Link> links = net.links();
        assertThat(links).hasSize(301); // lo + 300: far more than one 32 KiB datagram holds
        List<Map<String, Object>> ipLinks = Json.parseArray(ok("ip", "-n", name, "-j", "link"));
        assertThat(links).extracting(Link::index)
                .containsExactlyElementsOf(ipLinks.stream().map(l -> ((Number) l.get("ifindex")).intValue()).toList());
    }
}
