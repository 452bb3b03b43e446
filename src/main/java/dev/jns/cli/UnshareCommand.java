package dev.jns.cli;

import java.io.PrintStream;

/**
 * {@code jns unshare}: util-linux's unshare(1), flag for flag. Parsing and every decision
 * live in {@link UnshareParser}; this class launches the program as decided and leaves the
 * way it did, passing on the program's exit status or dying by the signal that killed it.
 */
public final class UnshareCommand implements Command {
    @Override
    public int run(String[] args, PrintStream out, PrintStream err) throws Exception {
        return switch (new UnshareParser(UnshareParser.Host.current()).parse(args)) {
            case UnshareParser.Help help -> {
                out.print(UnshareHelp.TEXT);
                yield 0;
            }
            case UnshareParser.Version version -> {
                out.println("jns unshare from jns " + version());
                yield 0;
            }
            case UnshareParser.Run run -> launch(run.options(), out, err);
        };
    }

    private static String version() {
        String v = UnshareCommand.class.getPackage().getImplementationVersion();
        return v != null ? v : "(unpackaged build)";
    }

    private int launch(UnshareOptions options, PrintStream out, PrintStream err) {
        // TEMPORARY until the spawn branch's builder is merged: see NEEDS-FROM-SPAWN.md.
        throw new CliException("launching is not wired to the spawn engine yet");
    }
}
