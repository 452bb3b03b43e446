package dev.jns.net;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class VethNamesTest {
    @Test
    void defaultNameLeadsToThePeerAndFitsTheKernelLimit() {
        assertThat(Veth.defaultName("host-b")).isEqualTo("to-host-b");
        assertThat(Veth.defaultName("a-rather-long-namespace")).isEqualTo("to-a-rather-lon").hasSize(15);
        // 15 bytes, never half a UTF-8 character.
        String cut = Veth.defaultName("ééééééééé");
        assertThat(cut.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(15);
        assertThat(cut).isEqualTo("to-éééééé");
    }

    @Test
    void interfaceNamesFollowTheKernelsRule() {
        Veth.checkInterfaceName("eth0");
        Veth.checkInterfaceName("a23456789012345");
        for (String bad : new String[] {"", ".", "..", "a/b", "a:b", "a b", "a\tb", "a234567890123456"}) {
            assertThatThrownBy(() -> Veth.checkInterfaceName(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("is not a valid interface name");
        }
    }
}
