package dev.jns.spawn;

import java.util.List;

/** Linux signal numbers (x86_64 and the generic numbering) that the spawner deals with. */
public final class Signals {
    public static final int SIGHUP = 1, SIGINT = 2, SIGQUIT = 3, SIGKILL = 9, SIGUSR1 = 10, SIGUSR2 = 12,
            SIGTERM = 15;

    /** What a supervisor should pass on by default: the signals people send to stop or poke a program. */
    static final List<Integer> FORWARDED_BY_DEFAULT = List.of(SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2);

    private Signals() {}
}
