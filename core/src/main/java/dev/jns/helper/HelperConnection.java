package dev.jns.helper;

import dev.jns.os.SyscallException;
import dev.jns.sys.FdPassing;
import dev.jns.sys.LibC;
import dev.jns.sys.ProcessFds;

import java.io.File;
import java.io.FileInputStream;
import java.io.FileNotFoundException;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;

/**
 * The two pipes between this JVM and one helper: status frames come in, control bytes go
 * out. The helper makes them (Java can give a child no descriptor beyond 0, 1 and 2, and
 * those are the target's); this side opens its ends through {@code /proc/PID/fd}. Opening
 * a pipe's end there costs two {@code open}s, where a unix socket's first use in a JVM
 * costs tens of milliseconds (the JDK seeds a SecureRandom for it).
 *
 * <p>The control pipe also keeps the target on a leash: only this JVM holds its write end,
 * so the helper reads EOF when the JVM dies and kills the target. It is closed when the
 * helper has exited, after the helper's last words are read.
 */
public final class HelperConnection {
    /** The helper's fds for this JVM's ends (src/main/c/helper.h: JVM_CONTROL_END, JVM_STATUS_END, JVM_FDS_END). */
    private static final int CONTROL_END = 10, STATUS_END = 11, FDS_END = 12;
    /**
     * The pause between looks for the pipes, which the helper makes within a few hundred
     * microseconds of its exec. Sleeping, not spinning: on a machine with few cores a
     * spinning JVM thread takes the CPU the helper needs to get there (measured on 2 cores:
     * 670 µs from exec to connected when spinning, 260 µs when sleeping).
     */
    private static final long PAUSE_NANOS = 20_000;
    /** A helper that has not made its pipes by then never will: /proc hides them from us. */
    private static final long GIVE_UP_NANOS = 10_000_000_000L;

    /** How the target ended, as the helper's {@code waitid} saw it. */
    public record Ended(int siCode, int status) {
        public static final int CLD_EXITED = 1, CLD_KILLED = 2, CLD_DUMPED = 3;
    }

    private final InputStream status;
    private final OutputStream control;
    /** The descriptor socket while a seccomp listener may still come over it, else -1. */
    private int descriptorSocket = -1;
    private boolean read;
    private Ended ended;

    private HelperConnection(InputStream status, OutputStream control) {
        this.status = status;
        this.control = control;
    }

    /**
     * Opens this JVM's ends of a just-started helper's pipes, says hello and sends the bytes
     * of the plan's receive ops. The helper goes
     * on with the plan meanwhile; it waits for the hello only before it reads the control
     * pipe, exits, or changes its own credentials. Throws if the helper exits first or its
     * pipes cannot be opened.
     */
    static HelperConnection open(Process helper, List<ByteBuffer> payloads, List<int[]> descriptors, boolean listener)
            throws IOException {
        OwnProc.require();
        Path fds = Path.of("/proc", Long.toString(helper.pid()), "fd");
        long giveUp = System.nanoTime() + GIVE_UP_NANOS;
        File statusEnd = fds.resolve(Integer.toString(STATUS_END)).toFile();
        InputStream status = null;
        while (status == null) {
            // Looking costs one stat; a failed open would cost an exception as well.
            if (statusEnd.exists()) {
                try {
                    status = new FileInputStream(statusEnd);
                    continue;
                } catch (FileNotFoundException e) {
                    // gone between the look and the open: the helper exited, checked below
                }
            }
            if (!helper.isAlive()) throw exited(helper);
            if (System.nanoTime() - giveUp > 0) {
                throw new IOException("cannot open jns-helper's status pipe " + statusEnd + " (not made, or not"
                        + " visible to this user)");
            }
            LockSupport.parkNanos(PAUSE_NANOS);
        }
        try {
            OutputStream control = new FileOutputStream(fds.resolve(Integer.toString(CONTROL_END)).toFile());
            // Still alive, so not reaped: the pid was not reused, and the pipes are its own.
            if (!helper.isAlive()) {
                control.close();
                throw exited(helper);
            }
            HelperConnection connection = new HelperConnection(status, control);
            if (!descriptors.isEmpty() || listener) {
                int socket = takeDescriptorSocket(helper);
                try {
                    sendDescriptors(socket, descriptors);
                } catch (IOException | RuntimeException e) {
                    LibC.close(socket);
                    control.close();
                    throw e;
                }
                if (listener) connection.descriptorSocket = socket;
                else LibC.close(socket);
            }
            connection.send('h');
            // The bytes of the plan's receive ops, which the helper reads in order.
            for (ByteBuffer p : payloads) {
                byte[] bytes = new byte[p.remaining()];
                p.duplicate().get(bytes);
                control.write(bytes);
            }
            control.flush();
            return connection;
        } catch (IOException | RuntimeException e) {
            status.close();
            throw e;
        }
    }

