package dev.jns.spec;

import java.nio.file.Path;

/**
 * A read lock on a file of the sandbox (a path inside its root, or relative to its working
 * directory), held for the sandbox's life by its reaper, as bubblewrap's {@code --lock-file}:
 * whoever watches the file for a conflicting lock sees the sandbox running.
 *
 * @param file the file, in the sandbox
 */
public record LockFile(Path file) implements Step {}
