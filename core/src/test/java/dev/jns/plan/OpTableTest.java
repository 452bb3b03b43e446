package dev.jns.plan;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Java and C agree on the op table: the helper's JNS_OP_TABLE (src/main/c/helper.h) lists the
 * ops of {@link OpCode} in the same order (the wire code is the position), and every op record
 * has a code of its own.
 */
class OpTableTest {

    @Test
    void theHelpersTableIsTheJavaEnumInOrder() throws Exception {
        String header = Files.readString(Path.of("src/main/c/helper.h"));
        String table = header.substring(header.indexOf("#define JNS_OP_TABLE(X)"), header.indexOf("#define JNS_OP_ENUM"));
        Matcher m = Pattern.compile("X\\((\\w+), (\\w+)\\)").matcher(table);
        List<String> names = new ArrayList<>();
        while (m.find()) names.add(m.group(1));
        assertThat(names).containsExactlyElementsOf(Arrays.stream(OpCode.values()).map(Enum::name).toList());
    }

    @Test
    void everyOpRecordHasItsOwnCode() throws Exception {
        Set<OpCode> used = EnumSet.noneOf(OpCode.class);
        for (Class<?> type : Op.class.getPermittedSubclasses()) {
            if (!type.isRecord()) continue;
            OpCode code = codeOf(type);
            assertThat(used.add(code)).as("%s has a code no other op has", type.getSimpleName()).isTrue();
        }
        assertThat(used).as("every code has an op record").containsExactlyInAnyOrder(OpCode.values());
    }

    /** The code of an op type, read from an instance with zero-ish components. */
    private static OpCode codeOf(Class<?> type) throws Exception {
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
                case "ByteBuffer" -> java.nio.ByteBuffer.allocate(8);
                default -> throw new IllegalStateException(types[i].toString());
            };
        }
        return ((Op) type.getDeclaredConstructor(types).newInstance(values)).code();
    }
}
