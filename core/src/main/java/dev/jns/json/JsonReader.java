package dev.jns.json;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A strict RFC 8259 reader: one value, nothing after it but white space, no comments, no
 * trailing commas, no duplicate member names, no unescaped control characters, no lone
 * surrogates in escapes. It is small on purpose: every {@code jns oci} verb is a new JVM, and
 * a databind library costs more start-up time than the whole verb should (see
 * {@code bench/}).
 */
public final class JsonReader {
    private static final int MAX_DEPTH = 512;

    private final String text, source;
    private int pos, line = 1, lineStart, depth;

    private JsonReader(String text, String source) {
        this.text = text;
        this.source = source;
    }

    /**
     * Reads {@code text} as one JSON value.
     *
     * @param source what the text is, for errors ({@code config.json})
     * @throws JsonException naming the source, the line and the column of the first error
     */
    public static Json read(String text, String source) {
        JsonReader r = new JsonReader(text, source);
        r.skipSpace();
        Json value = r.value();
        r.skipSpace();
        if (r.pos < text.length()) throw r.error("unexpected " + r.describeHere() + " after the top-level value");
        return value;
    }

    /** Reads {@code text} and returns a node at its root, for navigation with paths in errors. */
    public static JsonNode readNode(String text, String source) {
        return new JsonNode(read(text, source), "", source);
    }

    private Json value() {
        if (pos >= text.length()) throw error("unexpected end of input");
        char c = text.charAt(pos);
        int at = line;
        return switch (c) {
            case '{' -> object();
            case '[' -> array();
            case '"' -> new Json.Str(string(), at);
            case 't' -> literal("true", new Json.Bool(true, at));
            case 'f' -> literal("false", new Json.Bool(false, at));
            case 'n' -> literal("null", new Json.Null(at));
            default -> {
                if (c == '-' || (c >= '0' && c <= '9')) yield number();
                throw error("unexpected " + describeHere());
            }
        };
    }

    private Json object() {
        int at = line;
        enter();
        pos++;
        Map<String, Json> members = new LinkedHashMap<>();
        skipSpace();
        if (peek() == '}') {
            pos++;
            depth--;
            return new Json.Obj(members, at);
        }
        while (true) {
            skipSpace();
            if (peek() != '"') throw error("expected a member name in quotes, found " + describeHere());
            int nameLine = line;
            String name = string();
            if (members.containsKey(name)) {
                throw new JsonException(source + ": duplicate member \"" + name + "\" at line " + nameLine);
            }
            skipSpace();
            expect(':');
            skipSpace();
            members.put(name, value());
            skipSpace();
            char c = peek();
            pos++;
            if (c == '}') break;
            if (c != ',') {
                pos--;
                throw error("expected ',' or '}' after an object member, found " + describeHere());
            }
        }
        depth--;
        return new Json.Obj(members, at);
    }

    private Json array() {
        int at = line;
        enter();
        pos++;
        List<Json> elements = new ArrayList<>();
        skipSpace();
        if (peek() == ']') {
            pos++;
            depth--;
            return new Json.Arr(elements, at);
        }
        while (true) {
            skipSpace();
            elements.add(value());
            skipSpace();
            char c = peek();
            pos++;
            if (c == ']') break;
            if (c != ',') {
                pos--;
                throw error("expected ',' or ']' after an array element, found " + describeHere());
            }
        }
        depth--;
        return new Json.Arr(elements, at);
    }

    private void enter() {
        if (++depth > MAX_DEPTH) throw error("nested deeper than " + MAX_DEPTH + " levels");
    }

    private String string() {
        pos++; // the opening quote
        StringBuilder sb = null;
        int start = pos;
        while (true) {
            if (pos >= text.length()) throw error("unterminated string");
            char c = text.charAt(pos);
            if (c == '"') {
                String s = sb == null ? text.substring(start, pos) : sb.append(text, start, pos).toString();
                pos++;
                return s;
            }
            if (c < 0x20) throw error("control character U+" + String.format("%04X", (int) c) + " in a string");
            if (c != '\\') {
                pos++;
                continue;
            }
            if (sb == null) sb = new StringBuilder();
            sb.append(text, start, pos);
            pos++;
            if (pos >= text.length()) throw error("unterminated string");
            char e = text.charAt(pos++);
            switch (e) {
                case '"', '\\', '/' -> sb.append(e);
                case 'b' -> sb.append('\b');
                case 'f' -> sb.append('\f');
                case 'n' -> sb.append('\n');
                case 'r' -> sb.append('\r');
                case 't' -> sb.append('\t');
                case 'u' -> unicodeEscape(sb);
                default -> {
                    pos--;
                    throw error("invalid escape '\\" + e + "' in a string");
                }
            }
            start = pos;
        }
    }

    /** Appends the character of a {@code \\uXXXX} escape, or the pair of two escapes for a supplementary one. */
    private void unicodeEscape(StringBuilder sb) {
        char c = hex4();
        if (Character.isHighSurrogate(c)) {
            if (!text.startsWith("\\u", pos)) throw error("a high surrogate escape without its low surrogate");
            pos += 2;
            char low = hex4();
            if (!Character.isLowSurrogate(low)) throw error("a high surrogate escape without its low surrogate");
            sb.append(c).append(low);
            return;
        }
        if (Character.isLowSurrogate(c)) throw error("a low surrogate escape without its high surrogate");
        sb.append(c);
    }

    private char hex4() {
        if (pos + 4 > text.length()) throw error("unterminated \\u escape");
        int v = 0;
        for (int i = 0; i < 4; i++) {
            int d = Character.digit(text.charAt(pos + i), 16);
            if (d < 0) throw error("invalid \\u escape");
            v = v * 16 + d;
        }
        pos += 4;
        return (char) v;
    }

    private Json number() {
        int at = line, start = pos;
        if (peek() == '-') pos++;
        if (peek() == '0') {
            pos++;
        } else if (peek() >= '1' && peek() <= '9') {
            while (isDigit(peek())) pos++;
        } else {
            throw error("invalid number");
        }
        if (peek() == '.') {
            pos++;
            if (!isDigit(peek())) throw error("invalid number: no digit after the decimal point");
            while (isDigit(peek())) pos++;
        }
        if (peek() == 'e' || peek() == 'E') {
            pos++;
            if (peek() == '+' || peek() == '-') pos++;
            if (!isDigit(peek())) throw error("invalid number: no digit in the exponent");
            while (isDigit(peek())) pos++;
        }
        return new Json.Num(text.substring(start, pos), at);
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private Json literal(String word, Json value) {
        if (!text.startsWith(word, pos)) throw error("unexpected " + describeHere());
        pos += word.length();
        return value;
    }

    private void expect(char c) {
        if (peek() != c) throw error("expected '" + c + "', found " + describeHere());
        pos++;
    }

    private char peek() {
        return pos < text.length() ? text.charAt(pos) : '\0';
    }

    private void skipSpace() {
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c == '\n') {
                line++;
                lineStart = pos + 1;
            } else if (c != ' ' && c != '\t' && c != '\r') {
                return;
            }
            pos++;
        }
    }

    private String describeHere() {
        if (pos >= text.length()) return "end of input";
        char c = text.charAt(pos);
        return c < 0x20 ? "character U+" + String.format("%04X", (int) c) : "'" + c + "'";
    }

    private JsonException error(String what) {
        return new JsonException(source + ": " + what + " at line " + line + " column " + (pos - lineStart + 1));
    }
}
