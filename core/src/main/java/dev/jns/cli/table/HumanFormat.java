package dev.jns.cli.table;

import java.util.List;

/**
 * The aligned, human-readable table of libsmartcols: columns as wide as their widest cell
 * (at least the header, grown to the width hint when between), one space apart, numbers
 * right-aligned, no padding after the last column. On a terminal, truncatable columns are
 * cut so that lines fit; elsewhere nothing is cut.
 */
public final class HumanFormat {
    private final Table table;
    private final boolean headings;
    private final int terminalWidth;
    private final TreeSymbols symbols;

    /** @param terminalWidth the terminal's width, or 0 when output is not a terminal */
    public HumanFormat(Table table, boolean headings, int terminalWidth, TreeSymbols symbols) {
        this.table = table;
        this.headings = headings;
        this.terminalWidth = terminalWidth;
        this.symbols = symbols;
    }

    public String render() {
        List<Column> cols = table.columns();
        List<Table.Row> rows = table.printOrder();
        int n = cols.size();
        String[][][] chunks = new String[rows.size()][n][];
        for (int r = 0; r < rows.size(); r++) {
            Table.Row row = rows.get(r);
            for (int c = 0; c < n; c++) {
                Column col = cols.get(c);
                String text = (col.tree() ? Table.treeArt(row, symbols) : "") + Text.safe(row.cell(c), col.lines() ? '\n' : 0);
                chunks[r][c] = col.lines() ? text.split("\n", -1) : new String[] {text};
            }
        }
        int[] artWidths = new int[n]; // a tree column is never cut into its drawing
        for (int c = 0; c < n; c++) {
            if (!cols.get(c).tree()) continue;
            for (Table.Row row : rows) artWidths[c] = Math.max(artWidths[c], Text.width(Table.treeArt(row, symbols)));
        }
        int[] widths = widths(cols, chunks, artWidths);
        StringBuilder out = new StringBuilder();
        if (headings) {
            for (int c = 0; c < n; c++) cell(out, cols.get(c).name(), cols.get(c), widths[c], c == n - 1);
            out.append('\n');
        }
        for (int r = 0; r < rows.size(); r++) {
            int height = 1;
            for (int c = 0; c < n; c++) height = Math.max(height, chunks[r][c].length);
            for (int line = 0; line < height; line++) {
                for (int c = 0; c < n; c++) {
                    Column col = cols.get(c);
                    boolean last = c == n - 1;
                    if (line < chunks[r][c].length) {
                        cell(out, chunks[r][c][line], col, widths[c], last);
                    } else {
                        String art = col.tree() ? Table.continuationArt(rows.get(r), symbols) : "";
                        out.append(art);
                        if (!last) out.append(" ".repeat(Math.max(0, widths[c] - Text.width(art)))).append(' ');
                    }
                }
                out.append('\n');
            }
        }
        return out.toString();
    }

    private int[] widths(List<Column> cols, String[][][] chunks, int[] artWidths) {
        int n = cols.size();
        int[] widths = new int[n], mins = new int[n];
        for (int c = 0; c < n; c++) {
            Column col = cols.get(c);
            int min = headings ? Text.width(col.name()) : 0;
            if (min == 0) min = 1;
            int max = 0;
            for (String[][] row : chunks) {
                for (String chunk : row[c]) max = Math.max(max, Text.width(chunk));
            }
            int w = max;
            if (w <= min) w = min;
            else if (col.widthHint() >= 1 && w < col.widthHint() && min < col.widthHint()) w = col.widthHint();
            if (max == 0 && !headings && min == 1 && w <= 1) w = 0;
            widths[c] = w;
            mins[c] = Math.max(min, artWidths[c]);
        }
        if (terminalWidth > 0) fitTerminal(cols, widths, mins);
        return widths;
    }

    /** Cuts truncatable columns, last first, down to their header width until lines fit. */
    private void fitTerminal(List<Column> cols, int[] widths, int[] mins) {
        int total = cols.size() - 1;
        for (int w : widths) total += w;
        for (int c = cols.size() - 1; c >= 0 && total > terminalWidth; c--) {
            if (!cols.get(c).truncate()) continue;
            int cut = Math.min(widths[c] - mins[c], total - terminalWidth);
            if (cut <= 0) continue;
            widths[c] -= cut;
            total -= cut;
        }
    }

    private static void cell(StringBuilder out, String text, Column col, int width, boolean last) {
        int len = Text.width(text);
        int w = width;
        if (last && len < w && !col.right()) w = len;
        if (len > w && col.truncate()) {
            text = Text.truncate(text, w);
            len = w;
        }
        if (!text.isEmpty() && col.right() && len < w) {
            out.append(" ".repeat(w - len));
            len = w;
        }
        out.append(text);
        if (last) return;
        if (len < w) out.append(" ".repeat(w - len));
        out.append(' ');
    }
}
