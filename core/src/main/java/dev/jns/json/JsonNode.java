package dev.jns.json;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A value together with where it is: the source it was read from and its path from the root
 * ({@code process.args}, {@code mounts[2].options}), so that every shape error is one line
 * that says which value was wrong and on which line, e.g.
 * {@code config.json: process.args: expected array of strings at line 12}.
 */
public record JsonNode(Json value, String path, String source) {

    /** A member of this object; empty when it is absent or {@code null} (as Go reads an absent pointer). */
    public Optional<JsonNode> get(String name) {
        Json v = asObject().members().get(name);
        if (v == null || v instanceof Json.Null) return Optional.empty();
        return Optional.of(new JsonNode(v, child(name), source));
    }

    /** A member that must be there. */
    public JsonNode require(String name) {
        return get(name).orElseThrow(() -> new JsonException(source + ": " + child(name) + ": missing (in the object at line "
                + value.line() + ")"));
    }

    public boolean has(String name) {
        return get(name).isPresent();
    }

    /** The member names present (with a value other than null), in order. */
    public List<String> names() {
        List<String> names = new ArrayList<>();
        for (Map.Entry<String, Json> e : asObject().members().entrySet()) {
            if (!(e.getValue() instanceof Json.Null)) names.add(e.getKey());
        }
        return names;
    }

    public String string() {
        if (value instanceof Json.Str s) return s.value();
        throw expected("string");
    }

    public boolean bool() {
        if (value instanceof Json.Bool b) return b.value();
        throw expected("boolean");
    }

    /** An integer that fits a signed 64-bit long. */
    public long int64() {
        return integer(Long.MIN_VALUE, Long.MAX_VALUE, "integer");
    }

    /** An integer that fits an unsigned 32-bit value (a uid, a gid, a mode). */
    public long uint32() {
        return integer(0, 0xFFFF_FFFFL, "integer from 0 to 4294967295");
    }

    public int int32() {
        return (int) integer(Integer.MIN_VALUE, Integer.MAX_VALUE, "32-bit integer");
    }

    /** An unsigned 64-bit integer, returned as its two's complement bits when above {@code Long.MAX_VALUE}. */
    public long uint64() {
        if (value instanceof Json.Num n && isInteger(n.text(), false)) {
            try {
                return Long.parseUnsignedLong(n.text());
            } catch (NumberFormatException e) {
                // falls through to the error
            }
        }
        throw expected("integer from 0 to 18446744073709551615");
    }

    private long integer(long min, long max, String what) {
        if (value instanceof Json.Num n && isInteger(n.text(), true)) {
            try {
                long v = Long.parseLong(n.text());
                if (v >= min && v <= max) return v;
            } catch (NumberFormatException e) {
                // out of range: falls through to the error
            }
        }
        throw expected(what);
    }

    /** Digits only (after a minus sign if {@code signed}); no regex: java.util.regex costs a cold verb milliseconds. */
    private static boolean isInteger(String text, boolean signed) {
        int start = signed && text.startsWith("-") ? 1 : 0;
        if (start == text.length()) return false;
        for (int i = start; i < text.length(); i++) {
            if (text.charAt(i) < '0' || text.charAt(i) > '9') return false;
        }
        return true;
    }

    public List<JsonNode> elements() {
        if (!(value instanceof Json.Arr a)) throw expected("array");
        List<JsonNode> out = new ArrayList<>(a.elements().size());
        for (int i = 0; i < a.elements().size(); i++) {
            out.add(new JsonNode(a.elements().get(i), path + "[" + i + "]", source));
        }
        return out;
    }

    public List<String> strings() {
        if (value instanceof Json.Arr a) {
            List<String> out = new ArrayList<>(a.elements().size());
            for (Json e : a.elements()) {
                if (!(e instanceof Json.Str s)) throw expected("array of strings");
                out.add(s.value());
            }
            return out;
        }
        throw expected("array of strings");
    }

    /** An object whose member values are all strings, in order. */
    public Map<String, String> stringMap() {
        if (value instanceof Json.Obj o) {
            Map<String, String> out = new LinkedHashMap<>();
            for (Map.Entry<String, Json> e : o.members().entrySet()) {
                if (!(e.getValue() instanceof Json.Str s)) throw expected("object of strings");
                out.put(e.getKey(), s.value());
            }
            return out;
        }
        throw expected("object of strings");
    }

    public Json.Obj asObject() {
        if (value instanceof Json.Obj o) return o;
        throw expected("object");
    }

    /** An error about this value: {@code SOURCE: PATH: WHAT at line N}. */
    public JsonException error(String what) {
        return new JsonException(source + ": " + (path.isEmpty() ? "" : path + ": ") + what + " at line " + value.line());
    }

    private JsonException expected(String what) {
        return error("expected " + what + ", found " + value.kind());
    }

    private String child(String name) {
        return path.isEmpty() ? name : path + "." + name;
    }
}
