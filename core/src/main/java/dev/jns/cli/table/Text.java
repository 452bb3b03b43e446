package dev.jns.cli.table;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Cell text as util-linux prints it. Strings may carry undecodable bytes from the kernel
 * as lone surrogates U+DC80..U+DCFF (see the inventory); {@link #bytes} writes them back
 * as the original bytes.
 */
public final class Text {
    private Text() {}

    /** The UTF-8 bytes of {@code s}, with each escaped raw byte restored. */
    public static byte[] bytes(String s) {
        if (!hasRawBytes(s)) return s.getBytes(StandardCharsets.UTF_8); // the common case, and fast
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length() + 16);
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c >= 0xDC80 && c <= 0xDCFF) {
                out.write(c & 0xFF);
                i++;
            } else {
                int cp = s.codePointAt(i);
                out.writeBytes(new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8));
                i += Character.charCount(cp);
            }
        }
        return out.toByteArray();
    }

    private static boolean hasRawBytes(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 0xDC80 && c <= 0xDCFF) return true;
        }
        return false;
    }

    /**
     * Raw-mode escaping: every byte that is blank, a backslash, or not printable ASCII
     * becomes {@code \xNN}.
     */
    static String raw(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (byte b : bytes(s)) {
            int c = b & 0xFF;
            if (c <= 0x20 || c == 0x5c || c >= 0x7f) sb.append(String.format("\\x%02x", c));
            else sb.append((char) c);
        }
        return sb.toString();
    }

    /**
     * Human-mode escaping: printable characters (any script) stay; control characters and
     * undecodable bytes become {@code \xNN} per byte; a backslash only before an {@code x}.
     * {@code keep} is a character that the caller handles itself (the newline of
     * multi-line cells), or 0.
     */
    static String safe(String s, char keep) {
        StringBuilder sb = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean escape = c != keep && (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) || (c >= 0xDC80 && c <= 0xDCFF)
                    || (c == '\\' && i + 1 < s.length() && s.charAt(i + 1) == 'x'));
            if (escape && sb == null) sb = new StringBuilder(s.substring(0, i));
            if (escape) {
                for (byte b : bytes(String.valueOf(c))) sb.append(String.format("\\x%02x", b & 0xFF));
            } else if (sb != null) {
                sb.append(c);
            }
        }
        return sb == null ? s : sb.toString();
    }

    /** Display width in terminal cells: one per code point. */
    static int width(String s) {
        return s.codePointCount(0, s.length());
    }

    /** The first {@code cells} display cells of {@code s}. */
    static String truncate(String s, int cells) {
        if (width(s) <= cells) return s;
        return s.substring(0, s.offsetByCodePoints(0, cells));
    }

    /** JSON string escaping as util-linux does it: quotes, backslashes and control characters. */
    static String json(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\b' -> sb.append("\\b");
                case '\t' -> sb.append("\\t");
                case '\n' -> sb.append("\\n");
                case '\f' -> sb.append("\\f");
                case '\r' -> sb.append("\\r");
                default -> {
                    if (c < 0x20) sb.append(String.format("\\u00%02x", (int) c));
                    else sb.append(c);
                }
            }
        }
        return sb.append('"').toString();
    }
}
