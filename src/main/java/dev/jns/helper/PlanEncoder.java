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
        for (PlannedOp step : plan.steps()) {
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

    /** The helper's environment: the program's, which the helper passes on at exec. */
    public static Map<String, String> environment(LaunchPlan plan) {
        Map<String, String> env = new HashMap<>();
        for (String line : plan.environment()) {
            int eq = line.indexOf('=');
            if (eq > 0) env.put(line.substring(0, eq), line.substring(eq + 1));
        }
        return env;
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
