package dev.jns.ids;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IdSpecsTest {
    @TempDir Path dir;

    private AccountFiles accounts() throws IOException {
        Files.writeString(dir.resolve("passwd"), """
                root:x:0:0:root:/root:/bin/bash
                alice:x:1000:1000::/home/alice:/bin/zsh
                """);
        Files.writeString(dir.resolve("group"), """
                root:x:0:
                staff:x:50:alice
                """);
        return new AccountFiles(dir.resolve("passwd"), dir.resolve("group"));
    }

    @Test
    void usersAreNumbersOrNames() throws IOException {
        AccountFiles a = accounts();
        assertThat(IdSpecs.user("0", a)).isZero();
        assertThat(IdSpecs.user("alice", a)).isEqualTo(1000);
        // A number needs no account, as in util-linux.
        assertThat(IdSpecs.user("123456", a)).isEqualTo(123456);
        assertThat(IdSpecs.user("4294967294", a)).isEqualTo(4294967294L);
    }

    @Test
    void badUsersGetUtilLinuxMessage() throws IOException {
        AccountFiles a = accounts();
        for (String bad : new String[] {"nosuchuser", "-1", "4294967295", "99999999999", ""}) {
            assertThatThrownBy(() -> IdSpecs.user(bad, a)).isInstanceOf(IdSpecException.class)
                    .hasMessage("failed to parse uid '" + bad + "'");
        }
    }

    @Test
    void groupsAreNumbersOrNames() throws IOException {
        AccountFiles a = accounts();
        assertThat(IdSpecs.group("staff", a)).isEqualTo(50);
        assertThat(IdSpecs.group("77", a)).isEqualTo(77);
        assertThatThrownBy(() -> IdSpecs.group("alice", a)).hasMessage("failed to parse gid 'alice'");
    }

    @Test
    void rangesInBothOrders() {
        assertThat(IdSpecs.range("0:100000:65536")).isEqualTo(new IdMap(0, 100000, 65536));
        // the deprecated form names the outside id first
        assertThat(IdSpecs.range("100000,0,65536")).isEqualTo(new IdMap(0, 100000, 65536));
    }

    @Test
    void badRangesAreInvalidMappings() {
        for (String bad : new String[] {"1:2", "a:b:c", "0:0:0", "1:2:3:4", "0:4294967295:2", "1,2:3", "", "auto2"}) {
            assertThatThrownBy(() -> IdSpecs.range(bad)).isInstanceOf(IdSpecException.class)
                    .hasMessage("invalid mapping '" + bad + "'");
        }
    }
}
