package dev.jns.cli.table;

/**
 * One output column, described the way libsmartcols (the table library of util-linux)
 * describes it, so that widths and alignment come out the same.
 *
 * @param name      the header, and (lower-cased) the JSON key
 * @param widthHint libsmartcols's whint: a width to grow to when the data is wider than
 *                  the header but narrower than this; 0 for none
 * @param right     right-aligned (numbers)
 * @param truncate  may be cut to fit a terminal
 * @param lines     a value with newlines prints as several lines in this column
 * @param tree      carries the tree drawing
 * @param number    a JSON number rather than a string
 */
public record Column(String name, int widthHint, boolean right, boolean truncate, boolean lines,
                     boolean tree, boolean number) {
    public Column withTree(boolean on) {
        return new Column(name, widthHint, right && !on, truncate, lines, on, number);
    }

    public Column withTruncate(boolean on) {
        return new Column(name, widthHint, right, on, lines, tree, number);
    }

    public Column withLines(boolean on) {
        return new Column(name, widthHint, right, truncate, on, tree, number);
    }
}
