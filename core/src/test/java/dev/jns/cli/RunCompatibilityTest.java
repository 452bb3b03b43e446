package dev.jns.cli;

import dev.jns.testing.JnsInstall;
import dev.jns.testing.MachineState;
import dev.jns.testing.Oracles;
import dev.jns.testing.Privilege;
import dev.jns.testing.RunAs;
import dev.jns.testing.Tool;
import dev.jns.testing.ToolResult;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code jns run} against bubblewrap 0.11.1's {@code bwrap}: the same command lines, as root
 * and as uid 65534, give the same output, messages (under {@code jns run:}) and exit status.
 */
class RunCompatibilityTest {
    private static JnsInstall jns;
    private static final List<String> USR = List.of("--ro-bind", "/usr", "/usr", "--symlink", "usr/bin", "/bin",
            "--symlink", "usr/lib", "/lib", "--symlink", "usr/lib64", "/lib64");

    @BeforeAll
    static void install() {
        jns = JnsInstall.shared();
    }


    private static void same(RunAs as, List<String> args) {
        List<String> bwrap = new ArrayList<>(List.of(Oracles.bubblewrap().resolve("bwrap").toString()));
        bwrap.addAll(args);
        ToolResult theirs = Tool.run(as, bwrap, Map.of(), Duration.ofSeconds(30));
        ToolResult mine = Tool.run(as, jns.command(concat(List.of("run"), args).toArray(String[]::new)), Map.of(),
                Duration.ofSeconds(60));
        assertThat(mine.exit()).as("exit status of %s\nbwrap: %s\njns: %s", args, theirs, mine).isEqualTo(theirs.exit());
        assertThat(mine.stdout()).as("stdout of %s", args).isEqualTo(theirs.stdout());
        assertThat(mine.stderr()).as("stderr of %s", args).isEqualTo(theirs.stderr().replace("bwrap: ", "jns run: "));
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    private static List<String> sandbox(String... rest) {
        List<String> out = new ArrayList<>(List.of("--unshare-all"));
        out.addAll(USR);
        out.addAll(List.of("--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp"));
        out.addAll(List.of(rest));
        return out;
    }

    @Test
    void badCommandLinesGetBwrapsWordsAndStatus() {
        Privilege.requireRoot("build the bubblewrap oracle");
        for (List<String> args : List.of(List.of("--bind"), List.of("--bind", "/a"), List.of("--frob", "true"),
                List.of("--perms", "0700", "--proc", "/p", "true"), List.of("--perms", "0800", "--dir", "/d", "true"),
                List.of("--perms", "1", "--perms", "2", "--dir", "/d", "true"), List.of("--size", "0", "--tmpfs", "/t", "true"),
                List.of("--size", "10", "--dir", "/t", "true"), List.of("--uid", "abc", "true"), List.of("--gid", "-1", "true"),
                List.of("--hostname", "x", "true"), List.of("--cap-add", "CAP_FOO", "true"), List.of("--cap-drop"),
                List.of("--chmod", "999", "/x", "true"), List.of("--setenv", "A"), List.of("--unshare-all", "no-such-program"))) {
            same(RunAs.caller(), args);
        }
    }

    @Test
    void whatTheProgramSeesAsRoot() {
        Privilege.requireRoot("create namespaces as root");
        MachineState before = MachineState.capture();
        String show = "hostname; id -u; id -g; pwd; ls /; ls /dev | tr '\\n' ' '; echo; grep ^Cap /proc/self/status;"
                + " echo $$; cat /proc/self/uid_map; env | sort; touch /usr/x 2>&1 | sed 's/.*: //'; exit 3";
        same(RunAs.caller(), sandbox("--hostname", "sb", "--chdir", "/tmp", "--clearenv", "--setenv", "A", "1",
                "sh", "-c", show));
        same(RunAs.caller(), sandbox("--cap-drop", "ALL", "--cap-add", "CAP_NET_ADMIN", "--uid", "5", "--gid", "6",
                "sh", "-c", show));
        same(RunAs.caller(), sandbox("--perms", "0700", "--dir", "/data", "--perms", "01777", "--tmpfs", "/scratch",
                "sh", "-c", "stat -c '%a %U' /data /scratch"));
        MachineState.assertNothingLeakedSince(before);
    }

    @Test
    void whatTheProgramSeesAsAnUnprivilegedUser() {
        Privilege.requireRoot("switch to uid 65534");
        // bwrap nests the sandbox's user namespace in one mapping root, jns makes one: their uid_map differ
        String show = "id -u; id -g; ls /; grep ^Cap /proc/self/status; exit 4";
        same(RunAs.nobody(), sandbox("sh", "-c", show));
        same(RunAs.nobody(), sandbox("--uid", "0", "--gid", "0", "sh", "-c", show));
    }
}
