package dev.jns.cli.filter;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.regex.Pattern;

/**
 * A POSIX extended regular expression (what lsns hands to regcomp) rewritten as a
 * java.util.regex pattern, with glibc's messages for the mistakes regcomp rejects. The
 * dialects differ where it matters here: POSIX brackets ({@code []a]}, {@code [[:alpha:]]},
 * a literal backslash inside), stacked repetitions ({@code a**}), a lone {@code )} and
 * {@code $} only at the very end.
 */
final class PosixRegex {
    private static final String BAD_PRECEDING = "Invalid preceding regular expression";
    private static final String UNMATCHED_BRACKET = "Unmatched [, [^, [:, [., or [=";

    private final String re;
    private int i;
    private final StringBuilder out = new StringBuilder();
    /** Where in {@link #out} the last thing a repetition may follow starts; -1 if nothing may. */
    private int atom = -1;
    private final Deque<Integer> openGroups = new ArrayDeque<>();
    private int closedGroups;

    private PosixRegex(String re) {
        this.re = re;
    }

    static Pattern compile(String ere) {
        return Pattern.compile(new PosixRegex(ere).translate(), Pattern.DOTALL);
    }

    private String translate() {
        while (i < re.length()) {
            char c = re.charAt(i++);
            switch (c) {
                case '\\' -> escape();
                case '(' -> {
                    openGroups.push(out.length());
                    out.append('(');
                    atom = -1;
                }
                case ')' -> {
                    if (openGroups.isEmpty()) {
                        literal(c);
                    } else {
                        atom = openGroups.pop();
                        out.append(')');
                        closedGroups++;
                    }
                }
                case '|' -> {
                    out.append('|');
                    atom = -1;
                }
                case '*', '+', '?' -> repeat(String.valueOf(c));
                case '{' -> repeat(interval());
                case '[' -> {
                    int start = out.length();
                    bracket();
                    atom = start;
                }
                case '^' -> {
                    out.append('^');
                    atom = -1;
                }
                case '$' -> {
                    out.append("\\z");
                    atom = -1;
                }
                case '.' -> {
                    atom = out.length();
                    out.append('.');
                }
                default -> literal(c);
            }
        }
        if (!openGroups.isEmpty()) throw new FilterSyntaxException("Unmatched ( or \\(");
        return out.toString();
    }

    private void literal(char c) {
        atom = out.length();
        appendLiteral(out, c);
    }

    private static void appendLiteral(StringBuilder b, char c) {
        if (c < 128 && !Character.isLetterOrDigit(c)) b.append('\\');
        b.append(c);
    }

    /** A repetition applies to the last atom; wrapping it first lets repetitions stack. */
    private void repeat(String quantifier) {
        if (atom < 0) throw new FilterSyntaxException(BAD_PRECEDING);
        out.insert(atom, "(?:").append(')').append(quantifier);
    }

    /** {@code {m}}, {@code {m,}}, {@code {,n}} or {@code {m,n}}, the '{' already read. */
    private String interval() {
        if (atom < 0) throw new FilterSyntaxException(BAD_PRECEDING);
        int close = re.indexOf('}', i);
        if (close < 0) throw new FilterSyntaxException("Unmatched \\{");
        String body = re.substring(i, close);
        i = close + 1;
        if (!body.matches("[0-9]*(,[0-9]*)?")) throw new FilterSyntaxException("Invalid content of \\{\\}");
        int comma = body.indexOf(',');
        String min = comma < 0 ? body : body.substring(0, comma);
        String max = comma < 0 ? body : body.substring(comma + 1);
        int lo = min.isEmpty() ? 0 : bound(min);
        if (comma < 0 && min.isEmpty()) throw new FilterSyntaxException("Invalid content of \\{\\}");
        if (max.isEmpty()) return "{" + lo + ",}";
        int hi = bound(max);
        if (hi < lo) throw new FilterSyntaxException("Invalid content of \\{\\}");
        return "{" + lo + "," + hi + "}";
    }

    private static int bound(String digits) {
        if (digits.length() > 5 || Integer.parseInt(digits) > 0x7fff) throw new FilterSyntaxException("Regular expression too big");
        return Integer.parseInt(digits);
    }

    private void escape() {
        if (i >= re.length()) throw new FilterSyntaxException("Trailing backslash");
        char d = re.charAt(i++);
        atom = out.length();
        if (d >= '1' && d <= '9') {
            if (d - '0' > closedGroups) throw new FilterSyntaxException("Invalid back reference");
            out.append('\\').append(d);
            return;
        }
        switch (d) {
            case 'w' -> out.append("[\\p{Alnum}_]");
            case 'W' -> out.append("[^\\p{Alnum}_]");
            case 's' -> out.append("\\s");
            case 'S' -> out.append("\\S");
            case 'b' -> out.append("\\b");
            case 'B' -> out.append("\\B");
            case '<' -> out.append("\\b(?=\\w)");
            case '>' -> out.append("\\b(?<=\\w)");
            case '`' -> out.append("\\A");
            case '\'' -> out.append("\\z");
            default -> appendLiteral(out, d);
        }
    }

    /** A bracket expression, the '[' already read; a ']' right after '[' or '[^' is a member. */
    private void bracket() {
        StringBuilder cls = new StringBuilder("[");
        if (i < re.length() && re.charAt(i) == '^') {
            cls.append('^');
            i++;
        }
        if (i >= re.length()) throw new FilterSyntaxException("Invalid regular expression");
        boolean first = true;
        while (true) {
            if (i >= re.length()) throw new FilterSyntaxException(UNMATCHED_BRACKET);
            char c = re.charAt(i);
            if (c == ']' && !first) {
                i++;
                break;
            }
            first = false;
            if (c == '[' && i + 1 < re.length() && ":.=".indexOf(re.charAt(i + 1)) >= 0) {
                char kind = re.charAt(i + 1);
                int end = re.indexOf(kind + "]", i + 2);
                if (end < 0) throw new FilterSyntaxException(UNMATCHED_BRACKET);
                String name = re.substring(i + 2, end);
                i = end + 2;
                if (kind == ':') {
                    cls.append(characterClass(name));
                } else if (name.length() == 1) {
                    appendLiteral(cls, name.charAt(0));
                } else {
                    throw new FilterSyntaxException("Invalid collation character");
                }
                continue;
            }
            i++;
            if (i + 1 < re.length() && re.charAt(i) == '-' && re.charAt(i + 1) != ']') {
                char last = re.charAt(i + 1);
                if (last < c) throw new FilterSyntaxException("Invalid range end");
                appendLiteral(cls, c);
                cls.append('-');
                appendLiteral(cls, last);
                i += 2;
            } else {
                appendLiteral(cls, c);
            }
        }
        out.append(cls).append(']');
    }

    private static String characterClass(String name) {
        return switch (name) {
            case "alpha" -> "\\p{Alpha}";
            case "digit" -> "\\p{Digit}";
            case "alnum" -> "\\p{Alnum}";
            case "upper" -> "\\p{Upper}";
            case "lower" -> "\\p{Lower}";
            case "space" -> "\\s\\x0B";
            case "blank" -> "\\p{Blank}";
            case "punct" -> "\\p{Punct}";
            case "print" -> "\\p{Print}";
            case "graph" -> "\\p{Graph}";
            case "cntrl" -> "\\p{Cntrl}";
            case "xdigit" -> "\\p{XDigit}";
            default -> throw new FilterSyntaxException("Invalid character class name");
        };
    }
}
