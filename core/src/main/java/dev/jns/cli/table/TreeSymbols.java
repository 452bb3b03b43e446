package dev.jns.cli.table;

/** The tree drawing: box-drawing glyphs in a UTF-8 locale, ASCII otherwise (as libsmartcols). */
public record TreeSymbols(String branch, String vertical, String last) {
    public static final TreeSymbols UTF8 = new TreeSymbols("\u251c\u2500", "\u2502 ", "\u2514\u2500");
    public static final TreeSymbols ASCII = new TreeSymbols("|-", "| ", "`-");

    /** The symbols for the locale the JVM started in (its {@code native.encoding}). */
    public static TreeSymbols forLocale() {
        String enc = System.getProperty("native.encoding", "");
        return enc.equalsIgnoreCase("UTF-8") ? UTF8 : ASCII;
    }
}
