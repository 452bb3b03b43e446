package dev.jns.helper;

import dev.jns.plan.LaunchPlan;
import dev.jns.plan.Op;
import dev.jns.plan.OpCode;
import dev.jns.plan.PlannedOp;
import dev.jns.plan.Side;
import dev.jns.spec.Program;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The wire format that the native helper (src/main/c) parses. */
class PlanEncoderTest {
    private static final Program PROGRAM = new Program(List.of("sh"), Optional.empty(), List.of(), Optional.empty());

    private static String code(OpCode c) {
        return Integer.toString(c.ordinal());
    }

    @Test
    void opsBecomeArgumentsAndTheEnvironmentStaysOffTheCommandLine() {
        LaunchPlan plan = new LaunchPlan(List.of(
                new PlannedOp(Side.HELPER, new Op.SetGroups(List.of()), PROGRAM, PlannedOp.ANY_ERROR, null),
                new PlannedOp(Side.HELPER, new Op.Clone(0x10000000), PROGRAM),
                new PlannedOp(Side.PARENT, new Op.WriteFile("/proc/child/uid_map", "0 1000 1\n1 100000 65536\n"), PROGRAM),
                new PlannedOp(Side.CHILD, new Op.Mount("none", "/proc", null, 0x44000, null), PROGRAM, 22, null),
                new PlannedOp(Side.CHILD, new Op.SetGroups(List.of()), PROGRAM, 0, new PlannedOp.Condition(0, false)),
                new PlannedOp(Side.CHILD, new Op.SetGroups(List.of(5L)), PROGRAM, PlannedOp.ANY_ERROR, new PlannedOp.Condition(4, true)),
                new PlannedOp(Side.CHILD, new Op.Exec("sh", List.of("/bin"), List.of("sh", "-c", "true")), PROGRAM)),
                List.of("A=1", "SECRET=x=y"));

        assertThat(PlanEncoder.encode(plan)).containsExactly(
                code(OpCode.SETGROUPS), "H", "t", "0",
                code(OpCode.CLONE), "H", "-", "1", "0x10000000",
                code(OpCode.WRITE_FILE), "P", "-", "2", "/proc/child/uid_map", "0 1000 1\n1 100000 65536\n",
                code(OpCode.MOUNT), "C", "t22", "5", "none", "/proc", "", "278528", "",
                code(OpCode.SETGROUPS), "C", "f0", "0",
                code(OpCode.SETGROUPS), "C", "ts4", "1", "5",
                code(OpCode.EXEC), "C", "-", "6", "sh", "1", "/bin", "sh", "-c", "true");
        assertThat(PlanEncoder.environment(plan)).isEqualTo(Map.of("JNS_ENVIRON_0", "A=1\nSECRET=x=y"));
    }

    @Test
    void theEnvironmentKeepsItsOrderAndSurvivesNewlinesAndBackslashes() {
        List<String> env = List.of("Z=0", "FUNC=() { echo\n}", "WIN=C:\\x", "A=1");
        LaunchPlan plan = new LaunchPlan(List.of(new PlannedOp(Side.HELPER, new Op.Clone(0), PROGRAM),
                new PlannedOp(Side.CHILD, new Op.Exec("true", List.of(), List.of("true")), PROGRAM)), env);
        assertThat(PlanEncoder.environment(plan)).isEqualTo(Map.of("JNS_ENVIRON_0", "Z=0\nFUNC=() { echo\\n}\nWIN=C:\\\\x\nA=1"));
        List<String> big = java.util.Collections.nCopies(3, "V=" + "x".repeat(PlanEncoder.CHUNK - 10));
        LaunchPlan large = new LaunchPlan(plan.planned(), big);
        assertThat(PlanEncoder.environment(large)).containsOnlyKeys("JNS_ENVIRON_0", "JNS_ENVIRON_1", "JNS_ENVIRON_2");
    }

    @Test
    void receivedBytesTravelOverTheControlPipeInOrder() {
        ByteBuffer first = ByteBuffer.wrap(new byte[] {1, 2, 3, 4, 5, 6, 7, 8}), second = ByteBuffer.wrap(new byte[16]);
        LaunchPlan plan = new LaunchPlan(List.of(
                new PlannedOp(Side.HELPER, new Op.Receive(0, first), PROGRAM),
                new PlannedOp(Side.HELPER, new Op.Receive(1, second), PROGRAM),
                new PlannedOp(Side.HELPER, new Op.Clone(0), PROGRAM),
                new PlannedOp(Side.CHILD, new Op.Exec("true", List.of(), List.of("true")), PROGRAM)), List.of());
        assertThat(PlanEncoder.encode(plan).subList(0, 12)).containsExactly(
                code(OpCode.RECEIVE), "H", "-", "2", "0", "8", code(OpCode.RECEIVE), "H", "-", "2", "1", "16");
        assertThat(PlanEncoder.payloads(plan)).containsExactly(first, second);
    }

    @Test
    void nulInAnArgumentIsRefused() {
        LaunchPlan plan = new LaunchPlan(List.of(new PlannedOp(Side.HELPER, new Op.Clone(0), PROGRAM),
                new PlannedOp(Side.CHILD, new Op.Exec("a\0b", List.of(), List.of("x")), PROGRAM)), List.of());
        assertThatThrownBy(() -> PlanEncoder.encode(plan)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void onlyAPlanWithAListenerKeepsTheDescriptorSocketForIt() {
        PlannedOp clone = new PlannedOp(Side.HELPER, new Op.Clone(0), PROGRAM);
        PlannedOp exec = new PlannedOp(Side.CHILD, new Op.Exec("/bin/true", List.of(), List.of("true")), PROGRAM);
        LaunchPlan plain = new LaunchPlan(List.of(clone, new PlannedOp(Side.CHILD, new Op.InstallSeccomp(3, false), PROGRAM), exec),
                List.of());
        LaunchPlan listening = new LaunchPlan(List.of(clone, new PlannedOp(Side.CHILD, new Op.InstallSeccomp(3, true), PROGRAM), exec),
                List.of());
        assertThat(PlanEncoder.expectsListener(plain)).isFalse();
        assertThat(PlanEncoder.expectsListener(listening)).isTrue();
        List<String> encoded = PlanEncoder.encode(listening);
        int at = encoded.indexOf("listener");
        assertThat(encoded.subList(at - 5, at + 1)).containsExactly(code(OpCode.SECCOMP), "C", "-", "2", "3", "listener");
    }
}
