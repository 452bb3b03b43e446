package dev.jns.sys;

import dev.jns.os.SyscallException;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * Linker state shared by every binding class in this package, and the one way a call's
 * errno becomes a {@link SyscallException}. Initialised with the first handle any
 * binding links, never at start-up.
 */
final class Ffi {
    static final Linker LINKER = Linker.nativeLinker();
    static final SymbolLookup LIBC = LINKER.defaultLookup();
    static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    static final VarHandle ERRNO = CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));

    /** A handle that records errno; {@code variadicFrom} is the index of the first variadic argument, or -1. */
    static MethodHandle errnoCall(String name, FunctionDescriptor fd, int variadicFrom) {
        MemorySegment sym = LIBC.find(name).orElseThrow(() -> new UnsatisfiedLinkError("libc has no " + name));
        return variadicFrom < 0
                ? LINKER.downcallHandle(sym, fd, Linker.Option.captureCallState("errno"))
                : LINKER.downcallHandle(sym, fd, Linker.Option.captureCallState("errno"),
                        Linker.Option.firstVariadicArg(variadicFrom));
    }

    static MethodHandle plainCall(String name, FunctionDescriptor fd) {
        return LINKER.downcallHandle(LIBC.find(name).orElseThrow(), fd);
    }

    static int errno(MemorySegment state) {
        return (int) ERRNO.get(state, 0L);
    }

    /** One native call that reports failure by a negative result and errno. */
    @FunctionalInterface
    interface ErrnoCall {
        long invoke(MemorySegment errnoState) throws Throwable;
    }

    /** Runs the call; a negative result becomes a {@link SyscallException}. */
    static long checked(String call, String detail, ErrnoCall body) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(Ffi.CAPTURE);
            long rc = body.invoke(state);
            if (rc < 0) throw new SyscallException(call, detail, Ffi.errno(state));
            return rc;
        } catch (SyscallException e) {
            throw e;
        } catch (Throwable t) {
            throw linkageFailure(t);
        }
    }

    static RuntimeException linkageFailure(Throwable t) {
        if (t instanceof RuntimeException r) return r;
        if (t instanceof Error e) throw e;
        return new IllegalStateException("native call failed", t);
    }

    private Ffi() {}
}
