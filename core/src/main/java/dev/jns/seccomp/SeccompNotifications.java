package dev.jns.seccomp;

import dev.jns.os.SyscallException;
import dev.jns.sys.FdPassing;
import dev.jns.sys.LibC;
import dev.jns.sys.SeccompListener;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The listener of a seccomp filter that uses {@link SeccompAction#NOTIFY} ({@code
 * seccomp_unotify(2)}): each call the filter hands over waits in the kernel until this side
 * {@linkplain #receive() receives} it and answers it, letting it go on ({@link #continueCall}),
 * failing it with an errno ({@link #fail}) or returning a value in its place ({@link #returnValue}).
 *
 * <p>Obtained from the started process ({@code NamespacedProcess.seccompNotifications()});
 * the caller owns it and closes it. Closed, the calls still waiting fail with ENOSYS, and so
 * do calls notified later. One thread receives at a time; answers may come from any thread.
 *
 * <p>{@link #continueCall} is no security boundary: the program can change the memory the
 * arguments point at between the look and the call (the kernel's documentation says so).
 * A listener that reads the program's memory ({@code /proc/PID/mem}) should check
 * {@link #isPending} afterwards, since the pid may have been reused once the call is gone.
 */
public final class SeccompNotifications implements AutoCloseable {
    private final int fd;
    private boolean closed;

    private SeccompNotifications(int fd) { this.fd = fd; }

    /**
     * Takes ownership of a listener descriptor (one {@code seccomp(2)} returned for
     * {@code SECCOMP_FILTER_FLAG_NEW_LISTENER}, or one received over a unix socket).
     *
     * @param listenerFd the descriptor, closed by {@link #close()}
     * @return the handle
     */
    public static SeccompNotifications adopt(int listenerFd) {
        if (listenerFd < 0) throw new IllegalArgumentException("not a descriptor: " + listenerFd);
        return new SeccompNotifications(listenerFd);
    }

    /**
     * A call the filter handed over, waiting for an answer.
     *
     * @param id                 the kernel's id of this notification, which the answer names
     * @param pid                the calling thread, as this JVM's pid namespace sees it (0 if it cannot)
     * @param syscall            the system call's number, for {@code architecture}
     * @param architecture       the {@code AUDIT_ARCH_*} value of the call's ABI (x86_64: {@code 0xc000003e})
     * @param instructionPointer where the call was made
     * @param arguments          the call's six argument registers
     */
    public record Notification(long id, int pid, int syscall, int architecture, long instructionPointer,
                               List<Long> arguments) {
        /** Copies the arguments. */
        public Notification {
            arguments = List.copyOf(arguments);
        }
    }

    /**
     * Waits for the next notification.
     *
     * @return the notification, or empty once no process is left under the filter
     * @throws SyscallException if the listener cannot be read (closed, say)
     */
    public Optional<Notification> receive() {
        return receive(-1);
    }

    /**
     * Waits at most {@code timeout} for the next notification.
     *
     * @param timeout how long to wait
     * @return the notification, or empty if none came in time or no process is left under the filter
     * @throws SyscallException if the listener cannot be read (closed, say)
     */
    public Optional<Notification> receive(Duration timeout) {
        return receive((int) Math.min(Integer.MAX_VALUE, Math.max(0, timeout.toMillis())));
    }

    private Optional<Notification> receive(int timeoutMs) {
        long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
        while (true) {
            int left = timeoutMs < 0 ? -1 : (int) Math.max(0, (deadline - System.nanoTime()) / 1_000_000L);
            if (SeccompListener.await(open(), left) <= 0) return Optional.empty();
            long[] n = SeccompListener.receive(fd);
            // null: its process was killed between the look and the take; wait for the next
            if (n != null) {
                return Optional.of(new Notification(n[0], (int) n[1], (int) n[2], (int) n[3], n[4],
                        List.of(n[5], n[6], n[7], n[8], n[9], n[10])));
            }
        }
    }

    /**
     * Lets the call go on in the kernel as if the filter had allowed it
     * ({@code SECCOMP_USER_NOTIF_FLAG_CONTINUE}, Linux 5.5+).
     *
     * @param call the notification
     * @return false if the call no longer waits (its thread was killed)
     * @throws SyscallException if the kernel refuses the answer
     */
    public boolean continueCall(Notification call) {
        return SeccompListener.respond(open(), call.id(), 0, 0, SeccompListener.FLAG_CONTINUE);
    }

    /**
     * Fails the call with {@code errno}; it does nothing.
     *
     * @param call  the notification
     * @param errno the errno the program sees (positive, e.g. 1 for EPERM)
     * @return false if the call no longer waits (its thread was killed)
     * @throws SyscallException if the kernel refuses the answer
     */
    public boolean fail(Notification call, int errno) {
        if (errno <= 0 || errno > 4095) throw new IllegalArgumentException("not an errno: " + errno);
        return SeccompListener.respond(open(), call.id(), 0, -errno, 0);
    }

    /**
     * The call does nothing and returns {@code value} (what this side did for it, say).
     *
     * @param call  the notification
     * @param value the return value the program sees
     * @return false if the call no longer waits (its thread was killed)
     * @throws SyscallException if the kernel refuses the answer
     */
    public boolean returnValue(Notification call, long value) {
        return SeccompListener.respond(open(), call.id(), value, 0, 0);
    }

    /**
     * Whether the call still waits for an answer ({@code SECCOMP_IOCTL_NOTIF_ID_VALID}).
     *
     * @param call the notification
     * @return whether it does
     */
    public boolean isPending(Notification call) {
        return SeccompListener.isPending(open(), call.id());
    }

    /**
     * Hands a copy of the listener to the process listening on the unix socket {@code socket}:
     * connects, sends {@code message} with the descriptor ({@code SCM_RIGHTS}) as one message,
     * and disconnects. This handle stays open.
     *
     * @param socket  the socket's path
     * @param message the bytes sent along (at least one)
     * @throws SyscallException if the socket cannot be reached or the message not sent
     */
    public void handTo(Path socket, byte[] message) {
        if (message.length == 0) throw new IllegalArgumentException("an empty message carries no descriptor");
        int s = LibC.connectUnix(socket.toString());
        try {
            FdPassing.send(s, message, new int[] {open()});
        } finally {
            LibC.close(s);
        }
    }

    private synchronized int open() {
        if (closed) throw new IllegalStateException("seccomp listener closed");
        return fd;
    }

    /** Closes the listener: calls waiting, and calls notified from now on, fail with ENOSYS. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        LibC.close(fd);
    }

    @Override
    public String toString() {
        return "SeccompNotifications[fd=" + fd + (closed ? ", closed" : "") + "]";
    }
}
