package dev.jns.cli;

import dev.jns.testing.BubblewrapSuite;
import dev.jns.testing.BubblewrapSuite.Case;
import dev.jns.testing.BubblewrapSuite.Outcome;
import dev.jns.testing.BubblewrapSuite.Run;
import dev.jns.testing.JnsInstall;
import dev.jns.testing.LeakCheck;
import dev.jns.testing.Oracles;
import dev.jns.testing.RunAs;
import dev.jns.testing.UpstreamSuite;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.SoftAssertions.assertSoftly;

/**
 * bubblewrap 0.11.1's own {@code tests/test-run.sh} (the oracle's, see {@link BubblewrapSuite}
 * for how it is driven), run once with bubblewrap's {@code bwrap} and once with {@code BWRAP}
 * a script that execs {@code jns run}, as root and as an unprivileged user: every case that
 * passes with bwrap must pass with jns, except those on {@link #NOT_APPLICABLE} and
 * {@link #KNOWN_FAILURES}, which must still fail (so that neither list can rot).
 *
 * <p>What is changed for the jns run, and only there: the assertions that look for bwrap's
 * name in what the command prints ({@code usage: $BWRAP} in the help, the {@code bwrap:}
 * prefix of a message) look for jns's ({@code usage: jns run}, {@code jns run:}), each
 * rewrite listed in {@link #RENAMED} and required to apply; the rest of those cases (the
 * message's wording, what the sandbox did) is tested as it stands.
 *
 * <p>Logs: {@code target/bwrap-upstream/{bwrap,jns}-{root,user}.stdout} (TAP, with the
 * harness's failure marks) and {@code .stderr} (the script's {@code set -x} trace).
 */
class BubblewrapUpstreamTest {
    @RegisterExtension
    final LeakCheck leaks = LeakCheck.asRoot("run bubblewrap's test-run.sh as root and as another user");

    /** A run takes minutes (about 150 sandboxes); a hang is stopped with its whole process tree. */
    private static final Duration LIMIT = Duration.ofMinutes(15);

    /** Where bwrap's name in an assertion becomes jns's, for the jns run: text in test-run.sh -> its replacement. */
    static final Map<String, String> RENAMED = Map.of(
            "\"usage: ${BWRAP}\"", "\"usage: jns run\"",
            "\"^bwrap: ", "\"^jns run: ",
            "'^bwrap: ", "'^jns run: ",
            "'^<4>bwrap: ", "'^<4>jns run: ");

    /** Cases that test bwrap's own binary or its setuid mode, which jns is not: each must still fail or skip with jns. */
    static final Map<String, String> NOT_APPLICABLE = Map.of(
            "can mount /proc recursively",
            "runs /proc/self/exe inside the sandbox as a second bwrap: bwrap is one binary, the process that execs "
                    + "the program there is jns's helper",
            "can pivot to new rootfs recursively", "the same: /proc/self/exe as bwrap inside the sandbox");
    // "can disable nested userns" passes: its $BWRAP lines run jns run inside the sandbox; of its
    // $BWRAP_RECURSE lines, the one that must fail ("! /proc/self/exe ... true") fails because the
    // helper refuses bwrap's arguments, not because of the disabled user namespaces.

    /** As {@link #NOT_APPLICABLE}, for the run as root only (as another user jns passes them). */
    static final Map<String, String> NOT_APPLICABLE_AS_ROOT = Map.of(
            "pre-exec failure doesn't include exit-code in json-status",
            "strace makes the 39th prctl call of the command's process tree fail: a count of bwrap's own calls; "
                    + "under jns the 39th is some other call of the JVM's or the helper's");

    /** Cases jns fails today, each with its cause: each must still fail (a fix removes its entry). */
    static final Map<String, String> KNOWN_FAILURES = Map.of();

    /**
     * bubblewrap's other scripts run the same way: {@code --userns} and {@code --pidns} joining a
     * running sandbox's namespaces, as root and as another user. Every case that passes with
     * bwrap must pass with jns; none of them is on a list.
     */
    @Test
    void specifyingUserAndPidNamespacesAsBwrapsOwnTestsDo() {
        for (RunAs as : List.of(RunAs.caller(), RunAs.testUser().orElse(RunAs.nobody()))) {
            String who = as.equals(RunAs.caller()) ? "root" : "user";
            for (String script : List.of("test-specifying-userns.sh", "test-specifying-pidns.sh")) {
                Path tree = Oracles.bubblewrap().getParent();
                Path logs = Path.of(System.getProperty("user.dir")).toAbsolutePath().resolve("target/bwrap-upstream");
                String name = script.replace(".sh", "") + "-" + who;
                Run theirs = BubblewrapSuite.run(tree, script, tree.resolve("_build/bwrap"), as, logs.resolve("bwrap-" + name),
                        Map.of(), Duration.ofMinutes(2));
                Path wrapper = UpstreamSuite.wrapper(logs.resolve("jns-wrapper/bwrap"), JnsInstall.shared().command("run"));
                Run ours = BubblewrapSuite.run(tree, script, wrapper, as, logs.resolve("jns-" + name), Map.of(), Duration.ofMinutes(2));
                assertThat(theirs.cases()).as("%s as %s with bwrap", script, who).isNotEmpty()
                        .allMatch(c -> c.outcome() == Outcome.PASSED);
                assertThat(ours.cases()).as("%s as %s with jns (trace: %s)", script, who, ours.stderr())
                        .extracting(Case::description, Case::outcome)
                        .containsExactlyElementsOf(theirs.cases().stream()
                                .map(c -> org.assertj.core.groups.Tuple.tuple(c.description(), c.outcome())).toList());
            }
        }
    }

