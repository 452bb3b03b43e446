package dev.jns.cli;

import dev.jns.testing.RunAs;
import dev.jns.testing.ToolResult;
import dev.jns.testing.UnshareComparison;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code jns unshare}'s command-line errors, help and version, run as a real process next to
 * util-linux's unshare. Where the installed 2.38.1 words a message differently from 2.42
 * (the release jns follows), the test names both and expects 2.42's.
 */
class UnshareMessagesTest extends UnshareToolTestBase {
    @Test
    void unknownOption() {
        UnshareComparison.Outcome o = compare.run(RunAs.caller(), "--foo", "true").assertSame();
        assertThat(o.jns().stderr()).isEqualTo("""
                jns unshare: unrecognized option '--foo'
                Try 'jns unshare --help' for more information.
                """);
        assertThat(o.jns().exit()).isEqualTo(1);
    }

    @Test
    void invalidShortOptionAndMissingArgument() {
        compare.run(RunAs.caller(), "-n/tmp/x").assertSame();
        compare.run(RunAs.caller(), "-x").assertSame();
        compare.run(RunAs.caller(), "--setgroups").assertSame();
        compare.run(RunAs.unprivileged(), "-S").assertSame();
    }

    @Test
    void badMapUser() {
        // 2.38.1: "failed to parse uid: 'nosuchuser'"; 2.42: "failed to parse uid 'nosuchuser'".
        UnshareComparison.Outcome o = compare.run(RunAs.caller(), "--map-user=nosuchuser", "true");
        assertThat(o.utilLinux().stderr()).isEqualTo("unshare: failed to parse uid: 'nosuchuser'\n");
        assertThat(o.jns().stderr()).isEqualTo("jns unshare: failed to parse uid 'nosuchuser'\n");
        assertThat(o.jns().exit()).isEqualTo(o.utilLinux().exit()).isEqualTo(1);
        assertThat(o.jns().stdout()).isEmpty();
        ToolResult group = compare.runJns(RunAs.unprivileged(), Map.of(), "--map-group", "nosuchgroup", "true");
        assertThat(group.stderr()).isEqualTo("jns unshare: failed to parse gid 'nosuchgroup'\n");
        assertThat(group.exit()).isEqualTo(1);
    }

    @Test
    void valueErrorsWordedAsUtilLinux() {
        compare.run(RunAs.caller(), "-S", "abc", "true").assertSame();
        compare.run(RunAs.caller(), "--propagation", "sideways", "true").assertSame();
        compare.run(RunAs.caller(), "--setgroups", "maybe", "true").assertSame();
        compare.run(RunAs.caller(), "--kill-child=NOSIG", "true").assertSame();
        compare.run(RunAs.caller(), "-T", "--boottime", "x", "true").assertSame();
        compare.run(RunAs.unprivileged(), "-r", "--setgroups=allow", "true").assertSame();
    }

    @Test
    void timeOffsetsWithoutTimeNamespace() {
        // 2.38.1 names the option "(-t)"; 2.42 fixed it to "(-T)".
        UnshareComparison.Outcome o = compare.run(RunAs.caller(), "--monotonic", "5", "true");
        assertThat(o.utilLinux().stderr()).endsWith("(-t)\n");
        assertThat(o.jns().stderr())
                .isEqualTo("jns unshare: options --monotonic and --boottime require unsharing of a time namespace (-T)\n");
        assertThat(o.jns().exit()).isEqualTo(o.utilLinux().exit()).isEqualTo(1);
    }

    @Test
    void mapAutoWithoutSubordinateIds() {
        dev.jns.testing.Privilege.requireRoot("switch to uid 65534, a user without /etc/subuid lines");
        // 2.38.1 appends ": Success" (an err/errx mix-up); 2.42 prints the plain message.
        UnshareComparison.Outcome o = compare.run(RunAs.nobody(), "--map-auto", "true");
        assertThat(o.utilLinux().stderr()).isEqualTo("unshare: no line matching user \"nobody\" in /etc/subuid: Success\n");
        assertThat(o.jns().stderr()).isEqualTo("jns unshare: no line matching user \"nobody\" in /etc/subuid\n");
        assertThat(o.jns().exit()).isEqualTo(o.utilLinux().exit()).isEqualTo(1);
    }

    @Test
    void mapRangeSyntax() {
        // 2.38.1 knows only outer,inner,count ("could not parse ID"); 2.42 also inner:outer:count.
        ToolResult bad = compare.runJns(RunAs.caller(), Map.of(), "--map-users=0:0", "true");
        assertThat(bad.stderr()).isEqualTo("jns unshare: invalid mapping '0:0'\n");
        assertThat(bad.exit()).isEqualTo(1);
    }

    @Test
    void helpInUtilLinuxLayout() {
        ToolResult help = compare.runJns(RunAs.unprivileged(), Map.of(), "--help");
        assertThat(help.exit()).isZero();
        assertThat(help.stderr()).isEmpty();
        assertThat(help.stdout()).startsWith("\nUsage:\n jns unshare [options] [<program> [<argument>...]]\n\n")
                .contains("\nOptions:\n -m, --mount[=<file>]      ")
                .contains(" -h, --help                display this help\n -V, --version             display version\n")
                .endsWith("For more details see unshare(1).\n");
        // every long option util-linux 2.42 has (less binfmt_misc) is described
        for (String opt : new String[] {"--mount-proc", "--propagation", "--root", "--wd", "--setuid", "--setgid",
                "--map-user", "--map-group", "--map-root-user", "--map-current-user", "--map-auto", "--map-subids",
                "--map-users", "--map-groups", "--owner", "--fork", "--kill-child", "--forward-signals", "--setgroups",
                "--keep-caps", "--monotonic", "--boottime", "--clear-env", "--whitelist-env"}) {
            assertThat(help.stdout()).contains(" " + opt);
        }
        ToolResult version = compare.runJns(RunAs.caller(), Map.of(), "-V");
        assertThat(version.stdout()).startsWith("jns unshare from jns ");
        assertThat(version.exit()).isZero();
    }
}
