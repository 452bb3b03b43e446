package dev.jns.net;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class UserModeNetworkTest {
    private static Path executable(Path dir, String name) throws Exception {
        Path p = Files.createDirectories(dir).resolve(name);
        Files.writeString(p, "#!/bin/sh\n");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        return p;
    }

    @Test
    void neitherInstalledGivesOneLineSayingWhatToInstall(@TempDir Path tmp) {
        assertThatThrownBy(() -> UserModeNetwork.require(List.of(tmp.resolve("bin"), tmp.resolve("sbin"))))
                .isInstanceOf(NetnsException.class)
                .hasMessage("no outside network for an unprivileged network namespace: it needs pasta (Debian"
                        + " package passt) or slirp4netns, and neither is installed (searched "
                        + tmp.resolve("bin") + ":" + tmp.resolve("sbin") + ")");
    }

    @Test
    void pastaIsPreferredOverSlirp4netnsWhereverEachIs(@TempDir Path tmp) throws Exception {
        Path slirp = executable(tmp.resolve("a"), "slirp4netns");
        assertThat(UserModeNetwork.require(List.of(tmp.resolve("a"), tmp.resolve("b"))))
                .isEqualTo(new UserModeNetwork.Found(UserModeNetwork.Tool.SLIRP4NETNS, slirp));
        Path pasta = executable(tmp.resolve("b"), "pasta");
        assertThat(UserModeNetwork.require(List.of(tmp.resolve("a"), tmp.resolve("b"))))
                .isEqualTo(new UserModeNetwork.Found(UserModeNetwork.Tool.PASTA, pasta));
    }

    @Test
    void aNonExecutableFileDoesNotCount(@TempDir Path tmp) throws Exception {
        Files.writeString(Files.createDirectories(tmp.resolve("bin")).resolve("pasta"), "not a program");
        assertThat(UserModeNetwork.find(List.of(tmp.resolve("bin")))).isEmpty();
    }
}
