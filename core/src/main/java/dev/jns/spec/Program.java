package dev.jns.spec;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The program to run.
 *
 * @param command     the program and its arguments; the first is looked up in the PATH of
 *                    {@code environment} when it has no slash
 * @param argv0       what the program sees as {@code argv[0]} instead of the command's first element
 * @param environment {@code NAME=value} entries, passed in this order (as {@code environ} is)
 * @param directory   the working directory, entered after any root change; empty: the
 *                    caller's, or {@code /} after a root change
 */
public record Program(List<String> command, Optional<String> argv0, List<String> environment, Optional<Path> directory)
        implements Step {
    public Program {
        command = List.copyOf(command);
        environment = List.copyOf(environment);
        if (command.isEmpty()) throw new IllegalArgumentException("no command to run");
    }
}
