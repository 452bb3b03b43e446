package dev.jns.inventory;

import dev.jns.ns.NamespaceType;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One process as the scan saw it.
 *
 * @param uid        the owner of {@code /proc/PID}, as lsns reports it
 * @param command    {@code cmdline} (NULs as spaces), else {@code comm}; present when the
 *                   scan read it (see {@link ScanOptions#allCommands()})
 * @param namespaces the inode of each scanned namespace type whose link was readable
 * @param pid the process id
 * @param ppid the parent's pid
 */
public record ProcessRecord(int pid, int ppid, int uid, Optional<String> command,
                            Map<NamespaceType, Long> namespaces) {
    /** Copies the namespaces. */
    public ProcessRecord {
        EnumMap<NamespaceType, Long> copy = new EnumMap<>(NamespaceType.class);
        copy.putAll(namespaces);
        namespaces = Collections.unmodifiableMap(copy);
    }

    /**
     * The inode of this process's namespace of {@code type}, if the scan read it.
     *
     * @param type the namespace type
     * @return the inode, or empty
     */
    public OptionalLong namespace(NamespaceType type) {
        Long ino = namespaces.get(type);
        return ino == null ? OptionalLong.empty() : OptionalLong.of(ino);
    }
}
