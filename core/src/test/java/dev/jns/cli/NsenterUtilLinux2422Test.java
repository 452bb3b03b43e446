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

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code jns nsenter} next to util-linux 2.42.2's own {@code nsenter} (the version jns
 * follows, built without SELinux) for command lines rejected before anything is entered:
 * the same words after the program name, the same status, nothing on stdout.
 */
class NsenterUtilLinux2422Test {
    static JnsInstall jns;
    @RegisterExtension
    final LeakCheck leaks = LeakCheck.asCaller();

    @BeforeAll
    static void build() {
        UtilLinuxOracle.dir();
        jns = JnsInstall.shared();
    }


    /** Runs {@code nsenter args} through both and requires the same outcome; returns util-linux's. */
    private static ToolResult agree(String... args) {
        List<String> reference = new ArrayList<>(List.of(UtilLinuxOracle.program("nsenter")));
        reference.addAll(List.of(args));
        List<String> ours = new ArrayList<>(List.of("nsenter"));
        ours.addAll(List.of(args));
        ToolResult u = Tool.run(RunAs.caller(), reference);
        ToolResult j = Tool.run(RunAs.caller(), jns.command(ours.toArray(String[]::new)));
        String both = "\nutil-linux 2.42.2: " + u + "\njns: " + j;
        assertThat(j.stderr()).as("stderr of nsenter %s%s", List.of(args), both)
                .isEqualTo(UtilLinuxOracle.asJns("nsenter", u.stderr()));
        assertThat(j.shellStatus()).as("status of nsenter %s%s", List.of(args), both).isEqualTo(u.shellStatus());
        assertThat(j.stdout()).as("stdout of nsenter %s%s", List.of(args), both).isEqualTo(u.stdout());
        return u;
    }

    @Test
    void aTargetThatIsNotAPidIsAnInvalidPidArgument() {
        for (String bad : new String[] {"notapid", "-5", "0", "5 ", "12x", "1:abc", "1:-5", "1:0", ""}) {
            assertThat(agree("-t", bad, "-n", "true").stderr()).as("-t '%s'", bad).isEqualTo("nsenter: invalid PID argument\n");
        }
    }

    @Test
    void followContextIsNotAnOptionWithoutSelinux() {
        // -Z is in the getopt string but handled by no case: only the "Try" line, status 1.
        assertThat(agree("-Z", "-t", "1", "-n", "true").stderr()).isEqualTo("Try 'nsenter --help' for more information.\n");
        agree("-Z", "true");
        agree("--follow-context", "true");
        // Options are read in order: whichever bad one comes first is reported.
        agree("-t", "x", "-Z", "true");
        agree("-Z", "-t", "x", "true");
        ToolResult help = Tool.run(RunAs.caller(), jns.command("nsenter", "--help"));
        assertThat(help.stdout()).contains("--user-parent").doesNotContain("-Z").doesNotContain("--follow-context");
    }
}
