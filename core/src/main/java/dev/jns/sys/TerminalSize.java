package dev.jns.sys;

import dev.jns.os.SyscallException;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/** {@code TIOCGWINSZ}: the binding behind {@link dev.jns.os.Terminal}. */
public final class TerminalSize {
    private static final long TIOCGWINSZ = 0x5413;

    private static final class Ioctl {
        static final MethodHandle H = Ffi.errnoCall("ioctl",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS), 2);
    }

    private TerminalSize() {}

    /** The terminal's width in columns, or 0 when {@code fd} is not a terminal or says none. */
    public static int columns(int fd) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment winsize = arena.allocate(8, 2); // rows, cols, xpixel, ypixel
            Ffi.checked("ioctl", "TIOCGWINSZ on fd " + fd, st -> (int) Ioctl.H.invokeExact(st, fd, TIOCGWINSZ, winsize));
            return Short.toUnsignedInt(winsize.get(JAVA_SHORT, 2));
        } catch (SyscallException e) {
            return 0;
        }
    }
}
