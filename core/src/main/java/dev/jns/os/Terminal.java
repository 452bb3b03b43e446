package dev.jns.os;

import dev.jns.sys.TerminalSize;

/** The terminal behind a standard stream, as a table printer needs it. */
public final class Terminal {
    private Terminal() {}

    /**
     * The terminal's width in columns, or 0 when {@code fd} is not a terminal or says none ({@code TIOCGWINSZ}).
     *
     * @param fd the descriptor number
     * @return the width, or 0
     */
    public static int columns(int fd) {
        return TerminalSize.columns(fd);
    }
}
