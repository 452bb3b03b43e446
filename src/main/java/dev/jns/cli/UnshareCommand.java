package dev.jns.cli;

import dev.jns.spawn.NamespacedProcess;
import dev.jns.spawn.SpawnException;
import dev.jns.spawn.Termination;
import dev.jns.sys.Signals;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code jns unshare}: util-linux's unshare(1), flag for flag. Parsing and every decision
 * live in {@link UnshareParser}; this class launches the program as decided and leaves the
 * way it did, passing on the program's exit status or dying by the signal that killed it.
 */
public final class UnshareCommand implements Command {
    @Override
    public int run(String[] args, PrintStream out, PrintStream err) throws Exception {
        UnshareParser.Parsed parsed = new UnshareParser(UnshareParser.Host.current()).parse(args);
        // An if-chain, not a pattern switch: a type switch spins a class at run time (~20 ms cold).
        if (parsed instanceof UnshareParser.Run run) return launch(run.options());
        if (parsed instanceof UnshareParser.Help) {
            out.print(UnshareHelp.TEXT);
        } else {
            out.println("jns unshare from jns " + version());
        }
        return 0;
    }

    private static String version() {
        String v = UnshareCommand.class.getPackage().getImplementationVersion();
        return v != null ? v : "(unpackaged build)";
    }

    private int launch(UnshareOptions options) throws IOException, InterruptedException {
        SignalRelay relay = new SignalRelay(!options.fork() || options.forwardSignals());
        NamespacedProcess program;
        try {
            program = UnshareLaunch.builder(options).start();
        } catch (SpawnException e) {
            throw UnshareErrors.of(e, options);
        }
        relay.programStarted((int) program.pid());
        Termination end = program.termination();
        if (end instanceof Termination.Killed killed) {
            // util-linux re-raises the signal on itself, so the caller sees the same death.
            System.out.flush();
            Signals.dieBy(killed.signal());
            return 128 + killed.signal();
        }
        return ((Termination.Exited) end).code();
    }

    /**
     * What becomes of SIGTERM and SIGINT sent to jns while its program runs: util-linux with
     * {@code --fork} blocks them (so they cannot orphan the program); without it, or with
     * {@code --forward-signals}, they reach the program. The handlers are in place before the
     * program starts, so no signal can slip through and end jns (and with it the program) early;
     * and being caught, not ignored, they revert to their defaults in the program.
     */
    private static final class SignalRelay {
        private static final int[] RELAYED = {Signals.SIGTERM, Signals.SIGINT};
        private final List<Integer> early = new ArrayList<>();
        private int pid;

        SignalRelay(boolean forward) {
            for (int sig : RELAYED) Signals.onSignal(sig, forward ? () -> forward(sig) : () -> { });
        }

        private synchronized void forward(int sig) {
            if (pid == 0) early.add(sig);
            else Signals.kill(pid, sig);
        }

        synchronized void programStarted(int pid) {
            this.pid = pid;
            for (int sig : early) Signals.kill(pid, sig);
            early.clear();
        }
    }
}
