package dev.jns.helper;

import dev.jns.plan.LaunchPlan;
import dev.jns.plan.Op;
import dev.jns.sys.LibC;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs one launch plan through the native helper: starts it with {@link ProcessBuilder}
 * (so the caller's redirects apply to the target unchanged) with the plan as its arguments,
 * and reads its status frames (see {@link HelperConnection}) until the target runs or an op
 * fails. Uses no FFM and no sockets: a CLI that only spawns starts fast.
 */
public final class HelperLauncher {
    /** Size of the helper's {@code struct status}. */
    static final int FRAME = 16 + 248 + 248;

    private HelperLauncher() {}

    /** What the caller does while the child waits for it (one of the plan's AwaitCaller ops). */
    @FunctionalInterface
    public interface AwaitingCaller {
        /**
         * Runs while the child waits.
         *
         * @param opIndex  the index in the plan of the AwaitCaller op reached
         * @param childPid the child's pid
         * @throws IOException to abort the launch
         */
        void run(int opIndex, int childPid) throws IOException;
    }

    /** What the caller does with a seccomp listener as soon as it arrives, while the launch goes on. */
    @FunctionalInterface
    public interface ListenerArrived {
        /**
         * Takes a listener; it is the caller's to close, also when this throws.
         *
         * @param pid      the child's pid
         * @param listener the listener's descriptor
         * @throws IOException to abort the launch
         */
        void arrived(int pid, int listener) throws IOException;
    }

    /** What a launch ended in. */
    public sealed interface Outcome {
        /**
         * The target runs; {@code helper} supervises it and ends with its status. The caller
         * reads {@code connection}'s last words once the helper has exited, which closes it.
         */
        record Started(Process helper, int pid, HelperConnection connection, List<Integer> listeners) implements Outcome {}

        /**
         * The program is set up and left to itself (detached supervision); the helper has exited.
         * Its seccomp listener, if any, went to the launch's {@link ListenerArrived} (or was closed).
         */
        record Detached(int pid) implements Outcome {}

        /**
         * Op {@code opIndex} of the plan failed (-1: the helper protocol itself failed). The
         * helper has undone what it made and exited.
         */
        record Failed(int opIndex, int errno, String detail, String strerror) implements Outcome {}
    }

    /**
     * Starts the helper with {@code stdio}'s redirects and runs {@code plan}.
     * {@code awaitingCaller} runs when one of the plan's AwaitCaller ops is reached, with its
     * index and the child's pid; the child stays before exec until it returns. If it throws, the launch is aborted
     * (the helper cleans up) and the exception propagates. The seccomp listeners of a
     * started program (one per filter installed with a listener, in plan order) are the
     * caller's to close; after a failure, or for a detached program, none is left open.
     */
    public static Outcome launch(LaunchPlan plan, ProcessBuilder stdio, AwaitingCaller awaitingCaller) throws IOException {
        return launch(plan, stdio, awaitingCaller, null);
    }

    /**
     * Like {@link #launch(LaunchPlan, ProcessBuilder, AwaitingCaller)}, but each seccomp
     * listener goes to {@code listenerArrived} the moment it arrives (while the child goes on
     * under its filter, and a notified call may wait for that listener), not into the outcome.
     */
    public static Outcome launch(LaunchPlan plan, ProcessBuilder stdio, AwaitingCaller awaitingCaller,
                                 ListenerArrived listenerArrived) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(HelperBinary.path().toString());
        // A helper that joins existing namespaces runs from a sealed copy of itself: processes in
        // there can reach its executable through /proc/PID/exe and must not be able to write it
        // (runc's CVE-2019-5736). The copy costs one more exec, so plans that only create skip it.
        if (joinsNamespaces(plan)) command.add("--sealed");
        command.add(Long.toString(ProcessHandle.current().pid()));
        command.addAll(PlanEncoder.encode(plan));
        ProcessBuilder pb = new ProcessBuilder(command)
                .redirectInput(stdio.redirectInput()).redirectOutput(stdio.redirectOutput())
                .redirectError(stdio.redirectError()).redirectErrorStream(stdio.redirectErrorStream());
        pb.environment().clear();
        pb.environment().putAll(PlanEncoder.environment(plan));
        Process helper = pb.start();
        HelperConnection connection;
        try {
            connection = HelperConnection.open(helper, PlanEncoder.payloads(plan), PlanEncoder.descriptors(plan),
                    PlanEncoder.expectsListener(plan));
        } catch (IOException | RuntimeException e) {
            helper.destroyForcibly(); // it waits for a hello that will not come; it has made nothing yet
            awaitExit(helper);
            throw e;
        }
        boolean handedOver = false;
        List<Integer> listeners = new ArrayList<>();
        try {
            while (true) {
                ByteBuffer frame = connection.readFrame().orElse(null);
                if (frame == null) return helperDied(helper, "during setup");
                int kind = frame.getInt(0), op = frame.getInt(4), errno = frame.getInt(8), pid = frame.getInt(12);
                switch (kind) {
                    case 'A' -> {
                        awaitingCaller.run(op, pid);
                        connection.send('g');
                    }
                    case 'L' -> {
                        int fd = connection.receiveListener();
                        if (listenerArrived == null) listeners.add(fd);
                        else listenerArrived.arrived(pid, fd);
                        connection.send('g'); // until then the helper holds back: a failure here must undo the launch
                    }
                    case 'R' -> {
                        handedOver = true;
                        connection.doneWithDescriptors();
                        return new Outcome.Started(helper, pid, connection, List.copyOf(listeners));
                    }
                    case 'D' -> {
                        awaitExit(helper);
                        return new Outcome.Detached(pid);
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
                // EOF on the control pipe makes the helper undo what it made and exit; wait for that.
                connection.close();
                awaitExit(helper);
                for (int fd : listeners) LibC.close(fd);
            }
        }
    }

    private static boolean joinsNamespaces(LaunchPlan plan) {
        for (Op op : plan.ops()) {
            if (op instanceof Op.Setns) return true;
        }
        return false;
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
}
