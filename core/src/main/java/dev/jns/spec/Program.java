package dev.jns.spec;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The program to run.
 *
 * @param command     the program and its arguments; the first is looked up in the PATH of
 *                    {@code environment} when it has no slash
 * @param argv0       what the program sees as {@code argv[0]} instead of the command's first element
 * @param environment {@code NAME=value} entries, passed in this order (as {@code environ} is)
 * @param directory   the working directory, entered after any root change; empty: the
 *                    caller's, or {@code /} after a root change
 * @param fallbacks   directories tried in order when {@code directory} cannot be entered (bubblewrap's
 *                    way: the caller's directory if the sandbox has it, else HOME, else the root);
 *                    empty: failing to enter {@code directory} fails the launch
 * @param setsPwd     {@code PWD} in the environment names the directory entered, as bubblewrap sets it
 * @param blockFd     a descriptor of the caller's from which the program, set up, reads one byte (or
 *                    the end) before exec: the caller lets it start by writing or closing the other
 *                    end (bubblewrap's {@code --block-fd}); the program does not get it
 */
public record Program(List<String> command, Optional<String> argv0, List<String> environment, Optional<Path> directory,
                      List<Path> fallbacks, boolean setsPwd, OptionalInt blockFd) implements Step {
    /**
     * Entering {@code directory} or failing, the environment as given.
     *
     * @param command the program and its arguments
     * @param argv0 the program's {@code argv[0]}, if not the command's first element
     * @param environment {@code NAME=value} entries
     * @param directory the working directory, if any
     */
    public Program(List<String> command, Optional<String> argv0, List<String> environment, Optional<Path> directory) {
        this(command, argv0, environment, directory, List.of(), false, OptionalInt.empty());
    }

    /** Copies the lists; {@link IllegalArgumentException} for an empty command, or fallbacks without a directory. */
    public Program {
        command = List.copyOf(command);
        environment = List.copyOf(environment);
        fallbacks = List.copyOf(fallbacks);
        if (!fallbacks.isEmpty() && directory.isEmpty()) throw new IllegalArgumentException("fallbacks without a directory");
        if (command.isEmpty()) throw new IllegalArgumentException("no command to run");
    }
}
