package dev.jns.helper;

import dev.jns.plan.LaunchPlan;
import dev.jns.plan.Op;
import dev.jns.plan.PlannedOp;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a {@link LaunchPlan} as the helper's command-line arguments, each op as
 * {@code CODE SIDE FLAGS ARGC ARG...} (the layout at the top of {@code src/main/c/helper.h}).
 * The environment is not among them: it becomes the helper's own environment (see
 * {@link #environment}), which, unlike the command line, other users cannot read; nor are
 * the bytes of receive ops, which go over the control pipe ({@link #payloads}).
 */
public final class PlanEncoder {
    private PlanEncoder() {}

    public static List<String> encode(LaunchPlan plan) {
        List<String> out = new ArrayList<>();
        for (PlannedOp step : plan.planned()) {
            List<String> args = step.op().args();
            out.add(Integer.toString(step.op().code().ordinal()));
            out.add(String.valueOf(step.side().code()));
            out.add(flags(step));
            out.add(Integer.toString(args.size()));
            for (String a : args) {
                if (a.indexOf('\0') >= 0) throw new IllegalArgumentException("NUL character in launch plan argument: " + a);
                out.add(a);
            }
        }
        return out;
    }

    /** {@code -} plain, {@code t} any failure tolerated, {@code tN} errno N tolerated, then {@code sI}/{@code fI} for a condition. */
    static String flags(PlannedOp step) {
        StringBuilder f = new StringBuilder();
        if (step.tolerated() != 0) f.append('t').append(step.tolerated() == PlannedOp.ANY_ERROR ? "" : Integer.toString(step.tolerated()));
        if (step.onlyIf() != null) f.append(step.onlyIf().succeeded() ? 's' : 'f').append(step.onlyIf().opIndex());
        return f.isEmpty() ? "-" : f.toString();
    }

    /** Environment chunks stay well below the kernel's limit for one string (MAX_ARG_STRLEN, 128 KiB). */
    static final int CHUNK = 64 * 1024;

    /**
     * The helper's environment: the program's, which the helper passes on at exec. A Java
     * process environment is a map, which would lose the order, so the entries travel as one
     * text (an entry a line, backslash and newline escaped) in {@code JNS_ENVIRON_0},
     * {@code _1}, ... (see {@code program_environment} in src/main/c/ops_exec.c).
     */
    public static Map<String, String> environment(LaunchPlan plan) {
        Map<String, String> env = new HashMap<>();
        StringBuilder chunk = new StringBuilder();
        for (String entry : plan.environment()) {
            if (!chunk.isEmpty() && chunk.length() + entry.length() > CHUNK) {
                env.put("JNS_ENVIRON_" + env.size(), chunk.toString());
                chunk.setLength(0);
            }
            if (!chunk.isEmpty()) chunk.append('\n');
            for (int i = 0; i < entry.length(); i++) {
                char c = entry.charAt(i);
                if (c == '\\') chunk.append("\\\\");
                else if (c == '\n') chunk.append("\\n");
                else chunk.append(c);
            }
        }
        env.put("JNS_ENVIRON_" + env.size(), chunk.toString());
        return env;
    }

    /** The caller's descriptors of the plan's receive-fds ops, one array per op: sent before the hello. */
    static List<int[]> descriptors(LaunchPlan plan) {
        List<int[]> out = new ArrayList<>();
        for (Op op : plan.ops()) {
            if (op instanceof Op.ReceiveFds r) {
                // A loop, not a stream: streams spin classes on a cold path the AOT cache may miss.
                List<Integer> fds = r.callerFds();
                int[] array = new int[fds.size()];
                for (int i = 0; i < array.length; i++) array[i] = fds.get(i);
                out.add(array);
            }
        }
        return out;
    }

    /** Whether a filter of the plan is installed with a listener, which the helper sends back. */
    static boolean expectsListener(LaunchPlan plan) {
        for (Op op : plan.ops()) {
            if (op instanceof Op.InstallSeccomp s && s.listener()) return true;
        }
        return false;
    }

    /** The bytes of the plan's receive ops, in order: sent after the hello. */
    static List<ByteBuffer> payloads(LaunchPlan plan) {
        List<ByteBuffer> out = new ArrayList<>();
        for (Op op : plan.ops()) {
            if (op instanceof Op.Receive r) out.add(r.bytes());
        }
        return out;
    }
}
