package dev.jns.net;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NetnsNamesTest {
    @Test
    void rejectsWhatIpRejects() {
        for (String bad : new String[] {"", ".", "..", "a/b", "/", "x".repeat(255)}) {
            assertThatThrownBy(() -> NetnsDirectory.checkName(bad)).as(bad).isInstanceOf(NetnsException.class)
                    .hasMessage("Invalid netns name \"" + bad + "\"");
        }
    }

    @Test
    void acceptsWhatIpAccepts() {
        for (String ok : new String[] {"a", "sp ace", "x".repeat(254), "..a", "host-a"}) {
            NetnsDirectory.checkName(ok);
            assertThat(NetnsDirectory.path(ok).getParent()).isEqualTo(NetnsDirectory.DIR);
        }
    }
}
