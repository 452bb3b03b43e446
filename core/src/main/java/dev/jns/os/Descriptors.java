package dev.jns.os;

import java.nio.file.Path;

/** Names for this process's open descriptors that another process can open. */
public final class Descriptors {
    private Descriptors() {}

    /**
     * {@code /proc/PID/fd/N} with this JVM's pid, not {@code /proc/self}: the path is opened
     * by another process (the helper), where {@code self} would name that process.
     *
     * @param fd the descriptor number
     * @return the path
     */
    public static Path procPath(int fd) {
        return Path.of("/proc", Long.toString(ProcessHandle.current().pid()), "fd", Integer.toString(fd));
    }

    /**
     * Closes one of this process's descriptors by number ({@code close(2)}), e.g. one it inherited.
     *
     * @param fd the descriptor number
     */
    public static void close(int fd) {
        dev.jns.sys.LibC.close(fd);
    }
}
