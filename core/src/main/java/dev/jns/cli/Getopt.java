package dev.jns.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * Command-line parsing with the semantics of glibc's {@code getopt_long}, which the
 * util-linux tools use: clustered short options, attached or separate required
 * arguments, optional arguments only when attached ({@code -n/path}, {@code --net=FILE}),
 * unique prefixes of long options, {@code --} as the end of options, and either
 * permutation (operands may come anywhere) or, with a leading {@code +} in the short
 * spec, a stop at the first operand. Error texts are glibc's, so messages match.
 */
public final class Getopt {
    /** Whether an option takes an argument. */
    public enum Arg { NONE, REQUIRED, OPTIONAL }

    /** A long option; {@code id} is the short option's char when it has one. */
    public record LongOpt(String name, Arg arg, int id) {}

    /** One parsed option: its id, its argument (or null), and how it was spelled, e.g. {@code --json}. */
    public record Opt(int id, String arg, String spelled) {}

    /** The options in command-line order and the operands. */
    public record Result(List<Opt> options, List<String> operands) {}

    /** A command line that does not parse; the message is glibc's text. */
    public static final class UsageException extends RuntimeException {
        public UsageException(String message) { super(message); }

        /** util-linux's {@code errtryhelp()}: no message of its own, just the "Try ... --help" line. */
        public static UsageException tryHelpOnly() {
            return new UsageException(null);
        }
    }

    private final String shortSpec;
    private final boolean stopAtOperand;
    private final List<LongOpt> longOpts;

    /**
     * @param shortSpec getopt's string: {@code x} flag, {@code x:} required argument,
     *                  {@code x::} optional attached argument; a leading {@code +} stops
     *                  parsing at the first operand
     */
    public Getopt(String shortSpec, List<LongOpt> longOpts) {
        this.stopAtOperand = shortSpec.startsWith("+");
        this.shortSpec = stopAtOperand ? shortSpec.substring(1) : shortSpec;
        this.longOpts = List.copyOf(longOpts);
    }

    public Result parse(String[] args) {
        List<Opt> opts = new ArrayList<>();
        List<String> operands = new ArrayList<>();
        int i = 0;
        while (i < args.length) {
            String a = args[i];
            if (a.equals("--")) {
                i++;
                break;
            }
            if (a.startsWith("--")) {
                i = parseLong(args, i, opts);
            } else if (a.startsWith("-") && a.length() > 1) {
                i = parseShortCluster(args, i, opts);
            } else if (stopAtOperand) {
                break;
            } else {
                operands.add(a);
                i++;
            }
        }
        while (i < args.length) operands.add(args[i++]);
        return new Result(List.copyOf(opts), List.copyOf(operands));
    }

    private int parseLong(String[] args, int i, List<Opt> out) {
        String body = args[i].substring(2);
        int eq = body.indexOf('=');
        String name = eq < 0 ? body : body.substring(0, eq);
        String attached = eq < 0 ? null : body.substring(eq + 1);
        LongOpt opt = findLong(name, args[i]);
        String spelled = "--" + opt.name();
        switch (opt.arg()) {
            case NONE -> {
                if (attached != null) throw new UsageException("option '" + spelled + "' doesn't allow an argument");
                out.add(new Opt(opt.id(), null, spelled));
                return i + 1;
            }
            case OPTIONAL -> {
                out.add(new Opt(opt.id(), attached, spelled));
                return i + 1;
            }
            default -> {
                if (attached != null) {
                    out.add(new Opt(opt.id(), attached, spelled));
                    return i + 1;
                }
                if (i + 1 >= args.length) throw new UsageException("option '" + spelled + "' requires an argument");
                out.add(new Opt(opt.id(), args[i + 1], spelled));
                return i + 2;
            }
        }
    }

    private LongOpt findLong(String name, String asTyped) {
        List<LongOpt> prefixed = new ArrayList<>();
        for (LongOpt o : longOpts) {
            if (o.name().equals(name)) return o;
            if (o.name().startsWith(name)) prefixed.add(o);
        }
        if (prefixed.isEmpty()) throw new UsageException("unrecognized option '" + asTyped + "'");
        // glibc accepts an ambiguous prefix when every candidate is the same option.
        boolean same = prefixed.stream().allMatch(o -> o.id() == prefixed.get(0).id() && o.arg() == prefixed.get(0).arg());
        if (prefixed.size() > 1 && !same) {
            StringBuilder sb = new StringBuilder("option '" + asTyped.split("=", 2)[0] + "' is ambiguous; possibilities:");
            for (LongOpt o : prefixed) sb.append(" '--").append(o.name()).append('\'');
            throw new UsageException(sb.toString());
        }
        return prefixed.get(0);
    }

    private int parseShortCluster(String[] args, int i, List<Opt> out) {
        String a = args[i];
        for (int k = 1; k < a.length(); k++) {
            char c = a.charAt(k);
            int pos = c == ':' ? -1 : shortSpec.indexOf(c);
            if (pos < 0) throw new UsageException("invalid option -- '" + c + "'");
            boolean takesArg = pos + 1 < shortSpec.length() && shortSpec.charAt(pos + 1) == ':';
            boolean optional = takesArg && pos + 2 < shortSpec.length() && shortSpec.charAt(pos + 2) == ':';
            String spelled = "-" + c;
            if (!takesArg) {
                out.add(new Opt(c, null, spelled));
                continue;
            }
            String rest = a.substring(k + 1);
            if (!rest.isEmpty()) {
                out.add(new Opt(c, rest, spelled));
                return i + 1;
            }
            if (optional) {
                out.add(new Opt(c, null, spelled));
                return i + 1;
            }
            if (i + 1 >= args.length) throw new UsageException("option requires an argument -- '" + c + "'");
            out.add(new Opt(c, args[i + 1], spelled));
            return i + 2;
        }
        return i + 1;
    }
}
