package dev.jns.cli.filter;

/**
 * An expression that cannot be parsed. The message is libsmartcols's own (bison's
 * "syntax error, unexpected ...", a number token error, a regcomp error), which the
 * command puts after {@code failed to parse "EXPR": }.
 */
public final class FilterSyntaxException extends RuntimeException {
    private final String echoed;

    public FilterSyntaxException(String message) {
        this(message, "");
    }

    public FilterSyntaxException(String message, String echoed) {
        super(message, null, false, false);
        this.echoed = echoed;
    }

    /** Characters the lexer skipped before the error; util-linux has printed them to standard output. */
    public String echoed() { return echoed; }
}
