package dev.jns.cli.filter;

/**
 * The tokens of the filter language, each with the name libsmartcols's parser uses for it
 * in a syntax error (its "T_" prefix removed, as libsmartcols removes it).
 */
enum TokenKind {
    NUMBER("NUMBER"), FLOAT("FLOAT"), STRING("STRING"), HOLDER("HOLDER"),
    TRUE("TRUE"), FALSE("FALSE"),
    OR("OR"), AND("AND"), NEG("NEG"),
    EQ("EQ"), NE("NE"), LT("LT"), LE("LE"), GT("GT"), GE("GE"), REG("REG"), NREG("NREG"),
    /** A size like 99999999999999999999K that does not fit: the lexer has reported it. */
    INVALID_NUMBER("INVALID_NUMBER"),
    LPAREN("'('"), RPAREN("')'"),
    /** A lone apostrophe: a token the grammar has no use for. */
    APOSTROPHE("invalid token"),
    END("end of file");

    private final String display;

    TokenKind(String display) {
        this.display = display;
    }

    String display() { return display; }

    boolean isComparison() {
        return ordinal() >= EQ.ordinal() && ordinal() <= NREG.ordinal();
    }

    boolean isLogical() {
        return this == AND || this == OR;
    }
}
