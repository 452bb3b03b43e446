package dev.jns.sys;

import java.lang.foreign.FunctionDescriptor;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/** Calls on pidfds beyond {@link LibC#pidfdOpen}: reaching into another process's files. */
public final class Pidfds {
    private static final long SYS_PIDFD_GETFD = 438;
    /** From {@code <linux/sockios.h>}: the network namespace of a socket, as an nsfs fd. */
    private static final long SIOCGSKNS = 0x894C;

    private Pidfds() {}

    private static final class Syscall {
        static final MethodHandle H = Ffi.errnoCall("syscall",
                FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT), 1);
    }

    /** {@code pidfd_getfd}: a duplicate, in this process, of fd {@code targetFd} of the pidfd's process. */
    public static int getfd(int pidfd, int targetFd) {
        return (int) Ffi.checked("pidfd_getfd", "(" + pidfd + ", " + targetFd + ")",
                st -> (long) Syscall.H.invokeExact(st, SYS_PIDFD_GETFD, pidfd, targetFd, 0));
    }

    /** The network namespace of the socket {@code sockFd}, as a new nsfs fd ({@code SIOCGSKNS}). */
    public static int socketNetns(int sockFd) {
        return LibC.ioctl(sockFd, SIOCGSKNS, 0, "SIOCGSKNS");
    }
}
