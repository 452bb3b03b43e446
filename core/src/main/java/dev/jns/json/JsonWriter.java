package dev.jns.json;

import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Writes JSON the way Go's {@code encoding/json} does, since runc's output is what tools
 * that drive an OCI runtime read: members in order, {@code <}, {@code >}, {@code &} and
 * U+2028/U+2029 escaped, and with an indent, one member per line and empty containers as
 * {@code {}} and {@code []}.
 */
public final class JsonWriter {
    private JsonWriter() {}

    /** On one line, no spaces (Go's {@code json.Marshal}). */
    public static String compact(Json value) {
        StringBuilder sb = new StringBuilder();
        write(sb, value, null, "");
        return sb.toString();
    }

    /** One member or element per line, each level indented by {@code indent} more (Go's {@code json.MarshalIndent}). */
    public static String indented(Json value, String indent) {
        StringBuilder sb = new StringBuilder();
        write(sb, value, indent, "");
        return sb.toString();
    }

    private static void write(StringBuilder sb, Json value, String indent, String current) {
        // instanceof, not a pattern switch: a type switch bootstraps a hidden class a cold CLI pays for
        if (value instanceof Json.Obj o) {
            if (o.members().isEmpty()) {
                sb.append("{}");
                return;
            }
            sb.append('{');
            String inner = indent == null ? "" : current + indent;
            Iterator<Map.Entry<String, Json>> it = o.members().entrySet().iterator();
            while (it.hasNext()) {
                Map.Entry<String, Json> e = it.next();
                newline(sb, indent, inner);
                string(sb, e.getKey());
                sb.append(indent == null ? ":" : ": ");
                write(sb, e.getValue(), indent, inner);
                if (it.hasNext()) sb.append(',');
            }
            newline(sb, indent, current);
            sb.append('}');
        } else if (value instanceof Json.Arr a) {
            List<Json> elements = a.elements();
            if (elements.isEmpty()) {
                sb.append("[]");
                return;
            }
            sb.append('[');
            String inner = indent == null ? "" : current + indent;
            for (int i = 0; i < elements.size(); i++) {
                newline(sb, indent, inner);
                write(sb, elements.get(i), indent, inner);
                if (i + 1 < elements.size()) sb.append(',');
            }
            newline(sb, indent, current);
            sb.append(']');
        } else if (value instanceof Json.Str s) {
            string(sb, s.value());
        } else if (value instanceof Json.Num n) {
            sb.append(n.text());
        } else if (value instanceof Json.Bool b) {
            sb.append(b.value());
        } else {
            sb.append("null");
        }
    }

    private static void newline(StringBuilder sb, String indent, String current) {
        if (indent != null) sb.append('\n').append(current);
    }

    private static void string(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
            case '"' -> sb.append("\\\"");
            case '\\' -> sb.append("\\\\");
            case '\n' -> sb.append("\\n");
            case '\r' -> sb.append("\\r");
            case '\t' -> sb.append("\\t");
            default -> {
                if (c < 0x20 || c == '<' || c == '>' || c == '&' || c == '\u2028' || c == '\u2029') {
                    sb.append(String.format("\\u%04x", (int) c));
                } else {
                    sb.append(c);
                }
            }
            }
        }
        sb.append('"');
    }
}
