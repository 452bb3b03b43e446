package dev.jns.ids;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The local account files, {@code /etc/passwd} and {@code /etc/group}: user and group
 * names to ids and back. Read directly (no NSS), which is what a namespace tool on a
 * Linux host needs and costs no native call.
 *
 * @param passwd the passwd file
 * @param group the group file
 */
public record AccountFiles(Path passwd, Path group) {
    public static final AccountFiles SYSTEM = new AccountFiles(Path.of("/etc/passwd"), Path.of("/etc/group"));

    /**
     * One line of {@code /etc/passwd}.
     *
     * @param name the name
     * @param uid the uid
     * @param gid the gid
     * @param home the home directory
     * @param shell the login shell
     */
    public record User(String name, long uid, long gid, String home, String shell) {}

    /**
     * The account called {@code name}.
     *
     * @param name the name
     * @return the account, or empty
     */
    public Optional<User> userNamed(String name) {
        return users().stream().filter(u -> u.name().equals(name)).findFirst();
    }

    /**
     * The first account with {@code uid}.
     *
     * @param uid the uid
     * @return the account, or empty
     */
    public Optional<User> userWithUid(long uid) {
        return users().stream().filter(u -> u.uid() == uid).findFirst();
    }

    /**
     * The gid of the group called {@code name}.
     *
     * @param name the name
     * @return the gid, or empty
     */
    public OptionalLong gidOfGroup(String name) {
        for (String[] f : fields(group)) {
            if (f.length >= 3 && f[0].equals(name)) {
                OptionalLong gid = number(f[2]);
                if (gid.isPresent()) return gid;
            }
        }
        return OptionalLong.empty();
    }

    /**
     * Whether a group has {@code gid}.
     *
     * @param gid the gid
     * @return true if one does
     */
    public boolean groupExists(long gid) {
        return fields(group).stream().anyMatch(f -> f.length >= 3 && number(f[2]).equals(OptionalLong.of(gid)));
    }

    private List<User> users() {
        return fields(passwd).stream()
                .filter(f -> f.length >= 7 && number(f[2]).isPresent() && number(f[3]).isPresent())
                .map(f -> new User(f[0], number(f[2]).getAsLong(), number(f[3]).getAsLong(), f[5], f[6]))
                .toList();
    }

    /**
     * The file's entries; none when it cannot be read. util-linux asks NSS, which answers
     * "no such user" when {@code /etc/passwd} is missing or unreadable, so the caller then
     * fails with util-linux's own words ({@code failed to parse uid 'NAME'}, {@code you
     * (user N) don't exist.}) instead of an I/O error.
     */
    private static List<String[]> fields(Path file) {
        try {
            // Decoded leniently: a stray non-UTF-8 byte in one entry's comment field must not hide the others.
            return new String(Files.readAllBytes(file), StandardCharsets.UTF_8).lines()
                    .filter(l -> !l.isBlank() && !l.startsWith("#"))
                    .map(l -> l.split(":", -1))
                    .toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    private static OptionalLong number(String s) {
        return IdSpecs.unsigned32(s);
    }
}
