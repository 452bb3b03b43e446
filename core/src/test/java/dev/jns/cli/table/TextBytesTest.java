package dev.jns.cli.table;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class TextBytesTest {

    @Test
    void plainTextIsItsUtf8() {
        assertThat(Text.bytes("kthreadd └─sh -c 'x'")).isEqualTo("kthreadd └─sh -c 'x'".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void escapedRawBytesComeBackAsTheOriginalBytes() {
        assertThat(Text.bytes("a\uDCFFb\uDC80")).containsExactly('a', 0xFF, 'b', 0x80);
    }

    @Test
    void aSurrogatePairWhoseLowHalfLooksLikeAnEscapeIsStillOneCharacter() {
        String u10080 = new String(Character.toChars(0x10080)); // \uD800\uDC80
        assertThat(Text.bytes("x" + u10080 + "\uDC81")).containsExactly('x', 0xF0, 0x90, 0x82, 0x80, 0x81);
    }
}
