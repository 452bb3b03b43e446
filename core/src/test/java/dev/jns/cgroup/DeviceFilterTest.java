package dev.jns.cgroup;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The shape of the BPF program device rules compile to (the kernel's verdict is in {@link CgroupV2Test}). */
class DeviceFilterTest {
    @Test
    void rulesAreCheckedLastFirstAndADenyAllEndsTheProgram() {
        byte[] p = DeviceFilter.compile(List.of(new CgroupResources.DeviceRule(false, 'a', null, null, "rwm"),
                new CgroupResources.DeviceRule(true, 'c', 1L, 3L, "rw")));
        // 6 loads of the context, 8 for "allow c 1:3 rw", 2 for "deny a": no default after it
        assertThat(p).hasSize(16 * 8);
        // the allow block's first test: if type != char, jump over the other 7 instructions of its block
        assertThat(new int[] {p[48] & 0xFF, p[49], p[50], p[52]}).containsExactly(0x55, 2, 7, 2);
        // the program ends "r0 = 0; exit" (deny)
        assertThat(new int[] {p[112] & 0xFF, p[116], p[120] & 0xFF}).containsExactly(0xb7, 0, 0x95);
    }

    @Test
    void withoutACatchAllRuleUnmatchedRequestsAreAllowed() {
        byte[] p = DeviceFilter.compile(List.of(new CgroupResources.DeviceRule(false, 'b', 8L, null, "w")));
        // 6 loads, "deny b 8:* w" (type, 3 for access, major, r0, exit = 7), then "r0 = 1; exit"
        assertThat(p).hasSize(15 * 8);
        assertThat(new int[] {p[104] & 0xFF, p[108]}).containsExactly(0xb7, 1);
    }
}
