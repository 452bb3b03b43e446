package dev.jns.caps;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The Linux capabilities ({@code capabilities(7)}), numbered as the kernel numbers them: the
 * ordinal is the capability's bit in the sets of {@code capget(2)} and in
 * {@code /proc/PID/status}'s Cap* lines. A kernel may know fewer (see
 * {@code /proc/sys/kernel/cap_last_cap}).
 */
public enum Capability {
    CHOWN, DAC_OVERRIDE, DAC_READ_SEARCH, FOWNER, FSETID, KILL,
    SETGID, SETUID, SETPCAP, LINUX_IMMUTABLE, NET_BIND_SERVICE, NET_BROADCAST,
    NET_ADMIN, NET_RAW, IPC_LOCK, IPC_OWNER, SYS_MODULE, SYS_RAWIO,
    SYS_CHROOT, SYS_PTRACE, SYS_PACCT, SYS_ADMIN, SYS_BOOT, SYS_NICE,
    SYS_RESOURCE, SYS_TIME, SYS_TTY_CONFIG, MKNOD, LEASE, AUDIT_WRITE,
    AUDIT_CONTROL, SETFCAP, MAC_OVERRIDE, MAC_ADMIN, SYSLOG, WAKE_ALARM,
    BLOCK_SUSPEND, AUDIT_READ, PERFMON, BPF, CHECKPOINT_RESTORE;

    /** The name as tools print it, e.g. {@code CAP_SYS_ADMIN}. */
    public String capName() {
        return "CAP_" + name();
    }

    /** The capability's bit in a 64-bit set. */
    public long bit() {
        return 1L << ordinal();
    }

    /** A capability by name, with or without {@code CAP_}, in any case, as bwrap's and capsh's options take it. */
    public static Optional<Capability> byName(String name) {
        String n = name.toUpperCase(Locale.ROOT);
        if (n.startsWith("CAP_")) n = n.substring(4);
        for (Capability c : values()) {
            if (c.name().equals(n)) return Optional.of(c);
        }
        return Optional.empty();
    }

    /** This process's effective capabilities ({@code CapEff} in {@code /proc/self/status}). */
    public static Set<Capability> effectiveOfThisProcess() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("CapEff:")) return ofMask(Long.parseUnsignedLong(line.substring(7).strip(), 16));
            }
            return EnumSet.noneOf(Capability.class);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read /proc/self/status", e);
        }
    }

    /** The capabilities whose bits are set in {@code mask}. */
    public static Set<Capability> ofMask(long mask) {
        Set<Capability> caps = EnumSet.noneOf(Capability.class);
        for (Capability c : values()) if ((mask & c.bit()) != 0) caps.add(c);
        return caps;
    }

    /** The 64-bit mask of a set of capabilities. */
    public static long mask(Collection<Capability> caps) {
        long m = 0;
        for (Capability c : caps) m |= c.bit();
        return m;
    }
}
