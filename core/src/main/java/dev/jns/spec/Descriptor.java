package dev.jns.spec;

import java.nio.file.Path;

/** A file the program finds open at a number of its choosing ({@link #fd()}); nothing else is open beyond 0, 1 and 2. */
public sealed interface Descriptor extends Step {
    /**
     * Its number in the program.
     *
     * @return the number
     */
    int fd();

    /**
     * A file the helper opens, before any namespace is joined (so the path names what the caller sees).
     *
     * @param flags the {@code open(2)} flags ({@code O_RDONLY} 0, {@code O_WRONLY} 1, {@code O_RDWR} 2, ...)
     * @param source the source
     * @param fd the descriptor number
     */
    record OpenFile(Path source, int flags, int fd) implements Descriptor {
        /** Checks the descriptor number. */
        public OpenFile {
            check(fd);
        }
    }

    /**
     * One of the caller's own open descriptors, by its number in this process: a pipe end, a
     * file, a fifo, a socket, an eventfd, a pidfd... The program gets the same open file
     * description (shared offset and flags), as a forked child would.
     *
     * @param callerFd the descriptor in this process
     * @param fd the descriptor number
     */
    record Inherited(int callerFd, int fd) implements Descriptor {
        /** Checks both descriptor numbers. */
        public Inherited {
            check(fd);
            if (callerFd < 0) throw new IllegalArgumentException("not a descriptor number: " + callerFd);
        }
    }

    private static void check(int fd) {
        if (fd < 0) throw new IllegalArgumentException("not a descriptor number: " + fd);
    }
}
