package dev.jns.cli.filter;

import java.util.List;

/**
 * A parsed {@code --filter} expression, ready to test rows: libsmartcols's filter language
 * (scols-filter(5)) with its typing rules. The operands of a comparison are brought to one
 * type, preferring a literal's type over a column's ({@code PID > 5.5} compares floats,
 * {@code NS == "4026531840"} strings) and a float over a number; a lone operand is true when
 * it is present and non-zero or non-empty.
 */
public final class Filter {
    /** The cells of the row being tested, by column name as written in the expression. */
    public interface Row {
        DataType typeOf(String column);

        /** The cell as {@link Value#ofCell}; may throw {@link FilterEvaluationException}. */
        Value valueOf(String column);
    }

    private final Expr root;
    private final List<String> columns;
    private final String echoed;

    private Filter(Expr root, List<String> columns, String echoed) {
        this.root = root;
        this.columns = columns;
        this.echoed = echoed;
    }

    /**
     * Parses an expression; the empty one matches every row.
     *
     * @throws FilterSyntaxException with libsmartcols's message
     */
    public static Filter parse(String expression) {
        if (expression.isEmpty()) return new Filter(null, List.of(), "");
        FilterParser.Result r = FilterParser.parse(expression);
        return new Filter(r.root(), r.columns(), r.echoed());
    }

    /** The tree, null for the empty expression. */
    public Expr root() { return root; }

    /** Every column reference, in the order written, repeats included. */
    public List<String> columns() { return columns; }

    /** Characters that started no token: libsmartcols's scanner prints them to standard output. */
    public String echoed() { return echoed; }

    /** @throws FilterEvaluationException when a value cannot take the type a comparison needs */
    public boolean test(Row row) {
        return root == null || eval(root, row);
    }

    private static boolean eval(Expr e, Row row) {
        if (e instanceof Expr.And a) return eval(a.left(), row) && eval(a.right(), row);
        if (e instanceof Expr.Or o) return eval(o.left(), row) || eval(o.right(), row);
        if (e instanceof Expr.Not n) return !eval(n.operand(), row);
        if (e instanceof Expr.Literal l) return l.value().truth();
        if (e instanceof Expr.Column c) return row.valueOf(c.name()).truth();
        if (e instanceof Expr.Compare c) {
            DataType type = commonType(c.left(), c.right(), row);
            Value l = operand(c.left(), type, row);
            Value r = operand(c.right(), type, row);
            return compare(c.op(), l, r);
        }
        Expr.Match m = (Expr.Match) e;
        DataType type = commonType(m.left(), m.pattern(), row);
        Value l = operand(m.left(), type, row);
        Value r = operand(m.pattern(), type, row);
        if (type != DataType.STRING) {
            if (l.empty() || r.empty()) return false;
            throw new FilterEvaluationException(FilterEvaluationException.STALE_ERRNO);
        }
        return m.regex().matcher(l.string() == null ? "" : l.string()).find() != m.negated();
    }

    private static DataType typeOf(Expr e, Row row) {
        if (e instanceof Expr.Literal l) return l.value().type();
        if (e instanceof Expr.Column c) return row.typeOf(c.name());
        return DataType.BOOLEAN;
    }

    /** The type both sides of a comparison are brought to. */
    private static DataType commonType(Expr left, Expr right, Row row) {
        DataType l = typeOf(left, row), r = typeOf(right, row);
        if (l == r) return l;
        boolean lColumn = left instanceof Expr.Column, rColumn = right instanceof Expr.Column;
        DataType type = lColumn && !rColumn ? r : l;
        if (type == DataType.NUMBER && (l == DataType.FLOAT || r == DataType.FLOAT)) type = DataType.FLOAT;
        return type;
    }

    private static Value operand(Expr e, DataType type, Row row) {
        if (e instanceof Expr.Literal l) return l.value().as(type);
        if (e instanceof Expr.Column c) return row.valueOf(c.name()).as(type);
        return Value.ofBoolean(eval(e, row)).as(type);
    }

    private static boolean compare(Expr.Comparison op, Value l, Value r) {
        int cmp;
        switch (l.type()) {
            case STRING -> cmp = compareStrings(l.string(), r.string());
            case NUMBER -> {
                if (l.empty() || r.empty()) return false;
                cmp = Long.compareUnsigned(l.number(), r.number());
            }
            case FLOAT -> {
                if (l.empty() || r.empty()) return false;
                return compareFloats(op, l.real(), r.real());
            }
            default -> {
                if (l.empty() || r.empty()) return false;
                cmp = Boolean.compare(l.bool(), r.bool());
            }
        }
        return switch (op) {
            case EQ -> cmp == 0;
            case NE -> cmp != 0;
            case LT -> cmp < 0;
            case LE -> cmp <= 0;
            case GT -> cmp > 0;
            case GE -> cmp >= 0;
        };
    }

    /** IEEE comparisons, so that NaN is unequal to everything, as in C. */
    private static boolean compareFloats(Expr.Comparison op, double l, double r) {
        return switch (op) {
            case EQ -> l == r;
            case NE -> l != r;
            case LT -> l < r;
            case LE -> l <= r;
            case GT -> l > r;
            case GE -> l >= r;
        };
    }

    /** strcmp on UTF-8 bytes (code point order), with no data before any string. */
    private static int compareStrings(String a, String b) {
        if (a == null || b == null) return a == null ? (b == null ? 0 : -1) : 1;
        int i = 0, j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i), cb = b.codePointAt(j);
            if (ca != cb) return Integer.compare(ca, cb);
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }
}
