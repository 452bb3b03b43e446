package dev.jns.inventory;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class UserNamesTest {
    @Test
    void firstEntryWinsAndUnknownUidsAreNumbers() {
        UserNames names = UserNames.parse("""
                root:x:0:0:root:/root:/bin/bash
                toor:x:0:0::/root:/bin/sh
                nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin
                broken line
                :x:7:7::/:/bin/sh
                """);
        assertThat(names.nameOf(0)).isEqualTo("root");
        assertThat(names.nameOf(65534)).isEqualTo("nobody");
        assertThat(names.nameOf(7)).isEqualTo("7");
        assertThat(names.nameOf(-1)).isEqualTo("4294967295");
    }

    @Test
    void theMachinesPasswdNamesRoot() {
        assertThat(UserNames.load().nameOf(0)).isEqualTo("root");
    }
}
