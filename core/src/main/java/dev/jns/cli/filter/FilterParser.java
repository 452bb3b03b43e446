package dev.jns.cli.filter;

import dev.jns.cli.filter.Expr.Comparison;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Parses the filter language into an {@link Expr} with libsmartcols's grammar, whose
 * precedence is not C's: {@code &&} and {@code ||} bind equally and group from the left
 * ({@code a || b && c} is {@code (a || b) && c}); comparisons bind tighter and also group
 * from the left; {@code !} binds tightest ({@code !A == B} is {@code (!A) == B}).
 *
 * <p>Errors carry the messages of libsmartcols's generated parser, which depend on where it
 * stops: after a whole expression it names the end it expected ("expecting end of file"),
 * elsewhere so many tokens would do that it names none.
 */
final class FilterParser {
    private final FilterLexer lexer;
    private Token lookahead;
    private final List<String> columns = new ArrayList<>();

    private FilterParser(String src) {
        this.lexer = new FilterLexer(src);
    }

    /** The parsed expression, the column names in the order written, and what the lexer skipped. */
    record Result(Expr root, List<String> columns, String echoed) {}

    /** @throws FilterSyntaxException with libsmartcols's message and the characters skipped before it */
    static Result parse(String src) {
        FilterParser p = new FilterParser(src);
        try {
            Expr root = p.logic();
            Token t = p.peek();
            if (t.kind() != TokenKind.END) throw unexpected(t, ", expecting end of file");
            return new Result(root, List.copyOf(p.columns), p.lexer.echoed());
        } catch (FilterSyntaxException e) {
            throw new FilterSyntaxException(e.getMessage(), p.lexer.echoed());
        }
    }

    private Token peek() {
        if (lookahead == null) lookahead = lexer.next();
        return lookahead;
    }

    private Token take() {
        Token t = peek();
        lookahead = null;
        return t;
    }

    private static FilterSyntaxException unexpected(Token t, String expecting) {
        return new FilterSyntaxException("syntax error, unexpected " + t.kind().display() + expecting);
    }

    private Expr logic() {
        Expr left = comparison();
        while (peek().kind().isLogical()) {
            boolean and = take().kind() == TokenKind.AND;
            Expr right = comparison();
            left = and ? new Expr.And(left, right) : new Expr.Or(left, right);
        }
        return left;
    }

    private Expr comparison() {
        Expr left = unary();
        while (peek().kind().isComparison()) {
            TokenKind op = take().kind();
            Expr right = unary();
            left = switch (op) {
                case REG, NREG -> match(op == TokenKind.NREG, left, right);
                case EQ -> new Expr.Compare(Comparison.EQ, left, right);
                case NE -> new Expr.Compare(Comparison.NE, left, right);
                case LT -> new Expr.Compare(Comparison.LT, left, right);
                case LE -> new Expr.Compare(Comparison.LE, left, right);
                case GT -> new Expr.Compare(Comparison.GT, left, right);
                default -> new Expr.Compare(Comparison.GE, left, right);
            };
        }
        return left;
    }

    /**
     * The pattern is compiled as soon as the right side is known, before the next token is
     * read. libsmartcols has no message for a right side that is not a string (it prints
     * "(null)", or crashes for some), so neither does this.
     */
    private static Expr match(boolean negated, Expr left, Expr right) {
        if (!(right instanceof Expr.Literal lit) || lit.value().type() != DataType.STRING) {
            throw new FilterSyntaxException("(null)");
        }
        Pattern regex = PosixRegex.compile(lit.value().string());
        return new Expr.Match(negated, left, lit, regex);
    }

    private Expr unary() {
        Token t = take();
        switch (t.kind()) {
            case NEG -> {
                return new Expr.Not(unary());
            }
            case LPAREN -> {
                Expr inner = logic();
                Token close = take();
                if (close.kind() != TokenKind.RPAREN) throw unexpected(close, "");
                return inner;
            }
            case NUMBER, FLOAT, STRING, TRUE, FALSE -> {
                return new Expr.Literal(t.value());
            }
            case HOLDER -> {
                columns.add(t.text());
                return new Expr.Column(t.text());
            }
            case INVALID_NUMBER -> throw new FilterSyntaxException(t.error());
            default -> throw unexpected(t, "");
        }
    }
}
