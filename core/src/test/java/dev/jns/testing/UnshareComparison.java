package dev.jns.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs one {@code unshare} case through util-linux's {@code unshare} and through
 * {@code jns unshare}, as the same user, so a test can compare what each showed.
 */
public final class UnshareComparison {
    private final JnsInstall jns;

    public UnshareComparison(JnsInstall jns) {
        this.jns = jns;
    }

    /** Both tools' results for one case. */
    public record Outcome(ToolResult utilLinux, ToolResult jns) {
        /**
         * Asserts that both ended the same way and printed the same, once the program name
         * in messages ({@code unshare:} versus {@code jns unshare:}) is accounted for.
         */
        public Outcome assertSame() {
            assertThat(jns.signal()).as("signal that killed jns\nutil-linux: %s\njns: %s", utilLinux, jns)
                    .isEqualTo(utilLinux.signal());
            assertThat(jns.exit()).as("exit status\nutil-linux: %s\njns: %s", utilLinux, jns).isEqualTo(utilLinux.exit());
            assertThat(jns.stdout()).as("stdout\nutil-linux: %s\njns: %s", utilLinux, jns).isEqualTo(utilLinux.stdout());
            assertThat(jns.stderr()).as("stderr\nutil-linux: %s\njns: %s", utilLinux, jns)
                    .isEqualTo(asJns(utilLinux.stderr()));
            return this;
        }
    }

    /** util-linux's message text with jns's program name. */
    public static String asJns(String utilLinuxText) {
        return utilLinuxText.replaceAll("(?m)^unshare: ", "jns unshare: ")
                .replace("Try 'unshare --help'", "Try 'jns unshare --help'");
    }

    public Outcome run(RunAs as, String... args) {
        return run(as, Map.of(), args);
    }

    public Outcome run(RunAs as, Map<String, String> env, String... args) {
        return new Outcome(runUtilLinux(as, env, args), runJns(as, env, args));
    }

    /** {@code jns unshare args...} alone. */
    public ToolResult runJns(RunAs as, Map<String, String> env, String... args) {
        List<String> cmd = new ArrayList<>(List.of("unshare"));
        cmd.addAll(List.of(args));
        return Tool.run(as, jns.command(cmd.toArray(String[]::new)), env);
    }

    /** {@code unshare args...} (util-linux) alone. */
    public ToolResult runUtilLinux(RunAs as, Map<String, String> env, String... args) {
        List<String> util = new ArrayList<>(List.of("unshare"));
        util.addAll(List.of(args));
        return Tool.run(as, util, env);
    }
}