    @Test
    void asRootEveryCasePassingWithBwrapPassesWithJns() {
        compare(RunAs.caller(), "root");
    }

    @Test
    void asAnUnprivilegedUserEveryCasePassingWithBwrapPassesWithJns() {
        compare(RunAs.testUser().orElse(RunAs.nobody()), "user");
    }

    private void compare(RunAs as, String who) {
        Path tree = Oracles.bubblewrap().getParent();
        Path bwrap = tree.resolve("_build/bwrap");
        Path logs = Path.of(System.getProperty("user.dir")).toAbsolutePath().resolve("target/bwrap-upstream");
        String script = read(tree.resolve("tests/test-run.sh"));
        for (String text : RENAMED.keySet()) assertThat(script).as("test-run.sh still has %s", text).contains(text);

        Run theirs = BubblewrapSuite.run(tree, bwrap, as, logs.resolve("bwrap-" + who), Map.of(), LIMIT);
        Path wrapper = UpstreamSuite.wrapper(logs.resolve("jns-wrapper/bwrap"), JnsInstall.shared().command("run"));
        Run ours = BubblewrapSuite.run(tree, wrapper, as, logs.resolve("jns-" + who), RENAMED, LIMIT);

        StringBuilder table = new StringBuilder(String.format("%-70s %-8s %s%n", "CASE (" + as.description() + ")", "BWRAP", "JNS"));
        List<String> regressed = new ArrayList<>(), fixed = new ArrayList<>();
        for (Map.Entry<String, Case[]> e : BubblewrapSuite.side(theirs, ours).entrySet()) {
            String name = e.getKey();
            Case b = e.getValue()[0], j = e.getValue()[1];
            Outcome bo = b == null ? null : b.outcome(), jo = j == null ? null : j.outcome();
            Map<String, String> notApplicable = new java.util.HashMap<>(NOT_APPLICABLE);
            if (who.equals("root")) notApplicable.putAll(NOT_APPLICABLE_AS_ROOT);
            String why = notApplicable.containsKey(name) ? "not applicable: " + notApplicable.get(name)
                    : KNOWN_FAILURES.containsKey(name) ? "known: " + KNOWN_FAILURES.get(name) : "";
            table.append(String.format("%-70s %-8s %s%s%n", name, bo, jo,
                    (jo == Outcome.FAILED ? "  " + j.failures() : "") + (why.isEmpty() ? "" : "  [" + why + "]")));
            if (bo != Outcome.PASSED) continue; // nothing to compare against on this machine
            if (why.isEmpty() && jo != Outcome.PASSED) {
                regressed.add(name + ": " + (j == null ? "not reached" : jo + " " + j.failures()));
            } else if (!why.isEmpty() && jo == Outcome.PASSED) {
                fixed.add(name + " (" + why + ")");
            }
        }
        System.out.print(table);
        System.out.printf("bubblewrap test-run.sh as %s: jns %d passed, bwrap %d passed, of %d cases%n", as.description(),
                ours.cases().stream().filter(c -> c.outcome() == Outcome.PASSED).count(),
                theirs.cases().stream().filter(c -> c.outcome() == Outcome.PASSED).count(), theirs.cases().size());

        assertThat(theirs.finished()).as("bwrap's run reached its end in %s: %s", LIMIT, theirs.stderr()).isTrue();
        assertThat(theirs.cases()).as("bwrap passes cases here at all").anyMatch(c -> c.outcome() == Outcome.PASSED);
        assertThat(ours.finished()).as("the jns run reached its end in %s: %s", LIMIT, ours.stderr()).isTrue();
        assertSoftly(soft -> {
            soft.assertThat(regressed).as("cases passing with bwrap but not with jns (trace: %s)", ours.stderr()).isEmpty();
            soft.assertThat(fixed).as("allowlisted cases that pass with jns: take them off the list").isEmpty();
        });
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
