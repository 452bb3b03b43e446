package dev.jns.ids;

import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parsers for the ways util-linux's {@code unshare} lets people write ids: a user or group
 * as a number or a name, and an id range as {@code inner:outer:count} or the deprecated
 * {@code outer,inner,count}. Errors carry util-linux 2.42's message text.
 */
public final class IdSpecs {
    /** {@code (uid_t) -1} is "no id" to the kernel, so the largest usable id is one less. */
    public static final long MAX_ID = 0xFFFF_FFFEL;

    private static final Pattern COLON_RANGE = Pattern.compile("(\\d+):(\\d+):(\\d+)");
    private static final Pattern COMMA_RANGE = Pattern.compile("(\\d+),(\\d+),(\\d+)");

    private IdSpecs() {}

    /**
     * A uid given as a number (taken as is, like util-linux, whether or not an account has
     * it) or as a user name from {@code accounts}.
     *
     * @param spec the text given
     * @param accounts the account files names are looked up in
     * @return the uid
     */
    public static long user(String spec, AccountFiles accounts) {
        OptionalLong n = unsigned32(spec);
        if (n.isPresent() && n.getAsLong() <= MAX_ID) return n.getAsLong();
        if (n.isEmpty() && !looksNumeric(spec)) {
            var user = accounts.userNamed(spec);
            if (user.isPresent()) return user.get().uid();
        }
        throw new IdSpecException("failed to parse uid '" + spec + "'");
    }

    /**
     * A gid given as a number or as a group name from {@code accounts}.
     *
     * @param spec the text given
     * @param accounts the account files names are looked up in
     * @return the gid
     */
    public static long group(String spec, AccountFiles accounts) {
        OptionalLong n = unsigned32(spec);
        if (n.isPresent() && n.getAsLong() <= MAX_ID) return n.getAsLong();
        if (n.isEmpty() && !looksNumeric(spec)) {
            OptionalLong gid = accounts.gidOfGroup(spec);
            if (gid.isPresent()) return gid.getAsLong();
        }
        throw new IdSpecException("failed to parse gid '" + spec + "'");
    }

    /**
     * A range for {@code --map-users}/{@code --map-groups}: {@code inner:outer:count} (the
     * kernel's order) or the older {@code outer,inner,count}.
     *
     * @param spec the text given
     * @return the map line
     */
    public static IdMap range(String spec) {
        Matcher colon = COLON_RANGE.matcher(spec);
        Matcher comma = COMMA_RANGE.matcher(spec);
        try {
            if (colon.matches()) return map(colon.group(1), colon.group(2), colon.group(3));
            if (comma.matches()) return map(comma.group(2), comma.group(1), comma.group(3));
        } catch (IllegalArgumentException e) {
            // a number beyond 32 bits, an empty or an overflowing range: as unusable as bad syntax
        }
        throw new IdSpecException("invalid mapping '" + spec + "'");
    }

    /**
     * A decimal number that fits in 32 bits unsigned, or empty.
     *
     * @param s the text
     * @return the number, or empty
     */
    public static OptionalLong unsigned32(String s) {
        if (s.isEmpty() || s.length() > 10 || !s.chars().allMatch(c -> c >= '0' && c <= '9')) return OptionalLong.empty();
        long v = Long.parseLong(s);
        return v <= 0xFFFF_FFFFL ? OptionalLong.of(v) : OptionalLong.empty();
    }

    /** Digits, possibly signed: util-linux treats these as numbers (out of range), never as names. */
    private static boolean looksNumeric(String s) {
        return s.matches("[-+]?\\d+");
    }

    private static IdMap map(String inside, String outside, String count) {
        return new IdMap(number(inside), number(outside), number(count));
    }

    private static long number(String s) {
        return unsigned32(s).orElseThrow(() -> new IllegalArgumentException(s));
    }
}
