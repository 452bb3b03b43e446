package dev.jns.cli.filter;

import java.util.regex.Pattern;

/**
 * The parsed expression: an immutable tree. Leaves are literals and column references;
 * every inner node yields a boolean, which is also its data type when it is compared.
 */
public sealed interface Expr {
    /** A number, float, string or boolean written in the expression. */
    record Literal(Value value) implements Expr {}

    /** A column name (libsmartcols calls it a holder), exactly as written. */
    record Column(String name) implements Expr {}

    record Not(Expr operand) implements Expr {}

    record And(Expr left, Expr right) implements Expr {}

    record Or(Expr left, Expr right) implements Expr {}

    enum Comparison { EQ, NE, LT, LE, GT, GE }

    record Compare(Comparison op, Expr left, Expr right) implements Expr {}

    /** {@code =~} (or {@code !~} when negated); the pattern is the string literal on the right. */
    record Match(boolean negated, Expr left, Literal pattern, Pattern regex) implements Expr {}
}
