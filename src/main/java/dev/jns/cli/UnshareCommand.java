package dev.jns.cli;

import dev.jns.spawn.NamespacedProcess;
import dev.jns.spawn.SpawnException;
import dev.jns.sys.Signals;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

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
        if (options.owner().isPresent()) {
            // TEMPORARY until the builder can take credentials before the clone (NEEDS-FROM-SPAWN.md item 3).
            throw new CliException("--owner is not supported by this build yet");
        }
        checkPersistTargetsExist(options);
        NamespacedProcess program;
        try {
            program = UnshareLaunch.builder(options).start();
        } catch (SpawnException e) {
            throw UnshareErrors.of(e, options);
        }
        int pid = (int) program.pid();
        if (options.fork() && !options.forwardSignals()) {
            // util-linux blocks these while it waits, so "kill <unshare pid>" cannot orphan the child.
            Signals.ignore(Signals.SIGINT);
            Signals.ignore(Signals.SIGTERM);
        } else {
            // Without --fork the program is what the caller started, so signals for us are its.
            Signals.onSignal(Signals.SIGTERM, () -> Signals.kill(pid, Signals.SIGTERM));
            Signals.onSignal(Signals.SIGINT, () -> Signals.kill(pid, Signals.SIGINT));
        }
        int status = program.waitFor();
        // TEMPORARY: Process folds "killed by N" into 128+N; the exact termination is
        // NEEDS-FROM-SPAWN.md item 1. Until then 129..192 count as signal deaths.
        if (status > 128 && status <= 128 + Signals.SIGRTMAX) {
            System.out.flush();
            Signals.dieBy(status - 128);
        }
        return status;
    }

    /**
     * util-linux bind-mounts onto an existing file only; a missing one fails the mount.
     * TEMPORARY check before start (NEEDS-FROM-SPAWN.md item 4): the spawner creates missing targets.
     */
    private static void checkPersistTargetsExist(UnshareOptions options) {
        options.persistAt().forEach((type, file) -> {
            if (!Files.exists(Path.of(file))) {
                throw new CliException("mount /proc/" + ProcessHandle.current().pid() + "/ns/" + type.forChildrenProcName()
                        + " on " + file + " failed: No such file or directory");
            }
        });
    }
}
