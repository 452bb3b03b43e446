package dev.jns.os;

import dev.jns.sys.SignalCalls;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Signal numbers and names (x86_64), and the few signal calls a CLI that stands in for a
 * child process needs: catching a signal while the child runs, sending one,
 * and dying by the same signal that killed the child so the caller's shell sees the same
 * status.
 */
public final class Signals {
    /** {@code SIGHUP} (1): hangup. */
    public static final int SIGHUP = 1;
    /** {@code SIGINT} (2): interrupt (Ctrl-C). */
    public static final int SIGINT = 2;
    /** {@code SIGQUIT} (3): quit. */
    public static final int SIGQUIT = 3;
    /** {@code SIGABRT} (6): abort. */
    public static final int SIGABRT = 6;
    /** {@code SIGKILL} (9): kill, which cannot be caught. */
    public static final int SIGKILL = 9;
    /** {@code SIGSEGV} (11): segmentation fault. */
    public static final int SIGSEGV = 11;
    /** {@code SIGPIPE} (13): broken pipe. */
    public static final int SIGPIPE = 13;
    /** {@code SIGTERM} (15): termination. */
    public static final int SIGTERM = 15;
    /** {@code SIGCHLD} (17): a child stopped or ended. */
    public static final int SIGCHLD = 17;
    /** {@code SIGCONT} (18): continue if stopped. */
    public static final int SIGCONT = 18;
    /** {@code SIGSTOP} (19): stop, which cannot be caught. */
    public static final int SIGSTOP = 19;
    /** glibc's SIGRTMIN (two real-time signals are reserved by the threads library) and SIGRTMAX. */
    public static final int SIGRTMIN = 34, SIGRTMAX = 64;
    /** {@code SIGUSR1} (10): for the program's own use. */
    public static final int SIGUSR1 = 10;
    /** {@code SIGUSR2} (12): for the program's own use. */
    public static final int SIGUSR2 = 12;

    /** What a supervisor passes on by default: the signals people send to stop or poke a program. */
    public static final List<Integer> FORWARDED_BY_DEFAULT = List.of(SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2);

    /** Names without the SIG prefix, in util-linux's table order (aliases after their signal). */
    private record Name(String name, int number) {}
    private static final List<Name> NAMES = List.of(
            new Name("HUP", 1), new Name("INT", 2), new Name("QUIT", 3), new Name("ILL", 4),
            new Name("TRAP", 5), new Name("ABRT", 6), new Name("IOT", 6), new Name("BUS", 7),
            new Name("FPE", 8), new Name("KILL", 9), new Name("USR1", 10), new Name("SEGV", 11),
            new Name("USR2", 12), new Name("PIPE", 13), new Name("ALRM", 14), new Name("TERM", 15),
            new Name("STKFLT", 16), new Name("CHLD", 17), new Name("CLD", 17), new Name("CONT", 18),
            new Name("STOP", 19), new Name("TSTP", 20), new Name("TTIN", 21), new Name("TTOU", 22),
            new Name("URG", 23), new Name("XCPU", 24), new Name("XFSZ", 25), new Name("VTALRM", 26),
            new Name("PROF", 27), new Name("WINCH", 28), new Name("IO", 29), new Name("POLL", 29),
            new Name("PWR", 30), new Name("SYS", 31));

    private Signals() {}

    /**
     * The number for a signal name as util-linux reads it: case-insensitive, with or without
     * {@code SIG}, and real-time signals as {@code RT<n>}, {@code RTMIN+<n>} or {@code RTMAX-<n>}.
     * Plain numbers are not names.
     *
     * @param spec the name, e.g. {@code TERM}, {@code SIGTERM}, {@code RTMIN+1} or a number
     * @return the number, or empty for an unknown name
     */
    public static OptionalInt byName(String spec) {
        String s = spec.regionMatches(true, 0, "SIG", 0, 3) ? spec.substring(3) : spec;
        if (s.regionMatches(true, 0, "RT", 0, 2)) return realTime(s.substring(2));
        String upper = s.toUpperCase(Locale.ROOT);
        return NAMES.stream().filter(n -> n.name().equals(upper)).mapToInt(Name::number).findFirst();
    }

    private static OptionalInt realTime(String s) {
        boolean fromMax = false;
        if (s.regionMatches(true, 0, "MIN+", 0, 4)) {
            s = s.substring(4);
        } else if (s.regionMatches(true, 0, "MAX-", 0, 4)) {
            s = s.substring(4);
            fromMax = true;
        }
        if (s.isEmpty() || s.length() > 3 || !s.chars().allMatch(Character::isDigit)) return OptionalInt.empty();
        int n = Integer.parseInt(s);
        int sig = fromMax ? SIGRTMAX - n : SIGRTMIN + n;
        return sig >= SIGRTMIN && sig <= SIGRTMAX ? OptionalInt.of(sig) : OptionalInt.empty();
    }

    /**
     * Runs {@code action} on the JVM's signal thread each time this process gets {@code sig},
     * instead of the JVM's own handling (for SIGTERM and SIGINT: a shutdown). Like any caught
     * signal, it reverts to its default in programs started later. Only signals the JVM does
     * not reserve for itself are allowed.
     *
     * <p>This is the JDK's own signal API ({@code sun.misc.Signal}, module jdk.unsupported):
     * it costs no native linking, where going through FFM or reflection would cost tens of
     * milliseconds of start-up. javac warns about any use of it; that warning is expected.
     *
     * @param sig the signal number
     * @param action what to run
     */
    public static void onSignal(int sig, Runnable action) {
        String name = NAMES.stream().filter(n -> n.number() == sig).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no name for signal " + sig)).name();
        sun.misc.Signal.handle(new sun.misc.Signal(name), signal -> action.run());
    }

    /**
     * {@code kill(pid, sig)}. SIGKILL and SIGTERM to another process go through the JDK's
     * {@link ProcessHandle} (its own {@code kill(2)}), not FFM: a command whose only system
     * call is that signal ({@code jns oci kill}, {@code delete}) then never pays FFM's first
     * use, tens of milliseconds of start-up (bench/OCI-RESULTS.md). When that fails (the process
     * is gone or not ours to signal) the call is made again through FFM, for its errno.
     *
     * @param pid the process id
     * @param sig the signal number
     * @throws SyscallException when {@code kill(2)} fails
     */
    public static void kill(int pid, int sig) {
        if ((sig == SIGKILL || sig == SIGTERM) && pid > 0 && pid != ProcessHandle.current().pid()) {
            Optional<ProcessHandle> process = ProcessHandle.of(pid);
            if (process.isPresent() && (sig == SIGKILL ? process.get().destroyForcibly() : process.get().destroy())) return;
        }
        SignalCalls.kill(pid, sig);
    }

    /**
     * Ends this process by {@code sig}, so that whoever waits for it sees "killed by sig"
     * exactly as if it were the child: the signal's default action is restored (the JVM
     * handles SIGTERM, SIGINT and SIGHUP itself) and the signal sent to ourselves. Returns
     * only if that did not end the process, e.g. for a signal whose default is to ignore.
     *
     * @param sig the signal number
     */
    public static void dieBy(int sig) {
        if (sig != SIGKILL && sig != SIGSTOP) SignalCalls.restoreDefault(sig);
        kill((int) ProcessHandle.current().pid(), sig);
        // Delivery to another thread is asynchronous; give it the moment it needs.
        try {
            Thread.sleep(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

}
