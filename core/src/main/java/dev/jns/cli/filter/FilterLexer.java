package dev.jns.cli.filter;

import java.math.BigInteger;

/**
 * Splits an expression into tokens the way libsmartcols's scanner does: the longest match
 * wins, a keyword only when it is the whole word ({@code and} but not {@code andx}), and a
 * character that starts no token is skipped after being copied to {@link #echoed()} —
 * the scanner writes such characters to standard output, and lsns's output starts with them.
 */
final class FilterLexer {
    private static final String SUFFIXES = "KMGTPEZY";
    private final String src;
    private int pos;
    private final StringBuilder echoed = new StringBuilder();

    FilterLexer(String src) {
        this.src = src;
    }

    /** The characters no token could start with, in the order they were met. */
    String echoed() { return echoed.toString(); }

    Token next() {
        while (pos < src.length()) {
            char c = src.charAt(pos);
            if (c == ' ' || c == '\t' || c == '\n') {
                pos++;
                continue;
            }
            Token t = token(c);
            if (t != null) return t;
            echoed.append(c);
            pos++;
        }
        return new Token(TokenKind.END, "");
    }

    private Token token(char c) {
        if (isLetter(c)) return word();
        if (c >= '0' && c <= '9') return number();
        switch (c) {
            case '(' -> { return take(1, TokenKind.LPAREN); }
            case ')' -> { return take(1, TokenKind.RPAREN); }
            case '"', '\'' -> {
                int close = closingQuote(c);
                if (close >= 0) {
                    String text = src.substring(pos, close + 1);
                    pos = close + 1;
                    return new Token(TokenKind.STRING, text, Value.ofString(Value.trim(text.substring(1, text.length() - 1))), null);
                }
                return c == '\'' ? take(1, TokenKind.APOSTROPHE) : null;
            }
            case '&' -> { return startsWith("&&") ? take(2, TokenKind.AND) : null; }
            case '|' -> { return startsWith("||") ? take(2, TokenKind.OR) : null; }
            case '!' -> {
                if (startsWith("!=")) return take(2, TokenKind.NE);
                if (startsWith("!~")) return take(2, TokenKind.NREG);
                return take(1, TokenKind.NEG);
            }
            case '=' -> {
                if (startsWith("==")) return take(2, TokenKind.EQ);
                return startsWith("=~") ? take(2, TokenKind.REG) : null;
            }
            case '<' -> { return startsWith("<=") ? take(2, TokenKind.LE) : take(1, TokenKind.LT); }
            case '>' -> { return startsWith(">=") ? take(2, TokenKind.GE) : take(1, TokenKind.GT); }
            default -> { return null; }
        }
    }

    /** A string ends at the next same quote on the same line, or there is no string. */
    private int closingQuote(char quote) {
        for (int i = pos + 1; i < src.length(); i++) {
            char c = src.charAt(i);
            if (c == quote) return i;
            if (c == '\n') return -1;
        }
        return -1;
    }

    private Token word() {
        int end = pos + 1;
        while (end < src.length() && isWordChar(src.charAt(end))) end++;
        String w = src.substring(pos, end);
        pos = end;
        TokenKind k = switch (w) {
            case "and", "AND" -> TokenKind.AND;
            case "or", "OR" -> TokenKind.OR;
            case "not", "NOT" -> TokenKind.NEG;
            case "eq", "EQ" -> TokenKind.EQ;
            case "ne", "NE" -> TokenKind.NE;
            case "le", "LE" -> TokenKind.LE;
            case "lt", "LT" -> TokenKind.LT;
            case "ge", "GE" -> TokenKind.GE;
            case "gt", "GT" -> TokenKind.GT;
            case "true", "TRUE" -> TokenKind.TRUE;
            case "false", "FALSE" -> TokenKind.FALSE;
            default -> TokenKind.HOLDER;
        };
        Value v = k == TokenKind.TRUE ? Value.ofBoolean(true) : k == TokenKind.FALSE ? Value.ofBoolean(false) : null;
        return new Token(k, w, v, null);
    }

    /** Digits, then a fraction (a float) or a size suffix (K, KiB, ... Y, YiB), or neither. */
    private Token number() {
        int end = digitsEnd(pos);
        if (end < src.length() && src.charAt(end) == '.' && digitsEnd(end + 1) > end + 1) {
            int fend = digitsEnd(end + 1);
            String text = src.substring(pos, fend);
            pos = fend;
            return new Token(TokenKind.FLOAT, text, Value.ofFloat(Double.parseDouble(text)), null);
        }
        if (end < src.length() && SUFFIXES.indexOf(src.charAt(end)) >= 0) {
            int send = src.startsWith("iB", end + 1) ? end + 3 : end + 1;
            String text = src.substring(pos, send);
            pos = send;
            return size(text, src.charAt(end));
        }
        String text = src.substring(pos, end);
        pos = end;
        BigInteger v = new BigInteger(text);
        // An overlong number saturates, as strtoumax does.
        long n = v.bitLength() > 64 ? -1L : v.longValue();
        return new Token(TokenKind.NUMBER, text, Value.ofNumber(n), null);
    }

    /**
     * A number with a binary suffix. Its digits are read as C reads "0"-prefixed ones, in
     * octal, and a digit that does not belong or a result past 2^64-1 is a token error.
     */
    private static Token size(String text, char suffix) {
        String digits = text.substring(0, text.indexOf(suffix));
        boolean octal = digits.length() > 1 && digits.charAt(0) == '0';
        String error = null;
        long value = 0;
        if (octal && !digits.matches("[0-7]+")) {
            error = "Invalid argument";
        } else {
            BigInteger v = new BigInteger(digits, octal ? 8 : 10).shiftLeft(10 * (SUFFIXES.indexOf(suffix) + 1));
            if (v.bitLength() > 64) error = "Numerical result out of range";
            else value = v.longValue();
        }
        if (error != null) {
            return new Token(TokenKind.INVALID_NUMBER, text, null, "\"" + text + "\" token error: " + error);
        }
        return new Token(TokenKind.NUMBER, text, Value.ofNumber(value), null);
    }

    private int digitsEnd(int from) {
        int i = from;
        while (i < src.length() && src.charAt(i) >= '0' && src.charAt(i) <= '9') i++;
        return i;
    }

    private boolean startsWith(String s) {
        return src.startsWith(s, pos);
    }

    private Token take(int n, TokenKind kind) {
        String text = src.substring(pos, pos + n);
        pos += n;
        return new Token(kind, text);
    }

    private static boolean isLetter(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    private static boolean isWordChar(char c) {
        return isLetter(c) || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '%' || c == ':' || c == '/' || c == '-';
    }
}