    /**
     * Whether the /proc mounted here is this JVM's pid namespace's (a JVM started in a new
     * one without a new /proc sees the host's, where the helper's pid names another process).
     * Checked once.
     */
    private static final class OwnProc {
        static final String PROBLEM = check();

        static void require() throws IOException {
            if (PROBLEM != null) throw new IOException(PROBLEM);
        }

        private static String check() {
            try {
                String self = Files.readSymbolicLink(Path.of("/proc/self")).toString();
                long pid = ProcessHandle.current().pid();
                return self.equals(Long.toString(pid)) ? null : "the /proc mounted here is another pid namespace's"
                        + " (it calls this process " + self + ", not " + pid + "); mount this namespace's /proc"
                        + " to start programs with jns";
            } catch (IOException e) {
                return "cannot read /proc/self (" + e.getMessage() + "); jns needs /proc mounted";
            }
        }
    }

    /**
     * The socket whose end the helper holds at {@link #FDS_END}: this JVM takes that end with
     * {@code pidfd_getfd} (a parent may; no /proc reopening, which sockets refuse) before
     * its hello, after which the helper closes its copy.
     */
    private static int takeDescriptorSocket(Process helper) throws IOException {
        try {
            return ProcessFds.duplicate((int) helper.pid(), FDS_END);
        } catch (SyscallException e) {
            throw new IOException("cannot take jns-helper's descriptor socket: " + e.getMessage(), e);
        }
    }

    /** Sends the descriptors of the plan's receive-fds ops, one message each. */
    private static void sendDescriptors(int socket, List<int[]> descriptors) throws IOException {
        try {
            for (int[] fds : descriptors) FdPassing.send(socket, fds);
        } catch (SyscallException e) {
            throw new IOException("cannot hand the program its descriptors: " + e.getMessage(), e);
        }
    }

    /**
     * The seccomp listener the helper announced with an 'L' frame, sent over the descriptor socket.
     *
     * @return the descriptor, which the caller owns
     */
    int receiveListener() throws IOException {
        if (descriptorSocket < 0) throw new IOException("jns-helper sent a seccomp listener the plan did not ask for");
        try {
            return FdPassing.receiveOne(descriptorSocket);
        } catch (SyscallException e) {
            throw new IOException("cannot take the seccomp listener from jns-helper: " + e.getMessage(), e);
        }
    }

    /** Closes the descriptor socket, once nothing more can come over it (the launch has ended). */
    void doneWithDescriptors() {
        if (descriptorSocket >= 0) {
            LibC.close(descriptorSocket);
            descriptorSocket = -1;
        }
    }

    private static IOException exited(Process helper) {
        return new IOException("jns-helper exited with status " + helper.exitValue()
                + " before it could be reached (its message, if any, went to the target's stderr)");
    }

    /** The next status frame, or empty at EOF (the helper has exited). */
    Optional<ByteBuffer> readFrame() throws IOException {
        byte[] frame = status.readNBytes(HelperLauncher.FRAME);
        if (frame.length < HelperLauncher.FRAME) return Optional.empty();
        return Optional.of(ByteBuffer.wrap(frame).order(ByteOrder.nativeOrder()));
    }

    /** Sends the helper one control byte. */
    void send(char c) throws IOException {
        control.write(c);
        control.flush();
    }

    /** Closes both ends: a helper still setting up undoes its work and exits; a running target is killed. */
    void close() {
        doneWithDescriptors();
        try (status; control) {
            // closed by the resources
        } catch (IOException ignored) {
            // closing is all we wanted
        }
    }

    /**
     * The helper's report of the target's end, read on first call and the pipes closed.
     * Call only after the helper exited (the read would wait for it otherwise). Empty if the
     * helper died without reporting (killed, say).
     */
    public synchronized Optional<Ended> lastWords() {
        if (!read) {
            read = true;
            try {
                readFrame().filter(f -> f.getInt(0) == 'X').ifPresent(f -> ended = new Ended(f.getInt(4), f.getInt(8)));
            } catch (IOException e) {
                // no last words
            } finally {
                close();
            }
        }
        return Optional.ofNullable(ended);
    }
}
