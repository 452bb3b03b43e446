package dev.jns.cli;

import dev.jns.ns.NamespaceType;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * What a {@code jns nsenter} command line asks for, before anything about the target is
 * looked up. Built by {@link NsenterParser}.
 *
 * @param namespaces  the types asked for by flag; each with its file, or empty for "the target's"
 * @param targetPid   {@code -t PID}, 0 when not given
 * @param pidfdInode  the {@code :INODE} of {@code -t PID:INODE}, 0 when not given
 * @param uid         {@code -S}: a number, or empty with {@code uidFollow}
 * @param root        {@code -r}: empty when not given, "" for the target's root, else a directory
 * @param workDir     {@code -w}: empty when not given, "" for the target's cwd, else a directory
 * @param workDirInNs {@code -W}: a directory resolved inside the entered namespaces
 * @param command     the program and its arguments; empty for a login shell
 */
public record NsenterOptions(boolean all, int targetPid, long pidfdInode, Map<NamespaceType, Optional<String>> namespaces,
                             OptionalInt netSocketFd, boolean userParent,
                             OptionalLong uid, boolean uidFollow, OptionalLong gid, boolean gidFollow,
                             boolean preserveCredentials, boolean keepCaps,
                             Optional<String> root, Optional<String> workDir, Optional<String> workDirInNs,
                             boolean env, boolean noFork, boolean joinCgroup, List<String> command) {
    public NsenterOptions {
        Map<NamespaceType, Optional<String>> copy = new EnumMap<>(NamespaceType.class);
        copy.putAll(namespaces);
        namespaces = java.util.Collections.unmodifiableMap(copy);
        command = List.copyOf(command);
    }
}
