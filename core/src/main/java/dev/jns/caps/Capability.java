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
/** {@code CAP_CHOWN} (0): change a file's owner and group. */
    CHOWN,
    /** {@code CAP_DAC_OVERRIDE} (1): bypass file read, write and execute permission checks. */
    DAC_OVERRIDE,
    /** {@code CAP_DAC_READ_SEARCH} (2): bypass file read and directory read and search permission checks. */
    DAC_READ_SEARCH,
    /** {@code CAP_FOWNER} (3): bypass checks that the caller owns the file. */
    FOWNER,
    /** {@code CAP_FSETID} (4): keep set-user-id and set-group-id bits when a file is modified. */
    FSETID,
    /** {@code CAP_KILL} (5): send signals to any process. */
    KILL,
    /** {@code CAP_SETGID} (6): change group ids and write gid maps. */
    SETGID,
    /** {@code CAP_SETUID} (7): change user ids and write uid maps. */
    SETUID,
    /** {@code CAP_SETPCAP} (8): change the bounding set and others' capabilities. */
    SETPCAP,
    /** {@code CAP_LINUX_IMMUTABLE} (9): set the immutable and append-only file attributes. */
    LINUX_IMMUTABLE,
    /** {@code CAP_NET_BIND_SERVICE} (10): bind ports below 1024. */
    NET_BIND_SERVICE,
    /** {@code CAP_NET_BROADCAST} (11): broadcast and listen to multicast (unused). */
    NET_BROADCAST,
    /** {@code CAP_NET_ADMIN} (12): configure network interfaces, addresses, routes, firewalls. */
    NET_ADMIN,
    /** {@code CAP_NET_RAW} (13): use raw and packet sockets. */
    NET_RAW,
    /** {@code CAP_IPC_LOCK} (14): lock memory. */
    IPC_LOCK,
    /** {@code CAP_IPC_OWNER} (15): bypass System V IPC permission checks. */
    IPC_OWNER,
    /** {@code CAP_SYS_MODULE} (16): load and unload kernel modules. */
    SYS_MODULE,
    /** {@code CAP_SYS_RAWIO} (17): raw I/O: ioperm, iopl, /dev/mem. */
    SYS_RAWIO,
    /** {@code CAP_SYS_CHROOT} (18): call chroot and change mount namespaces. */
    SYS_CHROOT,
    /** {@code CAP_SYS_PTRACE} (19): trace and inspect any process. */
    SYS_PTRACE,
    /** {@code CAP_SYS_PACCT} (20): turn process accounting on or off. */
    SYS_PACCT,
    /** {@code CAP_SYS_ADMIN} (21): the catch-all: mount, sethostname, setns, and much more. */
    SYS_ADMIN,
    /** {@code CAP_SYS_BOOT} (22): reboot and load kernels. */
    SYS_BOOT,
    /** {@code CAP_SYS_NICE} (23): raise priorities and set scheduling policies. */
    SYS_NICE,
    /** {@code CAP_SYS_RESOURCE} (24): override resource limits and quotas. */
    SYS_RESOURCE,
    /** {@code CAP_SYS_TIME} (25): set the system clock. */
    SYS_TIME,
    /** {@code CAP_SYS_TTY_CONFIG} (26): vhangup and privileged terminal ioctls. */
    SYS_TTY_CONFIG,
    /** {@code CAP_MKNOD} (27): create device nodes. */
    MKNOD,
    /** {@code CAP_LEASE} (28): take leases on files the caller does not own. */
    LEASE,
    /** {@code CAP_AUDIT_WRITE} (29): write to the kernel audit log. */
    AUDIT_WRITE,
    /** {@code CAP_AUDIT_CONTROL} (30): configure kernel auditing. */
    AUDIT_CONTROL,
    /** {@code CAP_SETFCAP} (31): set file capabilities. */
    SETFCAP,
    /** {@code CAP_MAC_OVERRIDE} (32): override mandatory access control. */
    MAC_OVERRIDE,
    /** {@code CAP_MAC_ADMIN} (33): configure mandatory access control. */
    MAC_ADMIN,
    /** {@code CAP_SYSLOG} (34): privileged syslog operations. */
    SYSLOG,
    /** {@code CAP_WAKE_ALARM} (35): set wake-up alarms. */
    WAKE_ALARM,
    /** {@code CAP_BLOCK_SUSPEND} (36): block system suspend. */
    BLOCK_SUSPEND,
    /** {@code CAP_AUDIT_READ} (37): read the audit log over netlink. */
    AUDIT_READ,
    /** {@code CAP_PERFMON} (38): performance monitoring. */
    PERFMON,
    /** {@code CAP_BPF} (39): privileged BPF operations. */
    BPF,
    /** {@code CAP_CHECKPOINT_RESTORE} (40): checkpoint and restore: set_tid, ns_last_pid. */
    CHECKPOINT_RESTORE;

    /**
     * The name as tools print it, e.g. {@code CAP_SYS_ADMIN}.
     *
     * @return {@code CAP_} and the constant's name
     */
    public String capName() {
        return "CAP_" + name();
    }

    /**
     * The capability's bit in a 64-bit set.
     *
     * @return {@code 1L << ordinal()}
     */
    public long bit() {
        return 1L << ordinal();
    }

    /**
     * A capability by name, with or without {@code CAP_}, in any case, as bwrap's and capsh's options take it.
     *
     * @param name the name
     * @return the capability, or empty for an unknown name
     */
    public static Optional<Capability> byName(String name) {
        String n = name.toUpperCase(Locale.ROOT);
        if (n.startsWith("CAP_")) n = n.substring(4);
        for (Capability c : values()) {
            if (c.name().equals(n)) return Optional.of(c);
        }
        return Optional.empty();
    }

    /**
     * This process's effective capabilities ({@code CapEff} in {@code /proc/self/status}).
     *
     * @return the set, empty if none
     */
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

    /**
     * The capabilities whose bits are set in {@code mask}.
     *
     * @param mask a 64-bit capability set
     * @return the set
     */
    public static Set<Capability> ofMask(long mask) {
        Set<Capability> caps = EnumSet.noneOf(Capability.class);
        for (Capability c : values()) if ((mask & c.bit()) != 0) caps.add(c);
        return caps;
    }

    /**
     * The 64-bit mask of a set of capabilities.
     *
     * @param caps the capabilities
     * @return the mask
     */
    public static long mask(Collection<Capability> caps) {
        long m = 0;
        for (Capability c : caps) m |= c.bit();
        return m;
    }
}
