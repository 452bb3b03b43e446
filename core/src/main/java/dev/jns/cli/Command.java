package dev.jns.cli;

import java.io.PrintStream;

/** One {@code jns} subcommand: parses its arguments, calls the library, prints. */
public interface Command {
    /**
     * Runs the command and returns the process exit code. Usage errors are thrown as
     * {@link Getopt.UsageException}, other tool errors as {@link CliException}; {@link Main}
     * prints them in util-linux's {@code prog: message} form.
     */
    int run(String[] args, PrintStream out, PrintStream err) throws Exception;
}
