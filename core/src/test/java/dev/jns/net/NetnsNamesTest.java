package dev.jns.net;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NetnsNamesTest {
    @Test
    void rejectsWhatIpRejects() {
        for (String bad : new String[] {"", ".", "..", "a/b", "/", "x".repeat(256), "é".repeat(128)}) {
            assertThatThrownBy(() -> NetnsDirectory.checkName(bad)).as(bad).isInstanceOf(NetnsException.class)
                    .hasMessage("Invalid netns name \"" + bad + "\"");
        }
    }

    /** ip's limit is NAME_MAX (255) bytes: {@code ip netns add} takes a 255-byte name, not a 256-byte one. */
    @Test
    void acceptsWhatIpAccepts() {
        for (String ok : new String[] {"a", "sp ace", "x".repeat(255), "é".repeat(127), "..a", "host-a"}) {
            NetnsDirectory.checkName(ok);
            assertThat(NetnsDirectory.path(ok).getParent()).isEqualTo(NetnsDirectory.DIR);
        }
    }
}
