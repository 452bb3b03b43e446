package dev.jns.ids;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;

import static org.assertj.core.api.Assertions.assertThat;

class IdMapAssemblyTest {
    @Test
    void autoBlockAloneStartsAtZero() {
        assertThat(IdMapAssembly.assemble(List.of(IdRange.auto(100000, 65536)), 1000, OptionalLong.empty()))
                .containsExactly(new IdMap(0, 100000, 65536));
    }

    @Test
    void rootMappingGoesFirstAndAutoBlockMovesUp() {
        // unshare -r --map-auto as uid 1000 (HEAD behaviour: the auto block keeps all its ids)
        assertThat(IdMapAssembly.assemble(List.of(IdRange.auto(100000, 65536)), 1000, OptionalLong.of(0)))
                .containsExactly(new IdMap(0, 1000, 1), new IdMap(1, 100000, 65536));
    }

    @Test
    void singleMappingInsideAnExplicitBlockSplitsIt() {
        // --map-users=0:100000:65536 -c as uid 1000: inside id 1000 is taken by the caller
        List<IdMap> lines = IdMapAssembly.assemble(List.of(IdRange.of(new IdMap(0, 100000, 65536))), 1000,
                OptionalLong.of(1000));
        assertThat(lines).containsExactly(new IdMap(1000, 1000, 1), new IdMap(0, 100000, 1000),
                new IdMap(1001, 101000, 64535));
        assertNoOverlap(lines);
    }

    @Test
    void passThroughOfEverythingWithRootMapped() {
        List<IdMap> lines = IdMapAssembly.assemble(List.of(IdRange.identity(0, 4294967295L)), 0, OptionalLong.of(0));
        assertThat(lines).containsExactly(new IdMap(0, 0, 1), new IdMap(1, 1, 4294967294L));
        assertNoOverlap(lines);
    }

    @Test
    void blocksKeepCommandLineOrderWithoutSingle() {
        assertThat(IdMapAssembly.assemble(List.of(IdRange.of(new IdMap(0, 100000, 10)),
                IdRange.of(new IdMap(10, 200000, 5))), 0, OptionalLong.empty()))
                .containsExactly(new IdMap(0, 100000, 10), new IdMap(10, 200000, 5));
    }

    @Test
    void passThroughReadsTheKernelsMapFile() throws Exception {
        Path f = Files.createTempFile("uid_map", "");
        try {
            Files.writeString(f, "         0          0 4294967295\n");
            assertThat(ProcIdMaps.passThrough(f)).containsExactly(IdRange.identity(0, 4294967295L));
        } finally {
            Files.delete(f);
        }
    }

    private static void assertNoOverlap(List<IdMap> lines) {
        for (int i = 0; i < lines.size(); i++) {
            for (int j = i + 1; j < lines.size(); j++) {
                IdMap a = lines.get(i), b = lines.get(j);
                assertThat(overlaps(a.inside(), a.count(), b.inside(), b.count())).as("inside %s %s", a, b).isFalse();
                assertThat(overlaps(a.outside(), a.count(), b.outside(), b.count())).as("outside %s %s", a, b).isFalse();
            }
        }
    }

    private static boolean overlaps(long s1, long c1, long s2, long c2) {
        return s1 < s2 + c2 && s2 < s1 + c1;
    }
}
