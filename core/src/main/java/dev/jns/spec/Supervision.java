package dev.jns.spec;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** How the program's life is tied to its caller's. */
public sealed interface Supervision extends Step {
    /**
     * The program dies with its caller, and so does everything it started: the helper stays
     * as its supervisor (and the subreaper of its orphans), kills the whole tree when the
     * caller goes, and passes signals on.
     *
     * @param deathSignal the signal the program gets if the helper itself dies
     * @param forwarded   signals the helper passes on to the program
     * @param ignored     signals the helper neither dies of nor passes on (they win over {@code forwarded})
     * @param locks       files the program's reaper holds a read lock on for its life (one is forked for them)
     */
    record Leashed(int deathSignal, List<Integer> forwarded, List<Integer> ignored, List<LockFile> locks)
            implements Supervision {
        /** Copies the lists. */
        public Leashed {
            forwarded = List.copyOf(forwarded);
            ignored = List.copyOf(ignored);
            locks = List.copyOf(locks);
        }

        /**
         * Without lock files.
         *
         * @param deathSignal the signal the program gets if the helper itself dies
         * @param forwarded   signals the helper passes on to the program
         * @param ignored     signals the helper neither dies of nor passes on
         */
        public Leashed(int deathSignal, List<Integer> forwarded, List<Integer> ignored) {
            this(deathSignal, forwarded, ignored, List.of());
        }
    }

    /**
     * The program outlives its caller: the helper leaves once the program is set up, and the
     * program, no longer anyone's child here, is adopted by the nearest subreaper (as an OCI
     * runtime's {@code create} leaves a container).
     *
     * @param startFifo a fifo the program opens for writing before exec, which blocks it until
     *                  someone opens it for reading (the OCI {@code start}); empty: exec at once
     * @param pidFile   where its pid is written once it is set up (replaced atomically, as runc's {@code --pid-file})
     */
    record Detached(Optional<Path> startFifo, Optional<Path> pidFile) implements Supervision {}
}
