package dev.jns.cli;

import dev.jns.testing.JnsInstall;
import dev.jns.testing.LeakCheck;
import dev.jns.testing.RunAs;
import dev.jns.testing.Tool;
import dev.jns.testing.ToolResult;
import dev.jns.testing.UtilLinuxOracle;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code --map-user}/{@code --map-auto}/{@code --map-subids} when {@code /etc/passwd} cannot
 * be read: util-linux 2.42.2 (through NSS) finds no such user and says so in its words;
 * jns must say the same, never a Java exception. Each case runs as uid 1 ({@code daemon})
 * in a private mount namespace where an unreadable copy is bind-mounted over
 * {@code /etc/passwd} (the real file is never touched). Not root or nobody: Debian's
 * nsswitch also asks systemd, which makes those two up when the file fails.
 */
class UnshareUnreadablePasswdTest {
    static JnsInstall jns;
    @RegisterExtension
    final LeakCheck leaks = LeakCheck.asRoot("bind-mount an unreadable passwd in a private mount namespace");
    @TempDir
    Path dir;

    @BeforeAll
    static void build() {
        dev.jns.testing.Privilege.requireRoot("bind-mount an unreadable passwd in a private mount namespace");
        UtilLinuxOracle.dir();
        jns = JnsInstall.shared();
    }


    /** uid and gid 1 ({@code daemon} in Debian's passwd), no supplementary groups. */
    private static final List<String> AS_DAEMON = List.of("setpriv", "--reuid=1", "--regid=1", "--clear-groups", "--");

    /** {@code command} as uid 1 with an unreadable file over /etc/passwd, seen by it alone. */
    private ToolResult withUnreadablePasswd(List<String> command) throws IOException {
        Path passwd = dir.resolve("passwd");
        Files.copy(Path.of("/etc/passwd"), passwd, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.setPosixFilePermissions(passwd, PosixFilePermissions.fromString("---------"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        List<String> argv = new ArrayList<>(List.of("unshare", "--mount", "--propagation=private", "sh", "-c",
                "f=$1; shift; mount --bind \"$f\" /etc/passwd && exec \"$@\"", "sh", passwd.toString()));
        argv.addAll(AS_DAEMON);
        argv.addAll(command);
        return Tool.run(RunAs.caller(), argv);
    }

    private void agree(String expectedMessage, String... args) throws IOException {
        List<String> reference = new ArrayList<>(List.of(UtilLinuxOracle.program("unshare")));
        reference.addAll(List.of(args));
        List<String> ours = new ArrayList<>(List.of("unshare"));
        ours.addAll(List.of(args));
        ToolResult u = withUnreadablePasswd(reference);
        ToolResult j = withUnreadablePasswd(jns.command(ours.toArray(String[]::new)));
        String both = "\nutil-linux 2.42.2: " + u + "\njns: " + j;
        assertThat(u.stderr()).as("util-linux%s", both).isEqualTo("unshare: " + expectedMessage + "\n");
        assertThat(j.stderr()).as("stderr%s", both).isEqualTo(UtilLinuxOracle.asJns("unshare", u.stderr()));
        assertThat(j.shellStatus()).as("status%s", both).isEqualTo(u.shellStatus()).isEqualTo(1);
        assertThat(j.stdout()).as("stdout%s", both).isEqualTo(u.stdout()).isEmpty();
    }

    @Test
    void aUserNameIsNotFound() throws IOException {
        agree("failed to parse uid 'daemon'", "--map-user=daemon", "true");
    }

    @Test
    void subordinateIdsNeedTheCallerInPasswd() throws IOException {
        agree("you (user 1) don't exist.", "--map-auto", "true");
        agree("you (user 1) don't exist.", "--map-subids", "true");
    }
}
