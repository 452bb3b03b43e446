package dev.jns.testing;

import dev.jns.testing.UpstreamSuite.Outcome;
import dev.jns.testing.UpstreamSuite.Result;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Reading outcomes out of run.sh's parsable output (a made-up log in its format). */
class UpstreamSuiteTest {
    private static final Map<String, String> TESTS = Map.of(
            "alpha/one", "first thing",
            "alpha/two", "second thing",
            "alpha/three", "third thing with parts",
            "beta/four", "fourth thing",
            "beta/five", "fifth thing",
            "beta/six", "sixth thing");

    private static final String LOG = """
                     alpha: first thing                                 ... OK
            some noise a test wrote to stderr
                     alpha: second thing                                ... FAILED (alpha/two)
                     alpha: third thing with parts: [01] A              ... OK
                     alpha: third thing with parts: [02] B              ... FAILED (B)
                     alpha: third thing with parts                      ... FAILED (1 from 2 sub-tests)
                      beta: fourth thing                                ... SKIPPED (no root permissions)
                      beta: fifth thing                                 ... OK

            ---------------------------------------------------------------------
              4 tests of 6 FAILED

                  alpha/two
                  alpha/three
                  beta/five
                  beta/six
            ---------------------------------------------------------------------
            """;

    @Test
    void readsEachTestsOwnLineAndTheClosingSummary() {
        Map<String, Result> r = UpstreamSuite.parse(TESTS, LOG, Path.of("/x/tests"));

        assertThat(r.get("alpha/one").outcome()).isEqualTo(Outcome.PASSED);
        assertThat(r.get("alpha/two").outcome()).isEqualTo(Outcome.FAILED);
        assertThat(r.get("alpha/three").outcome()).as("a sub-test's line is not its test's").isEqualTo(Outcome.FAILED);
        assertThat(r.get("alpha/three").reason()).isEqualTo("1 from 2 sub-tests");
        assertThat(r.get("beta/four").outcome()).isEqualTo(Outcome.SKIPPED);
        assertThat(r.get("beta/four").reason()).isEqualTo("no root permissions");
        assertThat(r.get("beta/five").outcome()).as("reported OK, but its script exited non-zero").isEqualTo(Outcome.FAILED);
        assertThat(r.get("beta/six").outcome()).as("no line of its own, failed in the summary").isEqualTo(Outcome.FAILED);
        assertThat(r.get("alpha/two").diff()).isEqualTo(Path.of("/x/tests/diff/alpha/two"));
        assertThat(r.get("alpha/two").output()).isEqualTo(Path.of("/x/tests/output/alpha/two"));
    }

    @Test
    void aTestWithoutAnyReportHasNoResult() {
        Map<String, Result> r = UpstreamSuite.parse(TESTS, "         alpha: first thing   ... OK\n", Path.of("/x/tests"));

        assertThat(r.get("alpha/one").outcome()).isEqualTo(Outcome.PASSED);
        assertThat(r.get("beta/six").outcome()).isEqualTo(Outcome.NO_RESULT);
        assertThat(r).hasSize(6);
    }
}
