package dev.jns.helper;

import dev.jns.plan.LaunchPlan;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntConsumer;

/**
 * Runs one launch plan through the native helper: starts it with {@link ProcessBuilder}
 * (so the caller's redirects apply to the target unchanged), hands it the plan over a unix
 * socket it connects back to, and reads its status frames until the target runs or an op
 * fails. Uses no FFM: a CLI that only spawns starts fast.
 *
 * <p>The socket also keeps the target on a leash: only this JVM holds the other end, so the
 * helper sees EOF when the JVM dies and kills the target. It is closed when the helper exits.
 */
public final class HelperLauncher {
    /** Size of the helper's {@code struct status}. */
    static final int FRAME = 16 + 248 + 248;
    private static final AtomicLong SOCKETS = new AtomicLong();

    private HelperLauncher() {}

    /** What a launch ended in. */
    public sealed interface Outcome {
        /** The target runs; {@code helper} supervises it and ends with its status. */
        record Started(Process helper, int pid) implements Outcome {}

        /**
         * Op {@code opIndex} of the plan failed (-1: the helper protocol itself failed). The
         * helper has undone what it made and exited.
         */
        record Failed(int opIndex, int errno, String detail, String strerror) implements Outcome {}
    }

    /**
     * Starts the helper with {@code stdio}'s redirects and runs {@code plan}.
     * {@code awaitingCaller} runs when the plan's AwaitCaller op is reached, with the child's
     * pid; the child stays before exec until it returns. If it throws, the launch is aborted
     * (the helper cleans up) and the exception propagates.
     */
    public static Outcome launch(LaunchPlan plan, ProcessBuilder stdio, IntConsumer awaitingCaller) throws IOException {
        byte[] encoded = PlanEncoder.encode(plan);
        Path socket = RuntimeDir.path().resolve("s" + SOCKETS.incrementAndGet());
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        Process helper;
        SocketChannel channel;
        try {
            server.bind(UnixDomainSocketAddress.of(socket), 1);
            ProcessBuilder pb = new ProcessBuilder(helperCommand(plan, socket))
                    .redirectInput(stdio.redirectInput()).redirectOutput(stdio.redirectOutput())
                    .redirectError(stdio.redirectError()).redirectErrorStream(stdio.redirectErrorStream());
            pb.environment().clear();
            helper = pb.start();
            // A helper that dies before connecting must not leave accept() waiting forever.
            helper.onExit().thenRun(() -> closeQuietly(server));
            try {
                channel = server.accept();
            } catch (AsynchronousCloseException e) {
                return helperDied(helper, "before connecting");
            }
        } finally {
            closeQuietly(server);
            Files.deleteIfExists(socket);
        }
        boolean handedOver = false;
        try {
            channel.write(ByteBuffer.wrap(encoded));
            ByteBuffer frame = ByteBuffer.allocate(FRAME).order(ByteOrder.nativeOrder());
            while (true) {
                frame.clear();
                while (frame.hasRemaining()) {
                    if (channel.read(frame) < 0) return helperDied(helper, "during setup");
                }
                int kind = frame.getInt(0), op = frame.getInt(4), errno = frame.getInt(8), pid = frame.getInt(12);
                switch (kind) {
                    case 'A' -> {
                        awaitingCaller.accept(pid);
                        channel.write(ByteBuffer.wrap(new byte[] {'g'}));
                    }
                    case 'R' -> {
                        helper.onExit().thenRun(() -> closeQuietly(channel));
                        handedOver = true;
                        return new Outcome.Started(helper, pid);
                    }
                    case 'F' -> {
                        awaitExit(helper); // it undid its work before reporting
                        return new Outcome.Failed(op, errno, cString(frame, 16), cString(frame, 16 + 248));
                    }
                    default -> throw new IOException("jns-helper sent an unknown status frame " + kind);
                }
            }
        } finally {
            if (!handedOver) {
                // EOF on the socket makes the helper undo what it made and exit; wait for that.
                closeQuietly(channel);
                awaitExit(helper);
            }
        }
    }

    /**
     * A helper that joins existing namespaces runs from a sealed copy of itself: processes
     * in there can reach its executable through /proc/PID/exe and must not be able to
     * write it (runc's CVE-2019-5736). The copy costs one more exec, so plans that only
     * create namespaces skip it.
     */
    private static java.util.List<String> helperCommand(LaunchPlan plan, Path socket) {
        String helper = HelperBinary.path().toString();
        return plan.opsOf(dev.jns.plan.Op.EnterNamespaces.class).isEmpty()
                ? java.util.List.of(helper, socket.toString())
                : java.util.List.of(helper, "--sealed", socket.toString());
    }

    private static Outcome helperDied(Process helper, String when) throws IOException {
        awaitExit(helper);
        throw new IOException("jns-helper exited with status " + helper.exitValue() + " " + when
                + " (its message, if any, went to the target's stderr)");
    }

    private static void awaitExit(Process helper) {
        boolean interrupted = false;
        while (true) {
            try {
                helper.waitFor();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
    }

    private static String cString(ByteBuffer frame, int offset) {
        int end = offset;
        while (end < offset + 248 && frame.get(end) != 0) end++;
        byte[] b = new byte[end - offset];
        frame.get(offset, b);
        return new String(b, StandardCharsets.UTF_8);
    }

    private static void closeQuietly(java.io.Closeable c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // closing is all we wanted
        }
    }
}
