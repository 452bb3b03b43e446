package dev.jns.ids;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SubordinateIdsTest {
    @TempDir Path dir;
    AccountFiles accounts;

    @BeforeEach
    void accounts() throws IOException {
        Files.writeString(dir.resolve("passwd"), """
                root:x:0:0:root:/root:/bin/bash
                alice:x:1000:1000::/home/alice:/bin/sh
                bob:x:1001:1001::/home/bob:/bin/sh
                carol:x:1002:1002::/home/carol:/bin/sh
                """);
        accounts = new AccountFiles(dir.resolve("passwd"), dir.resolve("group"));
    }

    @Test
    void firstBlockByNameOrUid() throws IOException {
        Path f = Files.writeString(dir.resolve("subuid"), """
                alice:100000:65536
                alice:300000:10
                1001:200000:1000
                """);
        SubordinateIds ids = new SubordinateIds(f);
        assertThat(ids.firstBlockOf(1000, accounts)).isEqualTo(new SubordinateIds.Block(100000, 65536));
        assertThat(ids.firstBlockOf(1001, accounts)).isEqualTo(new SubordinateIds.Block(200000, 1000));
    }

    @Test
    void missingEntryNamesUserAndFile() throws IOException {
        Path f = Files.writeString(dir.resolve("subuid"), "alice:100000:65536\n");
        assertThatThrownBy(() -> new SubordinateIds(f).firstBlockOf(1002, accounts))
                .hasMessage("no line matching user \"carol\" in " + f);
    }

    @Test
    void unknownCallerAndMissingFile() {
        SubordinateIds ids = new SubordinateIds(dir.resolve("absent"));
        assertThatThrownBy(() -> ids.firstBlockOf(4242, accounts)).hasMessage("you (user 4242) don't exist.");
        assertThatThrownBy(() -> ids.firstBlockOf(0, accounts))
                .hasMessage("could not open '" + dir.resolve("absent") + "': No such file or directory");
    }

    @Test
    void unparsableNumbersAreReported() throws IOException {
        Path f = Files.writeString(dir.resolve("subuid"), "alice:lots:65536\n");
        assertThatThrownBy(() -> new SubordinateIds(f).firstBlockOf(1000, accounts))
                .hasMessage("failed to parse subid map: 'lots'");
    }
}
