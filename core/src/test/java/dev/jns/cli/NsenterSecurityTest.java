package dev.jns.cli;

import dev.jns.testing.HeldNamespaces;
import dev.jns.testing.JnsInstall;
import dev.jns.testing.Privilege;
import dev.jns.testing.RunAs;
import dev.jns.testing.Tool;
import dev.jns.testing.ToolResult;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A process inside the namespaces {@code jns nsenter} enters may be hostile. It must not be
 * able to overwrite the helper through {@code /proc/PID/exe} (runc's CVE-2019-5736), nor
 * find any fd of the caller in the program (the CVE-2024-21626 class).
 */
class NsenterSecurityTest {
    static JnsInstall jns;

    @BeforeAll
    static void build() {
        Privilege.requireRoot("create and enter namespaces");
        jns = JnsInstall.shared();
    }


    @Test
    void theHelperCannotBeOverwrittenFromInside() throws Exception {
        Path helper = jns.dir().resolve("core/target/jns-helper");
        String before = sha256(helper);
        Path result = Files.createTempFile("jns-attack", "");
        try (HeldNamespaces t = HeldNamespaces.start(List.of("--net"), "")) {
            // The attack: keep a handle on the helper's executable, wait until the helper has
            // exited (a running file cannot be written), then reopen it for writing.
            // The program waits until the attacker holds the handle: otherwise the helper could be
            // gone before the attacker looks, and the test would prove nothing.
            Path ready = Path.of(result + ".ready");
            String attack = "(exec 3</proc/$PPID/exe; : > " + ready + "; helper=$PPID;"
                    + " while kill -0 $helper 2>/dev/null; do sleep 0.05; done; "
                    + "readlink /proc/self/fd/3 > " + result + "; "
                    + "if printf MZ >> /proc/self/fd/3 2>/dev/null; then echo written; else echo refused; fi >> " + result + ") &"
                    + " for i in $(seq 500); do [ -e " + ready + " ] && break; sleep 0.01; done";
            ToolResult r = Tool.run(RunAs.caller(), jns.command("nsenter", "-t", "" + t.pid(), "-n", "sh", "-c", attack));
            assertThat(r.exit()).as("%s", r).isZero();
            for (int i = 0; i < 500 && Files.readAllLines(result).size() < 2; i++) Thread.sleep(10);
            List<String> seen = Files.readAllLines(result);
            assertThat(seen).as("what the attacker saw").hasSize(2);
            assertThat(seen.get(0)).as("the helper's executable").startsWith("/memfd:jns-helper");
            assertThat(seen.get(1)).isEqualTo("refused");
        } finally {
            Files.delete(result);
            Files.deleteIfExists(Path.of(result + ".ready"));
        }
        assertThat(sha256(helper)).as("the helper on disk").isEqualTo(before);
    }

    @Test
    void theProgramInsideGetsNoFdOfTheCaller() throws Exception {
        try (HeldNamespaces t = HeldNamespaces.start(List.of("--net", "--mount"), "")) {
            // ls itself holds fd 3 on the directory it lists.
            ToolResult r = Tool.run(RunAs.caller(), jns.command("nsenter", "-t", "" + t.pid(), "-n", "-m", "ls", "/proc/self/fd"));
            assertThat(r.stdout()).as("%s", r).isEqualTo("0\n1\n2\n3\n");
            ToolResult reference = Tool.run(RunAs.caller(), List.of("nsenter", "-t", "" + t.pid(), "-n", "-m", "ls", "/proc/self/fd"));
            assertThat(r.stdout()).isEqualTo(reference.stdout());
        }
    }

    private static String sha256(Path p) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p)));
    }
}
