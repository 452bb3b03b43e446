package dev.jns.cli.table;

/**
 * The raw format of libsmartcols: cells separated by one space, every blank, backslash
 * and non-ASCII byte written as {@code \xNN}, so that each line splits on spaces.
 */
public final class RawFormat {
    private final Table table;
    private final boolean headings;
    private final TreeSymbols symbols;

    public RawFormat(Table table, boolean headings, TreeSymbols symbols) {
        this.table = table;
        this.headings = headings;
        this.symbols = symbols;
    }

    public String render() {
        StringBuilder out = new StringBuilder();
        int n = table.columns().size();
        if (headings) {
            for (int c = 0; c < n; c++) {
                out.append(Text.raw(table.columns().get(c).name()));
                if (c < n - 1) out.append(' ');
            }
            out.append('\n');
        }
        for (Table.Row row : table.printOrder()) {
            for (int c = 0; c < n; c++) {
                Column col = table.columns().get(c);
                out.append(Text.raw((col.tree() ? Table.treeArt(row, symbols) : "") + row.cell(c)));
                if (c < n - 1) out.append(' ');
            }
            out.append('\n');
        }
        return out.toString();
    }
}
