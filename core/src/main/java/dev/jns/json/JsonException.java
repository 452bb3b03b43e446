package dev.jns.json;

/**
 * JSON that does not parse, or does not have the shape asked for; the message is one line
 * that names the source, the path of the value and its line, e.g.
 * {@code config.json: process.args: expected array of strings at line 12}.
 */
public final class JsonException extends RuntimeException {
    public JsonException(String message) {
        super(message);
    }
}
