package dev.jns.oci;

import dev.jns.seccomp.Architecture;
import dev.jns.seccomp.ArgumentCheck;
import dev.jns.seccomp.SeccompAction;
import dev.jns.seccomp.SeccompFilter;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** {@code linux.seccomp} as the engine's {@link SeccompFilter}, which libseccomp compiles. */
final class SeccompTranslator {
    private static final int EPERM = 1;
    /** {@code SECCOMP_RET_KILL_THREAD}: what libseccomp's SCMP_ACT_KILL is. */
    private static final SeccompAction KILL_THREAD = new SeccompAction.Simple("kill-thread", 0);

    private SeccompTranslator() {}

    static SeccompFilter filter(OciConfig.Seccomp s) {
        List<Architecture> arches = new ArrayList<>();
        for (String a : s.architectures()) {
            Architecture arch = switch (a) {
                case "SCMP_ARCH_X86_64" -> Architecture.X86_64;
                case "SCMP_ARCH_X86" -> Architecture.X86;
                case "SCMP_ARCH_X32" -> Architecture.X32;
                case "SCMP_ARCH_AARCH64" -> Architecture.AARCH64;
                case "SCMP_ARCH_ARM" -> Architecture.ARM;
                default -> throw new OciException("linux.seccomp.architectures: " + a + " not supported by jns yet");
            };
            if (!arches.contains(arch)) arches.add(arch);
        }
        List<SeccompFilter.Rule> rules = new ArrayList<>();
        for (OciConfig.SyscallRule r : s.syscalls()) {
            SeccompAction action = action(r.action(), r.errnoRet(), "linux.seccomp.syscalls");
            List<ArgumentCheck> checks = new ArrayList<>();
            for (OciConfig.SyscallArg a : r.args()) checks.add(check(a));
            for (String name : r.names()) rules.add(new SeccompFilter.Rule(name, action, checks));
        }
        SeccompAction defaultAction = action(s.defaultAction(), s.defaultErrnoRet(), "linux.seccomp.defaultAction");
        return new SeccompFilter(defaultAction, KILL_THREAD, arches, rules);
    }

    private static SeccompAction action(String name, Optional<Integer> errnoRet, String where) {
        return switch (name) {
            case "SCMP_ACT_ALLOW" -> SeccompAction.ALLOW;
            case "SCMP_ACT_ERRNO" -> SeccompAction.errno(errnoRet.orElse(EPERM));
            case "SCMP_ACT_KILL", "SCMP_ACT_KILL_THREAD" -> KILL_THREAD;
            case "SCMP_ACT_KILL_PROCESS" -> SeccompAction.KILL_PROCESS;
            case "SCMP_ACT_TRAP" -> SeccompAction.TRAP;
            case "SCMP_ACT_LOG" -> SeccompAction.LOG;
            case "SCMP_ACT_TRACE" -> new SeccompAction.Simple("trace", 0x7ff00000 | (errnoRet.orElse(EPERM) & 0xffff));
            case "SCMP_ACT_NOTIFY" -> SeccompAction.NOTIFY;
            default -> throw new OciException(where + ": unknown seccomp action " + name);
        };
    }

    private static ArgumentCheck check(OciConfig.SyscallArg a) {
        if (a.index() < 0 || a.index() > 5) throw new OciException("linux.seccomp.syscalls: argument index " + a.index() + " is not 0 to 5");
        ArgumentCheck.Comparison op = switch (a.op()) {
            case "SCMP_CMP_NE" -> ArgumentCheck.Comparison.NE;
            case "SCMP_CMP_LT" -> ArgumentCheck.Comparison.LT;
            case "SCMP_CMP_LE" -> ArgumentCheck.Comparison.LE;
            case "SCMP_CMP_EQ" -> ArgumentCheck.Comparison.EQ;
            case "SCMP_CMP_GE" -> ArgumentCheck.Comparison.GE;
            case "SCMP_CMP_GT" -> ArgumentCheck.Comparison.GT;
            case "SCMP_CMP_MASKED_EQ" -> ArgumentCheck.Comparison.MASKED_EQ;
            default -> throw new OciException("linux.seccomp.syscalls: unknown comparison " + a.op());
        };
        // The spec's masked compare: (arg & value) == valueTwo.
        return op == ArgumentCheck.Comparison.MASKED_EQ ? ArgumentCheck.maskedEqual(a.index(), a.value(), a.valueTwo())
                : new ArgumentCheck(a.index(), op, a.value(), 0);
    }
}
