package dev.jns.cli;

import dev.jns.testing.JnsInstall;
import dev.jns.testing.LeakCheck;
import dev.jns.testing.Oracles;
import dev.jns.testing.UpstreamSuite;
import dev.jns.testing.UpstreamSuite.Outcome;
import dev.jns.testing.UpstreamSuite.Result;
import dev.jns.testing.UpstreamSuite.Run;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.SoftAssertions.assertSoftly;

/**
 * util-linux 2.42.2's own regression tests for lsns, unshare and nsenter ({@code tests/run.sh
 * lsns unshare nsenter} in the oracle built from {@code ../shared/oracles}), run once with
 * util-linux's binaries and once with {@code jns lsns|unshare|nsenter} through
 * {@code TS_CMD_LSNS}/{@code TS_CMD_UNSHARE}/{@code TS_CMD_NSENTER}: every test that passes
 * with util-linux must pass with jns, except those on {@link #KNOWN_FAILURES}, which must
 * still fail (so that a fix removes its entry).
 *
 * <p>The jns wrappers are {@code #!/bin/sh} scripts that exec the {@code jns} launcher, a bash
 * script that execs the JVM (through {@code env -i}): the command keeps the pid the test
 * started, so signals sent to {@code $!} reach the JVM. Bash is invisible to the program: the
 * launcher takes the caller's descriptors (3 and up, its own 255 aside) and environment
 * before its own additions ({@code SHLVL}, {@code PWD}, {@code _}) and jns hands exactly those
 * on (checked: {@code env} and {@code /proc/self/fd} of a program match util-linux's). What
 * differs is the process name ({@code java}, not {@code unshare}) and the program's parent
 * ({@code jns-helper}); none of the 10 tests looks at either.
 *
 * <p>Results, logs and diffs of both runs stay under {@code target/util-linux-upstream/}
 * ({@code util-linux/} and {@code jns/}, each with {@code run.log} and
 * {@code tests/output|diff/COMPONENT/NAME}).
 */
class UtilLinuxUpstreamTest {
    @RegisterExtension
    final LeakCheck leaks = LeakCheck.asRoot("run util-linux's lsns/unshare/nsenter tests (they skip without root)");

    private static final List<String> COMPONENTS = List.of("lsns", "unshare", "nsenter");
    /** Each run takes seconds per test; a hang is stopped with its whole process tree. */
    private static final Duration LIMIT = Duration.ofMinutes(4);

    /**
     * Upstream tests known to fail with jns today, each with its cause. A test listed here
     * must still fail with jns: when its fix lands this test fails until the entry goes.
     */
    static final Map<String, String> KNOWN_FAILURES = Map.of();

    @Test
    void everyTestPassingWithUtilLinuxPassesWithJns() {
        Path tree = Oracles.utilLinux();
        Path work = Path.of(System.getProperty("user.dir")).toAbsolutePath().resolve("target/util-linux-upstream");
        Map<String, String> tests = UpstreamSuite.tests(tree, COMPONENTS);
        assertThat(tests).as("upstream tests of %s in %s", COMPONENTS, tree).isNotEmpty();
        assertThat(tests.keySet()).as("allowlisted tests exist upstream").containsAll(KNOWN_FAILURES.keySet());

        Run theirs = UpstreamSuite.run(tree, work.resolve("util-linux"), COMPONENTS, Map.of(), Map.of(), LIMIT);
        Run ours;
        try (JnsInstall jns = JnsInstall.build()) {
            Map<String, Path> commands = new LinkedHashMap<>();
            Map<String, String> env = new LinkedHashMap<>();
            for (String c : COMPONENTS) {
                Path w = UpstreamSuite.wrapper(work.resolve("jns-wrappers").resolve(c), jns.command(c));
                commands.put(c, w);
                env.put("TS_CMD_" + c.toUpperCase(java.util.Locale.ROOT), work.resolve("jns").resolve(c).toString());
            }
            ours = UpstreamSuite.run(tree, work.resolve("jns"), COMPONENTS, commands, env, LIMIT);
        }

        System.out.println(table(tests.keySet(), theirs, ours));
        System.out.printf("util-linux upstream: jns %d/%d, util-linux %d/%d%n",
                ours.passed(), tests.size(), theirs.passed(), tests.size());

        assertThat(theirs.exit()).as("util-linux's run.sh did not finish in %s: %s", LIMIT, theirs.log()).isNotEqualTo(-1);
        assertThat(ours.exit()).as("run.sh with jns did not finish in %s: %s", LIMIT, ours.log()).isNotEqualTo(-1);

        List<String> regressed = new ArrayList<>(), fixed = new ArrayList<>();
        for (String test : tests.keySet()) {
            Result u = theirs.results().get(test), j = ours.results().get(test);
            if (u.outcome() != Outcome.PASSED) continue; // nothing to compare against on this machine
            boolean known = KNOWN_FAILURES.containsKey(test);
            if (j.outcome() != Outcome.PASSED && !known) {
                regressed.add(test + ": " + j.outcome() + (j.reason().isEmpty() ? "" : " (" + j.reason() + ")")
                        + ", see " + j.evidence());
            } else if (j.outcome() == Outcome.PASSED && known) {
                fixed.add(test + " (was: " + KNOWN_FAILURES.get(test) + ")");
            }
        }
        assertSoftly(soft -> {
            soft.assertThat(regressed)
                    .as("upstream tests that pass with util-linux but not with jns (log: %s)", ours.log())
                    .isEmpty();
            soft.assertThat(fixed)
                    .as("allowlisted tests that now pass with jns: remove them from KNOWN_FAILURES")
                    .isEmpty();
        });
    }

    private static String table(Iterable<String> tests, Run theirs, Run ours) {
        StringBuilder sb = new StringBuilder(String.format("%-45s %-10s %s%n", "TEST", "UTIL-LINUX", "JNS"));
        for (String test : tests) {
            Result u = theirs.results().get(test), j = ours.results().get(test);
            sb.append(String.format("%-45s %-10s %s%s%n", test, u.outcome(), j.outcome(),
                    j.outcome() == Outcome.PASSED ? "" : "  " + j.evidence()
                            + (KNOWN_FAILURES.containsKey(test) ? "  [known: " + KNOWN_FAILURES.get(test) + "]" : "")));
        }
        return sb.toString();
    }
}
