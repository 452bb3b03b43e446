package dev.jns.testing;

import dev.jns.testing.Tap.Status;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The TAP parser on streams shaped like runtime-tools' (taken from its programs' output on this machine). */
class TapTest {
    @Test
    void pointsDirectivesYamlAndATrailingPlan() {
        Tap tap = Tap.parse("""
                TAP version 13
                ok 1 - find pids cgroup
                not ok 2 - pids limit is set correctly
                  ---
                  {
                    "actual": 0,
                    "expected": 1000
                  }
                  ...
                # expect: 1000, actual: 0
                ok 3 # SKIP linux.maskedPaths not set
                ok 4 # skip process.oomScoreAdj not set
                not ok 5 - not yet # TODO later
                1..5
                """);
        assertThat(tap.points()).extracting(Tap.Point::status)
                .containsExactly(Status.PASS, Status.FAIL, Status.SKIP, Status.SKIP, Status.TODO);
        assertThat(tap.points().get(1).description()).isEqualTo("pids limit is set correctly");
        assertThat(tap.points().get(1).yaml()).contains("\"expected\": 1000");
        assertThat(tap.points().get(0).yaml()).isEmpty();
        assertThat(tap.points().get(2).directive()).isEqualTo("linux.maskedPaths not set");
        assertThat(tap.points().get(4).description()).isEqualTo("not yet");
        assertThat(tap.plan()).hasValue(5);
        assertThat(tap.complete()).isTrue();
        assertThat(tap.count(Status.PASS)).isEqualTo(1);
        assertThat(tap.count(Status.SKIP)).isEqualTo(2);
    }

    @Test
    void repeatedDescriptionsGetDistinctKeys() {
        Tap tap = Tap.parse("ok 1 - has expected argument\nok 2 - has expected argument\nok 3 # SKIP x\nok 4 # SKIP x\n1..4\n");
        assertThat(tap.byKey()).containsOnlyKeys("has expected argument", "has expected argument #2", "SKIP x", "SKIP x #2");
    }

    @Test
    void anErrorBlockWithoutAPointAndAnEmptyPlanMakeAnIncompleteRun() {
        // How runtime-tools' hooks program reports that the hooks did not run in order.
        Tap tap = Tap.parse("""
                TAP version 13
                  ---
                  {
                    "error": "Hooks MUST be called in the listed order\\nRefer to: https://example"
                  }
                  ...
                1..0
                """);
        assertThat(tap.points()).isEmpty();
        assertThat(tap.errors()).containsExactly("Hooks MUST be called in the listed order\nRefer to: https://example");
        assertThat(tap.complete()).isFalse();
    }

    @Test
    void fewerPointsThanPlannedNoPlanOrABailOutAreIncomplete() {
        assertThat(Tap.parse("1..3\nok 1 - a\nok 2 - b\n").complete()).isFalse();
        assertThat(Tap.parse("TAP version 13\nok 1 - a\n").complete()).isFalse();
        assertThat(Tap.parse("").plan()).isEmpty();
        Tap bailed = Tap.parse("ok 1 - a\nBail out! no runtime\n1..1\n");
        assertThat(bailed.bailedOut()).isTrue();
        assertThat(bailed.errors()).containsExactly("no runtime");
        assertThat(bailed.complete()).isFalse();
    }

    @Test
    void pointsWithoutNumbersOrDashesAreCountedInOrder() {
        Tap tap = Tap.parse("ok first\nnot ok\n1..2\n");
        assertThat(tap.points()).extracting(Tap.Point::number).containsExactly(1, 2);
        assertThat(tap.points()).extracting(Tap.Point::description).containsExactly("first", "");
        assertThat(tap.points().get(1).status()).isEqualTo(Status.FAIL);
    }
}
