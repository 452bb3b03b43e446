package dev.jns.helper;

import dev.jns.ids.IdMap;
import dev.jns.plan.LaunchPlan;
import dev.jns.plan.Op;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The wire format that the native helper (src/main/c) parses. */
class PlanEncoderTest {

    @Test
    void opsBecomeArgumentsAndTheEnvironmentStaysOffTheCommandLine() {
        LaunchPlan plan = new LaunchPlan(List.of(
                new Op.Clone(0x10000000),
                new Op.WriteIdMap(Op.IdKind.UID, List.of(IdMap.single(0, 1000), new IdMap(1, 100000, 65536))),
                new Op.SetTimeOffsets(Duration.ofSeconds(-2), Duration.ofMillis(1500)),
                new Op.Exec("sh", List.of("/bin"), List.of("sh", "-c", "true"), List.of("A=1", "SECRET=x=y"))));

        assertThat(PlanEncoder.encode(plan)).containsExactly(
                "clone", "H", "1", "0x10000000",
                "idmap-file", "P", "7", "uid", "0", "1000", "1", "1", "100000", "65536",
                "timens", "C", "4", "-2", "0", "1", "500000000",
                "exec", "C", "6", "sh", "1", "/bin", "sh", "-c", "true");
        assertThat(PlanEncoder.environment(plan)).isEqualTo(Map.of("A", "1", "SECRET", "x=y"));
    }

    @Test
    void everyOpHasACodeTheHelperKnows() throws Exception {
        String helper = new String(getClass().getResourceAsStream("/dev/jns/helper/jns-helper").readAllBytes(),
                StandardCharsets.ISO_8859_1);
        for (Class<?> type : Op.class.getPermittedSubclasses()) {
            Op sample = sample(type);
            assertThat(helper).as("code of %s in the helper binary", type.getSimpleName())
                    .contains(PlanEncoder.code(sample) + "\0");
        }
    }

    @Test
    void nulInAnArgumentIsRefused() {
        LaunchPlan plan = new LaunchPlan(List.of(new Op.Clone(0), new Op.Exec("a\0b", List.of(), List.of("x"), List.of())));
        assertThatThrownBy(() -> PlanEncoder.encode(plan)).isInstanceOf(IllegalArgumentException.class);
    }

    /** An instance of an op record with default-ish component values. */
    private static Op sample(Class<?> type) throws Exception {
        var components = type.getRecordComponents();
        Class<?>[] types = new Class<?>[components.length];
        Object[] values = new Object[components.length];
        for (int i = 0; i < components.length; i++) {
            types[i] = components[i].getType();
            values[i] = switch (types[i].getSimpleName()) {
                case "String" -> "x";
                case "int" -> 0;
                case "long" -> 0L;
                case "boolean" -> false;
                case "List" -> List.of();
                case "Duration" -> Duration.ZERO;
                case "IdKind" -> Op.IdKind.UID;
                case "IdMap" -> dev.jns.ids.IdMap.single(0, 0);
                default -> throw new IllegalStateException(types[i].toString());
            };
        }
        return (Op) type.getDeclaredConstructor(types).newInstance(values);
    }
}
