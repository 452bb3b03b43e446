package dev.jns.seccomp;

import dev.jns.spec.SeccompProgram;
import dev.jns.sys.Libseccomp;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * A seccomp filter as data: a default action, the architectures it covers, and rules by
 * system call name with optional argument checks. {@link #compile()} turns it into classic
 * BPF with libseccomp (through FFM, in the JVM); the helper only installs the bytes, last
 * before exec. Immutable; {@code with...} methods return a new filter.
 *
 * <pre>{@code
 * SeccompFilter f = SeccompFilter.allowingAllBut()
 *         .withRule("mkdir", SeccompAction.errno(Errno.EPERM))
 *         .withRule("ioctl", SeccompAction.errno(Errno.EPERM), ArgumentCheck.maskedEqual(1, 0xFFFFFFFFL, 0x5412));
 * }</pre>
 *
 * @param badArchitectureAction what a call through an architecture not listed gets
 * @param defaultAction what calls no rule matches get
 * @param architectures the architectures covered
 * @param rules the rules
 */
public record SeccompFilter(SeccompAction defaultAction, SeccompAction badArchitectureAction,
                            List<Architecture> architectures, List<Rule> rules) {

    /**
     * The action for calls to {@code syscall} whose arguments pass every check.
     *
     * @param syscall the system call's name
     * @param action the action
     * @param checks the argument checks, all of which must pass
     */
    public record Rule(String syscall, SeccompAction action, List<ArgumentCheck> checks) {
        /** Copies the checks. */
        public Rule {
            checks = List.copyOf(checks);
        }
    }

    /** Copies the architectures and rules. */
    public SeccompFilter {
        architectures = List.copyOf(architectures);
        rules = List.copyOf(rules);
    }

    /**
     * A filter that allows what no rule refuses, for the machine's own architecture (calls through another are killed).
     *
     * @return the filter
     */
    public static SeccompFilter allowingAllBut() {
        return new SeccompFilter(SeccompAction.ALLOW, SeccompAction.KILL_PROCESS, List.of(), List.of());
    }

    /**
     * A copy with one more rule.
     *
     * @param syscall the system call's name
     * @param action the action
     * @param checks the argument checks, all of which must pass
     * @return the copy
     */
    public SeccompFilter withRule(String syscall, SeccompAction action, ArgumentCheck... checks) {
        List<Rule> more = new ArrayList<>(rules);
        more.add(new Rule(syscall, action, List.of(checks)));
        return new SeccompFilter(defaultAction, badArchitectureAction, architectures, more);
    }

    /**
     * A copy covering these architectures too, beside the machine's own.
     *
     * @param covered the architectures
     * @return the copy
     */
    public SeccompFilter withArchitectures(Architecture... covered) {
        return new SeccompFilter(defaultAction, badArchitectureAction, List.of(covered), rules);
    }

    /**
     * Without the rules for system calls libseccomp does not know (on the first covered
     * architecture): a container profile names calls newer than the machine's library, and
     * runc skips those.
     *
     * @return the copy
     */
    public SeccompFilter withoutUnknownSystemCalls() {
        int resolveOn = architectures.isEmpty() ? Libseccomp.nativeArchitecture() : architectures.getFirst().token();
        List<Rule> known = new ArrayList<>();
        for (Rule r : rules) if (Libseccomp.syscallNumber(resolveOn, r.syscall()) >= 0) known.add(r);
        return new SeccompFilter(defaultAction, badArchitectureAction, architectures, known);
    }

    /**
     * Compiles the filter with libseccomp.
     *
     * @return the program
     * @throws IllegalArgumentException for a system call no covered architecture knows, or a
     *         rule libseccomp refuses (naming it and why)
     * @throws IllegalStateException when libseccomp is not installed
     */
    public SeccompProgram compile() {
        if (!Libseccomp.available()) {
            throw new IllegalStateException("seccomp filters are compiled with libseccomp, which is not installed"
                    + " (Debian and Ubuntu: libseccomp2)");
        }
        List<Integer> arches = new ArrayList<>();
        for (Architecture a : architectures) arches.add(a.token());
        int resolveOn = arches.isEmpty() ? Libseccomp.nativeArchitecture() : arches.getFirst();
        List<Libseccomp.Rule> compiled = new ArrayList<>();
        for (Rule r : rules) {
            int nr = Libseccomp.syscallNumber(resolveOn, r.syscall());
            if (nr < 0) throw new IllegalArgumentException("unknown system call: " + r.syscall());
            // A rule that does what the default does changes nothing, and libseccomp refuses it
            // (EACCES); profiles carry such rules (an allowlist's under an allow default), so it
            // is left out, as runc and crun do.
            if (r.action().equals(defaultAction)) continue;
            List<long[]> checks = new ArrayList<>();
            for (ArgumentCheck c : r.checks()) {
                // libseccomp's masked compare takes the mask first, the value second
                checks.add(c.op() == ArgumentCheck.Comparison.MASKED_EQ
                        ? new long[] {c.index(), c.op().code(), c.mask(), c.value()}
                        : new long[] {c.index(), c.op().code(), c.value(), 0});
            }
            compiled.add(new Libseccomp.Rule(nr, r.action().code(), checks));
        }
        byte[] bpf = Libseccomp.compile(defaultAction.code(), badArchitectureAction.code(), arches, compiled);
        return new SeccompProgram(ByteBuffer.wrap(bpf).order(ByteOrder.nativeOrder()));
    }
}
