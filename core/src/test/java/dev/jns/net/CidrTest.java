package dev.jns.net;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CidrTest {
    @Test
    void parsesIpv4AndIpv6WithAndWithoutPrefix() {
        assertThat(Cidr.parse("10.77.0.1/24")).hasToString("10.77.0.1/24");
        assertThat(Cidr.parse("10.77.0.1").prefixLength()).isEqualTo(32);
        assertThat(Cidr.parse("fd77::1/64").isIpv4()).isFalse();
        assertThat(Cidr.parse("fd77::1").prefixLength()).isEqualTo(128);
        assertThat(Cidr.parse("0.0.0.0/0").prefixLength()).isZero();
    }

    @Test
    void networkClearsTheHostBits() {
        assertThat(Cidr.parse("10.77.9.130/25").network()).hasToString("10.77.9.128/25");
        assertThat(Cidr.parse("fd77:1:2:3:4::1/48").network()).isEqualTo(Cidr.parse("fd77:1:2::/48"));
        assertThat(Cidr.parse("10.1.2.3/0").network()).hasToString("0.0.0.0/0");
    }

    @Test
    void badInputGetsIpsMessageAndNeverAsksDns() {
        for (String bad : new String[] {"10.77.0.300/24", "10.77.0.1/33", "fd77::1/129", "10.77.0.1/", "10.77.0.1/-1",
                "10.77.0.1/2x", "localhost/8", "example.com", "", "/24", "10.77.0.1/24/1"}) {
            assertThatThrownBy(() -> Cidr.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("any valid prefix is expected rather than \"" + bad + "\"");
        }
    }
}
