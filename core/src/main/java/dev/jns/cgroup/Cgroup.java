package dev.jns.cgroup;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A handle on one cgroup, the same for cgroup v2 and v1 (where it is one directory per
 * hierarchy). Made by {@link CgroupLayout#create} or {@link CgroupLayout#open}; it holds no
 * open file, so a handle can be dropped and the cgroup opened again later by another process.
 *
 * <p>{@link #close()} ends the cgroup for good: it kills what is left in it and removes it.
 * A runtime whose cgroup must outlive the call that made it (OCI {@code create}) keeps the
 * handle out of try-with-resources and removes it in its {@code delete}.
 */
public sealed interface Cgroup extends AutoCloseable permits CgroupV2, CgroupV1 {
    /** How long {@link #remove()} and {@link #close()} wait for the processes to be gone. */
    Duration DEFAULT_REMOVE_TIMEOUT = Duration.ofSeconds(10);

    /**
     * 2 or 1.
     *
     * @return 2 or 1
     */
    int version();

    /**
     * The cgroup's path from the hierarchy's root, e.g. {@code /jns/ctr1} (v1: in the first hierarchy).
     *
     * @return the path
     */
    String path();

    /**
     * Its directories: on v2 one, under the key {@code unified}; on v1 one per controller (the
     * controllers of one hierarchy share a directory), keyed by controller name.
     *
     * @return the directories
     */
    Map<String, Path> directories();

    /**
     * Moves the process {@code pid} (all its threads) into this cgroup.
     *
     * @param pid the process id
     */
    void place(long pid);

    /**
     * Applies the settings of {@code resources} that are set, leaving the others as they are
     * (also what OCI {@code update} does).
     *
     * @param resources the settings
     * @throws CgroupException for a setting this cgroup version cannot express, or a
     *     controller this machine does not offer here
     * @throws dev.jns.os.SyscallException if the kernel refuses a value (naming file and errno)
     */
    void apply(CgroupResources resources);

    /** Freezes every process in the cgroup and returns once they are all frozen. */
    void freeze();

    /** Thaws the cgroup's processes. */
    void thaw();

    /**
     * Whether the cgroup is frozen (or freezing).
     *
     * @return true if frozen or freezing
     */
    boolean frozen();

    /**
     * The processes in the cgroup and in the cgroups below it.
     *
     * @return the process ids
     */
    List<Long> pids();

    /**
     * Whether any process is in the cgroup or below it.
     *
     * @return true if any process is there
     */
    boolean populated();

    /**
     * Sends {@code signal} to every process in the cgroup and below, frozen first so that none
     * can fork past the signal (a frozen cgroup stays frozen).
     *
     * @param signal the signal number
     */
    void signalAll(int signal);

    /** Kills every process in the cgroup and below: {@code cgroup.kill} on v2, SIGKILL to each on v1. */
    default void killAll() {
        signalAll(dev.jns.os.Signals.SIGKILL);
    }

    /**
     * What the processes use now.
     *
     * @return the snapshot
     */
    CgroupStats stats();

    /** {@link #remove(Duration)} with {@link #DEFAULT_REMOVE_TIMEOUT}. */
    default void remove() {
        remove(DEFAULT_REMOVE_TIMEOUT);
    }

    /**
     * Waits up to {@code timeout} for the cgroup to be empty, then removes it, the cgroups below
     * it, and the parents that this handle made (as far as no other cgroup is in them). A
     * cgroup already gone is no error.
     *
     * @param timeout how long to wait for the last process to leave
     * @throws dev.jns.os.SyscallException EBUSY if processes are still in it after the timeout
     */
    void remove(Duration timeout);

    /**
     * Whether the cgroup's directory is still there (v1: any of them).
     *
     * @return true if it exists
     */
    boolean exists();

    /**
     * Kills whatever is left and removes the cgroup ({@link #killAll()}, {@link #remove()});
     * once it is gone, only the parents this handle made are left to remove.
     */
    @Override
    default void close() {
        if (exists()) killAll();
        remove();
    }
}
