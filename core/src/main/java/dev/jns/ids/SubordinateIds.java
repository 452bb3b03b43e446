package dev.jns.ids;

import dev.jns.os.Errno;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;

/**
 * A subordinate-id file ({@code /etc/subuid} or {@code /etc/subgid}, see subuid(5)): lines of
 * {@code user:start:count}, where {@code user} is a name or a uid, granting that user the
 * ids {@code start .. start+count-1} for its user namespaces (written by newuidmap/newgidmap).
 *
 * @param file {@code /etc/subuid} or {@code /etc/subgid}
 */
public record SubordinateIds(Path file) {
    public static final SubordinateIds UIDS = new SubordinateIds(Path.of("/etc/subuid"));
    public static final SubordinateIds GIDS = new SubordinateIds(Path.of("/etc/subgid"));

    /**
     * A block of subordinate ids.
     *
     * @param start the first id
     * @param count how many ids
     */
    public record Block(long start, long count) {}

    /**
     * The first block granted to the user with {@code uid} (matched by name or by number), as
     * util-linux's {@code --map-auto}/{@code --map-subids} use it.
     *
     * @param uid the uid
     * @param accounts the account files names are looked up in
     * @return the block, or null if none
     */
    public Block firstBlockOf(long uid, AccountFiles accounts) {
        String name = accounts.userWithUid(uid).map(AccountFiles.User::name)
                .orElseThrow(() -> new IdSpecException("you (user " + uid + ") don't exist."));
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (IOException e) {
            throw new IdSpecException("could not open '" + file + "': " + Errno.describe(e));
        }
        for (String line : lines) {
            String[] f = line.split(":", -1);
            if (f.length < 3) continue;
            boolean mine = f[0].equals(name) || IdSpecs.unsigned32(f[0]).equals(OptionalLong.of(uid));
            if (!mine) continue;
            return new Block(subidNumber(f[1]), subidNumber(f[2]));
        }
        throw new IdSpecException("no line matching user \"" + name + "\" in " + file);
    }

    private static long subidNumber(String s) {
        return IdSpecs.unsigned32(s.strip())
                .orElseThrow(() -> new IdSpecException("failed to parse subid map: '" + s + "'"));
    }

}
