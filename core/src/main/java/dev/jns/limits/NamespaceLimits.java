package dev.jns.limits;

import dev.jns.ns.NamespaceType;
import dev.jns.sys.LibC;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The per-user limits on creating namespaces ({@code /proc/sys/user/max_<type>_namespaces}):
 * read them, set them (root), count what is in use, and turn an ENOSPC from a namespace
 * creation into an error that says which limit was hit.
 *
 * <p>The files show the limits of the caller's own user namespace. The kernel also
 * enforces the limits of every enclosing user namespace, which cannot be read from inside.
 */
public final class NamespaceLimits {
    /** The largest value the kernel accepts in a limit file. */
    public static final long MAX_LIMIT = Integer.MAX_VALUE;

    private NamespaceLimits() {}

    /**
     * The sysctl file holding the limit for a type, e.g. {@code /proc/sys/user/max_net_namespaces}.
     *
     * @param type the type
     * @return the path
     */
    public static Path limitFile(NamespaceType type) {
        return Path.of("/proc/sys/user/max_" + type.procName() + "_namespaces");
    }

    /**
     * The types this kernel has a limit file for, in lsns order.
     *
     * @return the types
     */
    public static Set<NamespaceType> limitedTypes() {
        Set<NamespaceType> types = EnumSet.noneOf(NamespaceType.class);
        for (NamespaceType t : NamespaceType.values()) {
            if (Files.exists(limitFile(t))) types.add(t);
        }
        return types;
    }

    /**
     * The current limit for a type.
     *
     * @param type the namespace type
     * @return the limit
     */
    public static long limit(NamespaceType type) {
        Path file = limitFile(type);
        // One read of the whole value: sysctl files answer a read at a later offset with EOF,
        // and Files.readString on a file of size 0 first reads a single byte.
        try (InputStream in = Files.newInputStream(file)) {
            return Long.parseLong(new String(in.readNBytes(32), StandardCharsets.US_ASCII).trim());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /**
     * Sets the limit for a type. Needs CAP_SYS_RESOURCE over the caller's user namespace
     * (root); otherwise the kernel refuses and this throws {@link java.nio.file.AccessDeniedException}.
     *
     * @param type the namespace type
     * @param value the new limit
     * @throws IllegalArgumentException if {@code value} is outside 0..{@link #MAX_LIMIT}
     * @throws java.io.IOException if the kernel refuses the write
     */
    public static void setLimit(NamespaceType type, long value) throws IOException {
        if (value < 0 || value > MAX_LIMIT) {
            throw new IllegalArgumentException("limit out of range 0.." + MAX_LIMIT + ": " + value);
        }
        Files.writeString(limitFile(type), Long.toString(value), StandardOpenOption.WRITE);
    }

    /**
     * Limit and use of every type that has a limit file, in lsns order.
     *
     * @return the limits and use
     */
    public static List<NamespaceUsage> usage() {
        return usage(limitedTypes());
    }

    /**
     * Limit and use of the given types, in lsns order; scans every visible namespace once.
     *
     * @param types the types
     * @return the limits and use
     */
    public static List<NamespaceUsage> usage(Set<NamespaceType> types) {
        Map<NamespaceType, Long> limits = new EnumMap<>(NamespaceType.class);
        for (NamespaceType t : types) limits.put(t, limit(t));
        return tally(limits, NamespaceCharges.of(types), LibC.geteuid());
    }

    /**
     * Explains an ENOSPC from creating namespaces of the {@code requested} types (clone,
     * unshare, or a helper doing either): the returned exception's message names each
     * limit that is reached, with its file, value and the caller's count, e.g.
     * {@code cannot create net namespace: limit reached: /proc/sys/user/max_net_namespaces
     * = 12 and 12 are in use by uid 0}. When no limit visible here is reached it says so and
     * lists the numbers it saw. Scans every visible namespace, so call it on the error path
     * only.
     *
     * @param requested the types the failed call asked to create
     * @param cause     the failure that reported ENOSPC; kept as the cause
     * @return the exception to throw
     */
    public static NamespaceLimitException explainEnospc(Set<NamespaceType> requested, Throwable cause) {
        Set<NamespaceType> limited = EnumSet.noneOf(NamespaceType.class);
        limited.addAll(requested);
        limited.retainAll(limitedTypes());
        List<NamespaceUsage> usage = usage(limited);
        return new NamespaceLimitException(describeEnospc(requested, usage), usage, cause);
    }

    /** The message of {@link #explainEnospc}, from the numbers. */
    static String describeEnospc(Set<NamespaceType> requested, List<NamespaceUsage> usage) {
        List<String> reached = usage.stream()
                .filter(NamespaceUsage::isReached)
                .map(u -> "cannot create " + u.type().procName() + " namespace: limit reached: " + numbers(u))
                .toList();
        if (!reached.isEmpty()) return String.join("; ", reached);
        String names = requested.stream().map(NamespaceType::procName).collect(Collectors.joining(", "));
        String seen = usage.stream().map(NamespaceLimits::numbers).collect(Collectors.joining(", "));
        return "cannot create " + names + " namespace" + (requested.size() > 1 ? "s" : "")
                + ": no space (ENOSPC) but no limit visible here is reached"
                + (seen.isEmpty() ? "" : " (" + seen + ")")
                + "; an enclosing user namespace's limit, namespaces still being freed,"
                + " or pid/user nesting deeper than 32 levels can also cause it";
    }

    private static String numbers(NamespaceUsage u) {
        return u.limitFile() + " = " + u.limit() + " and " + u.uidUsed() + " are in use by uid " + u.uid();
    }

    /** Counts {@code visible} against {@code limits} for {@code uid}. */
    static List<NamespaceUsage> tally(Map<NamespaceType, Long> limits, Collection<NamespaceCharges.Charge> visible, int uid) {
        List<NamespaceUsage> out = new ArrayList<>();
        for (Map.Entry<NamespaceType, Long> e : limits.entrySet()) {
            NamespaceType type = e.getKey();
            int used = 0, uidUsed = 0;
            for (NamespaceCharges.Charge c : visible) {
                if (c.type() != type) continue;
                used++;
                if (c.uid().isPresent() && c.uid().getAsInt() == uid) uidUsed++;
            }
            out.add(new NamespaceUsage(type, e.getValue(), used, uid, uidUsed));
        }
        return out;
    }
}
