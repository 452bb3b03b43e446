package dev.jns.sys;

import dev.jns.os.Errno;
import dev.jns.os.SyscallException;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/** {@code kill(2)} and {@code signal(2)}'s reset to the default action: the bindings behind {@link dev.jns.os.Signals}. */
public final class SignalCalls {
    private static final class SignalCall {
        static final MethodHandle H = Ffi.plainCall("signal", FunctionDescriptor.of(ADDRESS, JAVA_INT, ADDRESS));
        static final MemorySegment SIG_DFL = MemorySegment.ofAddress(0);
    }
    private static final class Kill {
        static final MethodHandle H = Ffi.errnoCall("kill", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT), -1);
    }

    private SignalCalls() {}

    public static void kill(int pid, int sig) {
        Ffi.checked("kill", "pid " + pid + " signal " + sig, st -> (int) Kill.H.invokeExact(st, pid, sig));
    }

    public static void restoreDefault(int sig) {
        try {
            MemorySegment previous = (MemorySegment) SignalCall.H.invokeExact(sig, SignalCall.SIG_DFL);
            if (previous.address() == -1L) throw new SyscallException("signal", "signal " + sig, Errno.EINVAL);
        } catch (SyscallException e) {
            throw e;
        } catch (Throwable t) {
            throw Ffi.linkageFailure(t);
        }
    }
}
