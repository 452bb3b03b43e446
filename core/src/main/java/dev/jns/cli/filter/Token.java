package dev.jns.cli.filter;

/**
 * A token and, for literals and column names, what it stands for. {@code error} is the
 * lexer's own message for an {@link TokenKind#INVALID_NUMBER}.
 */
record Token(TokenKind kind, String text, Value value, String error) {
    Token(TokenKind kind, String text) {
        this(kind, text, null, null);
    }
}
