package dev.jns.inventory;

import dev.jns.ns.NamespaceType;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Parsers for the {@code /proc} texts the inventory reads. Pure functions on strings and
 * bytes, so they are tested without a kernel.
 */
final class ProcFs {
    /** lsns reads a command line into a buffer of this size (BUFSIZ) and keeps one byte less. */
    static final int COMMAND_BUFFER = 8192;

    private ProcFs() {}

    /** A namespace named by the kernel's link text, e.g. {@code net:[4026531833]}. */
    record NsLink(NamespaceType type, long inode) {}

    /**
     * Parses the text of a {@code /proc/PID/ns/*} link, an nsfs fd link or an nsfs mount's
     * root: {@code TYPE:[INODE]}. Empty for any other text ({@code socket:[5]}, a path).
     */
    static Optional<NsLink> parseNsLink(String text) {
        int colon = text.indexOf(":[");
        if (colon <= 0 || !text.endsWith("]")) return Optional.empty();
        Optional<NamespaceType> type = NamespaceType.fromProcName(text.substring(0, colon));
        if (type.isEmpty() || !type.get().procName().equals(text.substring(0, colon))) return Optional.empty();
        long inode = parseDecimal(text, colon + 2, text.length() - 1);
        return inode < 0 ? Optional.empty() : Optional.of(new NsLink(type.get(), inode));
    }

    /**
     * Adds the socket inodes a {@code /proc/PID/net} table lists (tcp, unix, netlink...: the
     * column headed "inode" or "Inode") to {@code into}. A table the kernel lacks adds nothing.
     */
    static void socketInodes(Path table, Set<Long> into) {
        List<String> lines;
        try {
            lines = Files.readAllLines(table);
        } catch (IOException | UncheckedIOException e) {
            return;
        }
        if (lines.isEmpty()) return;
        String[] header = lines.getFirst().trim().split("\\s+");
        int column = -1;
        for (int i = 0; i < header.length; i++) if (header[i].equalsIgnoreCase("inode")) column = i;
        if (column < 0) return;
        // tcp's header names "tx_queue rx_queue" and "tr tm->when" as one column each in the rows
        int shift = lines.getFirst().contains("tx_queue") ? 2 : 0;
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.trim().split("\\s+");
            int at = column - shift;
            if (at >= 0 && at < f.length) {
                try {
                    into.add(Long.parseLong(f[at]));
                } catch (NumberFormatException skipped) {
                    // a row of another shape
                }
            }
        }
    }

    /** The socket inode of a {@code socket:[INODE]} fd link, or -1. */
    static long parseSocketLink(String text) {
        if (!text.startsWith("socket:[") || !text.endsWith("]")) return -1;
        return parseDecimal(text, 8, text.length() - 1);
    }

    /**
     * The parent pid from {@code /proc/PID/stat}. The command name in parentheses may
     * itself contain spaces and parentheses, so fields are counted from the last ')'.
     */
    static int ppidFromStat(String stat) {
        int close = stat.lastIndexOf(')');
        if (close < 0 || close + 4 >= stat.length()) throw new IllegalArgumentException("malformed stat: " + stat);
        int start = close + 4; // ") S " then the ppid
        int end = stat.indexOf(' ', start);
        long ppid = parseDecimal(stat, start, end < 0 ? stat.length() : end);
        if (ppid < 0) throw new IllegalArgumentException("malformed stat: " + stat);
        return (int) ppid;
    }

    /**
     * A command the way lsns shows it: the first {@value #COMMAND_BUFFER} bytes of
     * {@code cmdline} (or {@code comm}) with NULs as spaces and the last byte dropped (the
     * final NUL of cmdline, the newline of comm). Empty when the file is empty, as for
     * kernel threads' cmdline.
     */
    static Optional<String> command(byte[] raw) {
        int n = Math.min(raw.length, COMMAND_BUFFER);
        if (n == 0) return Optional.empty();
        byte[] b = new byte[n - 1];
        for (int i = 0; i < n - 1; i++) b[i] = raw[i] == 0 ? (byte) ' ' : raw[i];
        return Optional.of(decode(b));
    }

    /**
     * Bytes from the kernel as a string: UTF-8 where valid, each invalid byte as the lone
     * surrogate U+DC80+byte so that output can write the original byte back.
     */
    static String decode(byte[] b) {
        CharsetDecoder strict = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        try {
            return strict.decode(ByteBuffer.wrap(b)).toString();
        } catch (CharacterCodingException e) {
            return decodeLossless(b);
        }
    }

    private static String decodeLossless(byte[] b) {
        StringBuilder sb = new StringBuilder(b.length);
        int i = 0;
        while (i < b.length) {
            int len = utf8SequenceLength(b, i);
            if (len == 0) {
                sb.append((char) (0xDC00 | (b[i] & 0xFF)));
                i++;
            } else {
                sb.append(new String(b, i, len, StandardCharsets.UTF_8));
                i += len;
            }
        }
        return sb.toString();
    }

    /** The length of a valid UTF-8 sequence at {@code i}, or 0 when the byte starts none. */
    private static int utf8SequenceLength(byte[] b, int i) {
        int c = b[i] & 0xFF;
        int len = c < 0x80 ? 1 : c >= 0xC2 && c <= 0xDF ? 2 : c >= 0xE0 && c <= 0xEF ? 3 : c >= 0xF0 && c <= 0xF4 ? 4 : 0;
        if (len == 0 || i + len > b.length) return 0;
        for (int k = 1; k < len; k++) if ((b[i + k] & 0xC0) != 0x80) return 0;
        if (len < 3) return len;
        int c1 = b[i + 1] & 0xFF;
        if (len == 3 && ((c == 0xE0 && c1 < 0xA0) || (c == 0xED && c1 > 0x9F))) return 0; // overlong, surrogates
        if (len == 4 && ((c == 0xF0 && c1 < 0x90) || (c == 0xF4 && c1 > 0x8F))) return 0;
        return len;
    }

    /** An nsfs bind mount from a mountinfo line: what namespace, mounted where. */
    record NsfsMount(NsLink namespace, String mountPoint) {}

    /** The nsfs mounts listed in a {@code /proc/PID/mountinfo} text, in file order. */
    static List<NsfsMount> nsfsMounts(String mountinfo) {
        List<NsfsMount> out = new ArrayList<>();
        int pos = 0;
        while (pos < mountinfo.length()) {
            int eol = mountinfo.indexOf('\n', pos);
            if (eol < 0) eol = mountinfo.length();
            String line = mountinfo.substring(pos, eol);
            pos = eol + 1;
            int dash = line.indexOf(" - nsfs ");
            if (dash < 0) continue;
            // id parent major:minor root mount-point ...
            String[] f = line.substring(0, dash).split(" ", 6);
            if (f.length < 5) continue;
            parseNsLink(unescapeOctal(f[3])).ifPresent(ns -> out.add(new NsfsMount(ns, unescapeOctal(f[4]))));
        }
        return out;
    }

    /** Undoes the kernel's {@code \ooo} escaping of space, tab, newline and backslash. */
    static String unescapeOctal(String s) {
        if (s.indexOf('\\') < 0) return s;
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && isOctal(s, i + 1) && isOctal(s, i + 2) && isOctal(s, i + 3)) {
                sb.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    private static boolean isOctal(String s, int i) {
        return i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '7';
    }

    /** Non-negative decimal in {@code s[from, to)}, or -1 when it is not one. */
    static long parseDecimal(String s, int from, int to) {
        if (from >= to || to - from > 18) return -1;
        long v = 0;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') return -1;
            v = v * 10 + (c - '0');
        }
        return v;
    }
}
