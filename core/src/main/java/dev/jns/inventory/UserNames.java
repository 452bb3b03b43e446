package dev.jns.inventory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * uid to user name from {@code /etc/passwd}, first entry wins as with {@code getpwuid}
 * on a files-only system. A uid with no entry is named by its number, as lsns does.
 */
public final class UserNames {
    private final Map<Integer, String> names;

    private UserNames(Map<Integer, String> names) {
        this.names = Map.copyOf(names);
    }

    /**
     * Reads {@code /etc/passwd}; an unreadable file gives numbers for every uid.
     *
     * @return the names
     */
    public static UserNames load() {
        try {
            return parse(Files.readString(Path.of("/etc/passwd"), StandardCharsets.UTF_8));
        } catch (IOException e) {
            return new UserNames(Map.of());
        }
    }

    static UserNames parse(String passwd) {
        Map<Integer, String> names = new HashMap<>();
        for (String line : passwd.split("\n")) {
            String[] f = line.split(":", 4);
            if (f.length < 4 || f[0].isEmpty()) continue;
            long uid = ProcFs.parseDecimal(f[2], 0, f[2].length());
            if (uid >= 0 && uid <= 0xFFFFFFFFL) names.putIfAbsent((int) uid, f[0]);
        }
        return new UserNames(names);
    }

    /**
     * The user name for {@code uid}, or the number as text.
     *
     * @param uid the uid
     * @return the name
     */
    public String nameOf(int uid) {
        String n = names.get(uid);
        return n != null ? n : Integer.toUnsignedString(uid);
    }
}
