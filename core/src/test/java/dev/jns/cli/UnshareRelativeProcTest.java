package dev.jns.cli;

import dev.jns.testing.JnsInstall;
import dev.jns.testing.LeakCheck;
import dev.jns.testing.Privilege;
import dev.jns.testing.RunAs;
import dev.jns.testing.Tool;
import dev.jns.testing.ToolResult;
import dev.jns.testing.UtilLinuxOracle;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Where a relative {@code --mount-proc} lands: util-linux 2.42.2 unshare changes root
 * ({@code -R}), then directory ({@code -w}, or {@code /} after a root change), then mounts
 * proc, so the path is taken from the new working directory, and a proc mounted over that
 * directory covers it. Each case runs through both tools from the same directory; the program
 * says where it is and what filesystem each candidate {@code proc} is.
 */
class UnshareRelativeProcTest {
    static JnsInstall jns;
    @RegisterExtension
    final LeakCheck leaks = LeakCheck.asRoot("mount proc in new mount and pid namespaces");
    @TempDir
    Path dir;

    @BeforeAll
    static void build() {
        Privilege.requireRoot("mount proc in new mount and pid namespaces");
        UtilLinuxOracle.dir();
        jns = JnsInstall.shared();
    }


    @BeforeEach
    void tree() throws IOException {
        Files.createDirectories(dir.resolve("proc"));
        Files.createDirectories(dir.resolve("w/proc"));
    }

    /** What the program reports: its directory, and which of the candidate places hold a proc. */
    private String report() {
        return "pwd; for p in " + dir + "/proc " + dir + "/w/proc /proc; do echo \"$p $(stat -f -c %T $p)\"; done";
    }

    /** {@code unshare args... sh -c script} through both tools, started in {@code dir}; they must agree. */
    private ToolResult agree(String script, String... args) {
        ToolResult u = run(UtilLinuxOracle.program("unshare"), script, args);
        List<String> ours = new ArrayList<>(jns.command("unshare"));
        ToolResult j = run(ours, script, args);
        String both = "\nutil-linux 2.42.2: " + u + "\njns: " + j;
        assertThat(j.stdout()).as("stdout%s", both).isEqualTo(u.stdout());
        assertThat(j.stderr()).as("stderr%s", both).isEqualTo(UtilLinuxOracle.asJns("unshare", u.stderr()));
        assertThat(j.shellStatus()).as("status%s", both).isEqualTo(u.shellStatus());
        return u;
    }

    private ToolResult run(String program, String script, String... args) {
        return run(List.of(program), script, args);
    }

    private ToolResult run(List<String> program, String script, String... args) {
        List<String> argv = new ArrayList<>(List.of("sh", "-c", "cd \"$1\" && shift && exec \"$@\"", "sh", dir.toString()));
        argv.addAll(program);
        argv.addAll(List.of(args));
        argv.addAll(List.of("sh", "-c", script));
        return Tool.run(RunAs.caller(), argv);
    }

    @Test
    void aRelativeProcIsMountedInTheNewWorkingDirectory() {
        ToolResult u = agree(report(), "-m", "-p", "-f", "--mount-proc=proc", "-w", "w");
        assertThat(u.stdout()).contains(dir + "/w/proc proc\n");
        u = agree(report(), "-m", "-p", "-f", "--mount-proc=proc", "-R", "/", "-w", dir + "/w");
        assertThat(u.stdout()).contains(dir + "/w/proc proc\n");
    }

    @Test
    void withoutWdItIsTheCallersDirectoryOrTheNewRoot() {
        ToolResult u = agree(report(), "-m", "-p", "-f", "--mount-proc=proc");
        assertThat(u.stdout()).contains(dir + "/proc proc\n");
        u = agree(report(), "-m", "-p", "-f", "--mount-proc=proc", "-R", "/");
        assertThat(u.stdout()).startsWith("/\n").contains(dir + "/w/proc ").doesNotContain(dir + "/proc proc\n");
    }

    @Test
    void aProcMountedOverTheWorkingDirectoryCoversIt() {
        // The program keeps the directory it entered before the mount: the caller's proc, whose self is not pid 1.
        ToolResult u = agree("[ \"$(readlink self)\" = 1 ] && echo new || echo covered", "-m", "-p", "-f", "--mount-proc", "-w", "/proc");
        assertThat(u.stdout()).isEqualTo("covered\n");
    }

    @Test
    void aMissingWorkingDirectoryFailsBeforeProcIsMounted() {
        ToolResult u = agree("true", "-m", "-p", "-f", "--mount-proc=proc", "-w", "nowhere");
        assertThat(u.stderr()).isEqualTo("unshare: cannot change directory to nowhere: No such file or directory\n");
        assertThat(u.shellStatus()).isEqualTo(1);
    }
}
