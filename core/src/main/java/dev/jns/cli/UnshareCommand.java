package dev.jns.cli;

import dev.jns.os.Signals;
import dev.jns.spawn.NamespacedProcess;
import dev.jns.spawn.SpawnException;
import dev.jns.spawn.Termination;

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
            out.println(Version.line("unshare"));
        }
        return 0;
    }

    private int launch(UnshareOptions options) throws IOException, InterruptedException {
        SignalRelay relay = new SignalRelay(forwarded(options));
        NamespacedProcess program;
        try {
            program = InheritedDescriptors.handTo(UnshareLaunch.builder(options)).start();
        } catch (SpawnException e) {
            if (UnshareErrors.explainedByTheProgram(e)) return 1;
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
     * Which of SIGTERM and SIGINT sent to jns reach the program; the others are swallowed.
     * util-linux with {@code --fork} blocks both (so they cannot orphan the program) and with
     * {@code --forward-signals} passes both on. Without {@code --fork} util-linux's program is
     * the process signalled; jns passes SIGTERM on, but not SIGINT: that one mostly comes from
     * the terminal to the whole process group, which the program is in, and passing it on too
     * would deliver it twice.
     */
    static List<Integer> forwarded(UnshareOptions options) {
        if (options.forwardSignals()) return List.of(Signals.SIGTERM, Signals.SIGINT);
        return options.fork() ? List.of() : List.of(Signals.SIGTERM);
    }

    /**
     * Catches SIGTERM and SIGINT for as long as jns waits for its program, forwarding the ones
     * asked for. The handlers are in place before the program starts, so no signal can slip
     * through and end jns (and with it the program) early; and being caught, not ignored, they
     * revert to their defaults in the program.
     */
    private static final class SignalRelay {
        private final List<Integer> early = new ArrayList<>();
        private int pid;

        SignalRelay(List<Integer> forwarded) {
            for (int sig : new int[] {Signals.SIGTERM, Signals.SIGINT}) {
                Signals.onSignal(sig, forwarded.contains(sig) ? () -> forward(sig) : () -> { });
            }
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
