package dev.jns.cli.filter;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * One operand's value with libsmartcols's conversion rules. {@code empty} marks a cell
 * with no data: numbers, floats and booleans that are empty compare false with anything,
 * while an empty string is a null that sorts before every string.
 *
 * <p>Converting to another type works on a copy, and the copy of a non-string is never
 * empty: an empty PID compared with a string reads as "0". That is libsmartcols's
 * behaviour, kept so that the same expressions select the same rows.
 */
public record Value(DataType type, boolean empty, String string, long number, double real, boolean bool) {

    public static Value ofString(String s) {
        return new Value(DataType.STRING, s == null, s, 0, 0, false);
    }

    public static Value ofNumber(long unsigned) {
        return new Value(DataType.NUMBER, false, null, unsigned, 0, false);
    }

    public static Value ofFloat(double d) {
        return new Value(DataType.FLOAT, false, null, 0, d, false);
    }

    public static Value ofBoolean(boolean b) {
        return new Value(DataType.BOOLEAN, false, null, 0, 0, b);
    }

    /**
     * A table cell as the filter sees it: surrounding white space dropped, null for no
     * data, then read as the column's type (an empty cell stays empty).
     */
    public static Value ofCell(String data, DataType columnType) {
        Value v = ofString(data == null ? null : trim(data));
        return columnType == DataType.STRING ? v : v.convert(columnType, v.empty);
    }

    /** Whether a lone operand counts as true: present and non-zero / non-empty. */
    public boolean truth() {
        if (empty) return false;
        return switch (type) {
            case STRING -> string != null && !string.isEmpty();
            case NUMBER -> number != 0;
            case FLOAT -> real != 0.0;
            case BOOLEAN -> bool;
        };
    }

    /** This value as {@code target}, converting a copy when the type differs. */
    public Value as(DataType target) {
        if (target == type) return this;
        return convert(target, type == DataType.STRING && string == null);
    }

    private Value convert(DataType target, boolean keepEmpty) {
        return switch (type) {
            case STRING -> switch (target) {
                case STRING -> this;
                case NUMBER -> new Value(target, keepEmpty, null, string == null ? 0 : parseUnsigned(string), 0, false);
                case FLOAT -> new Value(target, keepEmpty, null, 0, string == null ? 0 : parseFloat(string), false);
                case BOOLEAN -> new Value(target, keepEmpty, null, 0, 0, string != null && isYes(string));
            };
            case NUMBER -> switch (target) {
                case STRING -> new Value(target, keepEmpty, Long.toUnsignedString(number), 0, 0, false);
                case NUMBER -> this;
                case FLOAT -> new Value(target, keepEmpty, null, 0, unsignedToDouble(number), false);
                case BOOLEAN -> new Value(target, keepEmpty, null, 0, 0, number != 0);
            };
            case FLOAT -> switch (target) {
                case STRING -> new Value(target, keepEmpty, formatG(real), 0, 0, false);
                case NUMBER -> new Value(target, keepEmpty, null, doubleToUnsigned(real), 0, false);
                case FLOAT -> this;
                case BOOLEAN -> new Value(target, keepEmpty, null, 0, 0, real > 0.0);
            };
            case BOOLEAN -> switch (target) {
                case STRING -> new Value(target, keepEmpty, bool ? "true" : "false", 0, 0, false);
                case NUMBER -> new Value(target, keepEmpty, null, bool ? 1 : 0, 0, false);
                case FLOAT -> new Value(target, keepEmpty, null, 0, bool ? 1.0 : 0.0, false);
                case BOOLEAN -> this;
            };
        };
    }

    /** White space as C's isspace() sees it, from both ends. */
    static String trim(String s) {
        int b = 0, e = s.length();
        while (b < e && isSpace(s.charAt(b))) b++;
        while (e > b && isSpace(s.charAt(e - 1))) e--;
        return s.substring(b, e);
    }

    private static boolean isSpace(char c) {
        return c == ' ' || (c >= '\t' && c <= '\r');
    }

    /** "1", "true" in any case, or a yes answer (the C locale's: starting with y or Y). */
    private static boolean isYes(String s) {
        return !s.isEmpty() && (s.equals("1") || s.equalsIgnoreCase("true") || s.charAt(0) == 'y' || s.charAt(0) == 'Y');
    }

    /**
     * A whole string as an unsigned 64-bit decimal, as util-linux reads one: an optional
     * sign, digits and nothing else; negative numbers and overflow are out of range.
     */
    static long parseUnsigned(String s) {
        int i = 0;
        while (i < s.length() && isSpace(s.charAt(i))) i++;
        boolean minus = false;
        if (i < s.length() && (s.charAt(i) == '+' || s.charAt(i) == '-')) minus = s.charAt(i++) == '-';
        int start = i;
        while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') i++;
        if (i == start) throw new FilterEvaluationException(FilterEvaluationException.EINVAL);
        BigInteger v = new BigInteger(s.substring(start, i));
        if ((minus && v.signum() != 0) || v.bitLength() > 64) throw new FilterEvaluationException(FilterEvaluationException.ERANGE);
        if (i != s.length()) throw new FilterEvaluationException(FilterEvaluationException.EINVAL);
        return v.longValue();
    }

    /** A whole string as strtold reads a decimal float, infinity or NaN. */
    static double parseFloat(String s) {
        String t = s.stripLeading();
        if (t.matches("[+-]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][+-]?[0-9]+)?")) {
            double d = Double.parseDouble(t);
            if (Double.isInfinite(d)) throw new FilterEvaluationException(FilterEvaluationException.ERANGE);
            return d;
        }
        String l = t.toLowerCase(java.util.Locale.ROOT);
        String body = l.startsWith("+") || l.startsWith("-") ? l.substring(1) : l;
        if (body.equals("inf") || body.equals("infinity")) return l.startsWith("-") ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        if (body.equals("nan")) return Double.NaN;
        throw new FilterEvaluationException(FilterEvaluationException.EINVAL);
    }

    private static double unsignedToDouble(long v) {
        return v >= 0 ? v : new BigDecimal(Long.toUnsignedString(v)).doubleValue();
    }

    private static long doubleToUnsigned(double d) {
        if (!(d > 0)) return 0;
        return new BigDecimal(d).toBigInteger().longValue();
    }

    /** printf's {@code %g}: six significant digits, trailing zeros dropped, exponent form for large and small. */
    static String formatG(double d) {
        if (Double.isNaN(d)) return "nan";
        if (Double.isInfinite(d)) return d > 0 ? "inf" : "-inf";
        if (d == 0) return (1 / d < 0) ? "-0" : "0";
        BigDecimal r = new BigDecimal(d).round(new MathContext(6, RoundingMode.HALF_EVEN));
        int exp = r.precision() - r.scale() - 1;
        if (exp < -4 || exp >= 6) {
            BigDecimal mantissa = r.movePointLeft(exp).stripTrailingZeros();
            String m = mantissa.scale() <= 0 ? mantissa.toBigInteger().toString() : mantissa.toPlainString();
            return m + "e" + (exp < 0 ? "-" : "+") + (Math.abs(exp) < 10 ? "0" : "") + Math.abs(exp);
        }
        BigDecimal plain = r.stripTrailingZeros();
        return plain.scale() <= 0 ? plain.toBigInteger().toString() : plain.toPlainString();
    }
}
