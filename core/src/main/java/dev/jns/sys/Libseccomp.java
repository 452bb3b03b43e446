package dev.jns.sys;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * libseccomp (the distribution's {@code libseccomp.so.2}) through FFM: builds a filter from
 * rules and exports it as classic BPF, without loading it into this process. libseccomp
 * knows every architecture's system call numbers and the checks a filter needs (the
 * architecture word, x32's numbers), which is why jns uses it rather than writing BPF.
 */
public final class Libseccomp {
    /** One rule: the action when {@code syscall} is called with arguments matching every condition. */
    public record Rule(int syscall, int action, List<long[]> conditions) {}

    /** Argument comparisons: {arg index, scmp_compare op, datum_a, datum_b}. */
    private static final long ARG_CMP_SIZE = 24;

    private static final class Lib {
        static final SymbolLookup LOOKUP = SymbolLookup.libraryLookup("libseccomp.so.2", Arena.global());
        static final Linker LINKER = Linker.nativeLinker();

        static MethodHandle find(String name, FunctionDescriptor fd) {
            return LINKER.downcallHandle(LOOKUP.find(name).orElseThrow(
                    () -> new UnsatisfiedLinkError("libseccomp has no " + name)), fd);
        }

        static final MethodHandle INIT = find("seccomp_init", FunctionDescriptor.of(ADDRESS, JAVA_INT));
        static final MethodHandle RELEASE = find("seccomp_release", FunctionDescriptor.ofVoid(ADDRESS));
        static final MethodHandle ARCH_ADD = find("seccomp_arch_add", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        static final MethodHandle ARCH_REMOVE = find("seccomp_arch_remove", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        static final MethodHandle ARCH_NATIVE = find("seccomp_arch_native", FunctionDescriptor.of(JAVA_INT));
        static final MethodHandle RESOLVE = find("seccomp_syscall_resolve_name_arch",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
        static final MethodHandle RULE_ADD = find("seccomp_rule_add_array",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS));
        static final MethodHandle EXPORT = find("seccomp_export_bpf", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        static final MethodHandle ATTR_SET = find("seccomp_attr_set", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
    }

    /** SCMP_FLTATR_ACT_BADARCH: what a call from an architecture the filter does not name gets. */
    private static final int ATTR_BAD_ARCH_ACTION = 2;

    private Libseccomp() {}

    /** Whether libseccomp can be loaded here. */
    public static boolean available() {
        try {
            return Lib.INIT != null;
        } catch (ExceptionInInitializerError | NoClassDefFoundError | IllegalArgumentException e) {
            return false;
        }
    }

    /** The machine's own architecture token ({@code AUDIT_ARCH_*}). */
    public static int nativeArchitecture() {
        try {
            return (int) Lib.ARCH_NATIVE.invokeExact();
        } catch (Throwable t) {
            throw Ffi.linkageFailure(t);
        }
    }

    /** The system call number of {@code name} on an architecture, or -1 if it has none there. */
    public static int syscallNumber(int architecture, String name) {
        try (Arena arena = Arena.ofConfined()) {
            int nr = (int) Lib.RESOLVE.invokeExact(architecture, arena.allocateFrom(name));
            return nr < 0 ? -1 : nr;
        } catch (Throwable t) {
            throw Ffi.linkageFailure(t);
        }
    }

    /**
     * The classic BPF program of a filter: {@code defaultAction} for calls no rule matches,
     * {@code badArchAction} for calls from architectures not in {@code architectures} (the
     * first is the filter's own; empty: the native one only).
     *
     * @throws IllegalArgumentException naming the rule libseccomp refused, and why
     */
    public static byte[] compile(int defaultAction, int badArchAction, List<Integer> architectures, List<Rule> rules) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ctx = (MemorySegment) Lib.INIT.invokeExact(defaultAction);
            if (ctx.address() == 0) throw new IllegalArgumentException("libseccomp refused the default action 0x"
                    + Integer.toHexString(defaultAction));
            try {
                check((int) Lib.ATTR_SET.invokeExact(ctx, ATTR_BAD_ARCH_ACTION, badArchAction), "the bad-architecture action");
                int nativeArch = (int) Lib.ARCH_NATIVE.invokeExact();
                for (int arch : architectures) {
                    if (arch != nativeArch) check((int) Lib.ARCH_ADD.invokeExact(ctx, arch), "architecture 0x" + Integer.toHexString(arch));
                }
                if (!architectures.isEmpty() && !architectures.contains(nativeArch)) {
                    check((int) Lib.ARCH_REMOVE.invokeExact(ctx, nativeArch), "removing the native architecture");
                }
                for (Rule r : rules) {
                    MemorySegment args = arena.allocate(ARG_CMP_SIZE * Math.max(1, r.conditions().size()), 8);
                    for (int i = 0; i < r.conditions().size(); i++) {
                        long[] c = r.conditions().get(i);
                        args.set(JAVA_INT, i * ARG_CMP_SIZE, (int) c[0]);
                        args.set(JAVA_INT, i * ARG_CMP_SIZE + 4, (int) c[1]);
                        args.set(JAVA_LONG, i * ARG_CMP_SIZE + 8, c[2]);
                        args.set(JAVA_LONG, i * ARG_CMP_SIZE + 16, c[3]);
                    }
                    check((int) Lib.RULE_ADD.invokeExact(ctx, r.action(), r.syscall(), r.conditions().size(), args),
                            "the rule for system call " + r.syscall());
                }
                return export(ctx);
            } finally {
                Lib.RELEASE.invokeExact(ctx);
            }
        } catch (IllegalArgumentException e) {
            throw e;
        } catch (Throwable t) {
            throw Ffi.linkageFailure(t);
        }
    }

    /** libseccomp 2.5 exports to a descriptor only: a memfd, read back whole. */
    private static byte[] export(MemorySegment ctx) throws Throwable {
        int memfd = LibC.memfdCreate("jns-seccomp");
        try {
            check((int) Lib.EXPORT.invokeExact(ctx, memfd), "the export");
            return Files.readAllBytes(Path.of("/proc/self/fd/" + memfd));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            LibC.close(memfd);
        }
    }

    /** libseccomp returns -errno. */
    private static void check(int rc, String what) {
        if (rc < 0) throw new IllegalArgumentException("libseccomp refused " + what + ": " + LibC.strerror(-rc));
    }
}
