package dev.jns.net;

import dev.jns.ns.NamespaceType;
import dev.jns.spawn.NamespacedProcessBuilder;
import dev.jns.testing.MachineState;
import dev.jns.testing.Privilege;
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
    void notInstalledGivesOneLineSayingWhatToInstall(@TempDir Path tmp) {
        assertThatThrownBy(() -> UserModeNetwork.require(List.of(tmp.resolve("bin"), tmp.resolve("sbin"))))
                .isInstanceOf(NetnsException.class)
                .hasMessage("no outside network for the sandbox: user-mode networking needs slirp4netns (Debian"
                        + " package slirp4netns), which is not installed (searched "
                        + tmp.resolve("bin") + ":" + tmp.resolve("sbin") + ")");
    }

    @Test
    void theFirstOnThePathWins(@TempDir Path tmp) throws Exception {
        Path second = executable(tmp.resolve("b"), "slirp4netns");
        assertThat(UserModeNetwork.require(List.of(tmp.resolve("a"), tmp.resolve("b")))).isEqualTo(second);
        Path first = executable(tmp.resolve("a"), "slirp4netns");
        assertThat(UserModeNetwork.require(List.of(tmp.resolve("a"), tmp.resolve("b")))).isEqualTo(first);
    }

    @Test
    void aNonExecutableFileDoesNotCount(@TempDir Path tmp) throws Exception {
        Files.writeString(Files.createDirectories(tmp.resolve("bin")).resolve("slirp4netns"), "not a program");
        assertThat(UserModeNetwork.find(List.of(tmp.resolve("bin")))).isEmpty();
    }

    @Test
    void aMissingTunDeviceSaysHowToGetOne(@TempDir Path tmp) {
        assertThatThrownBy(() -> UserModeNetwork.requireTun(tmp.resolve("tun")))
                .isInstanceOf(NetnsException.class)
                .hasMessage("no outside network for the sandbox: " + tmp.resolve("tun") + " does not exist (load the"
                        + " tun module: modprobe tun)");
    }

    @Test
    void aFailingSlirp4netnsFailsTheStartWithItsMessageAndLeavesNothing(@TempDir Path tmp) throws Exception {
        Privilege.requireRoot("create a network namespace");
        MachineState before = MachineState.capture();
        Path fake = executable(tmp.resolve("bin"), "slirp4netns");
        Files.writeString(fake, "#!/bin/sh\necho 'WARNING: something first' >&2\necho 'open(\"/dev/net/tun\"): No such device' >&2\nexit 1\n");
        Path ran = tmp.resolve("ran");
        assertThatThrownBy(() -> new NamespacedProcessBuilder("touch", ran.toString()).newNamespaces(NamespaceType.NET)
                .beforeExec(UserModeNetwork.slirp4netns().searchingIn(List.of(tmp.resolve("bin")))).start())
                .isInstanceOf(NetnsException.class)
                .hasMessage("no outside network for the sandbox: slirp4netns failed (exit 1): open(\"/dev/net/tun\"): No such device");
        assertThat(ran).doesNotExist();
        MachineState.assertNothingLeakedSince(before);
    }

    @Test
    void aLaterStepThatFailsStopsTheSlirp4netnsAnEarlierOneStarted(@TempDir Path tmp) throws Exception {
        Privilege.requireRoot("create a network namespace");
        MachineState before = MachineState.capture();
        // Says ready on its stdout, then lives until its stdin (the exit descriptor) closes.
        Path pidFile = tmp.resolve("pid");
        Path fake = executable(tmp.resolve("bin"), "slirp4netns");
        Files.writeString(fake, "#!/bin/sh\necho $$ > " + pidFile + "\nprintf 1\nexec cat > /dev/null\n");
        assertThatThrownBy(() -> new NamespacedProcessBuilder("true").newNamespaces(NamespaceType.NET)
                .beforeExec(UserModeNetwork.slirp4netns().searchingIn(List.of(tmp.resolve("bin"))))
                .beforeExec((pid, ns) -> {
                    throw new IllegalStateException("the second step fails");
                }).start())
                .isInstanceOf(IllegalStateException.class).hasMessage("the second step fails");
        assertThat(Path.of("/proc", Files.readString(pidFile).strip())).doesNotExist();
        MachineState.assertNothingLeakedSince(before);
    }

    @Test
    void theCommandTellsSlirp4netnsWhenToSayReadyAndWhenToExit() {
        assertThat(UserModeNetwork.slirp4netns().command(Path.of("/usr/bin/slirp4netns"), 42)).containsExactly(
                "/usr/bin/slirp4netns", "--configure", "--mtu=65520", "--ready-fd=1", "--exit-fd=0",
                "--disable-host-loopback", "42", "tap0");
        assertThat(UserModeNetwork.slirp4netns().allowHostLoopback(true).command(Path.of("/s"), 7))
                .doesNotContain("--disable-host-loopback");
    }
}
