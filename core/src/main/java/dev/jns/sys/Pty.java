package dev.jns.sys;

import java.nio.file.Path;

/**
 * A pseudo-terminal pair from {@code /dev/ptmx} ({@code posix_openpt}, {@code unlockpt},
 * {@code ptsname} done by hand): the master end for whoever drives the terminal, the
 * terminal end (a {@code /dev/pts/N}) for the program.
 *
 * @param master   the master's fd (close-on-exec)
 * @param terminal the terminal end's fd (close-on-exec; a program gets it as a handed-over descriptor)
 * @param path     the terminal end's path
 */
public record Pty(int master, int terminal, Path path) {
    private static final long TIOCGPTN = 0x80045430L, TIOCSPTLCK = 0x40045431L;

    public static Pty open() {
        int master = LibC.open("/dev/ptmx", LibC.O_RDWR | LibC.O_NOCTTY | LibC.O_CLOEXEC);
        try {
            try (java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofConfined()) {
                java.lang.foreign.MemorySegment unlock = arena.allocate(java.lang.foreign.ValueLayout.JAVA_INT);
                unlock.set(java.lang.foreign.ValueLayout.JAVA_INT, 0, 0);
                LibC.ioctl(master, TIOCSPTLCK, unlock.address(), "TIOCSPTLCK");
            }
            int n = LibC.ioctlReadInt(master, TIOCGPTN, "TIOCGPTN");
            Path path = Path.of("/dev/pts/" + n);
            int terminal = LibC.open(path.toString(), LibC.O_RDWR | LibC.O_NOCTTY | LibC.O_CLOEXEC);
            return new Pty(master, terminal, path);
        } catch (RuntimeException e) {
            LibC.close(master);
            throw e;
        }
    }

    /** Sends the master end over the unix socket at {@code socketPath} (runc's {@code --console-socket}). */
    public void sendMaster(Path socketPath) {
        int socket = LibC.connectUnix(socketPath.toString());
        try {
            FdPassing.send(socket, new int[] {master});
        } finally {
            LibC.close(socket);
        }
    }
}
