package dev.jns.cgroup;

import java.util.List;
import java.util.Map;

/**
 * A snapshot of what a cgroup's processes use, with what {@code runc events --stats} reports.
 * A limit that is not set reads as {@link #UNLIMITED}; a figure this cgroup version or this
 * kernel does not keep reads as 0.
 *
 * @param memory memory use
 * @param cpu CPU time
 * @param pids tasks
 * @param hugetlb huge pages, per size
 * @param blockIo block I/O counters
 */
public record CgroupStats(Memory memory, Cpu cpu, Pids pids, List<Hugetlb> hugetlb, List<BlockIoEntry> blockIo) {
    /** A limit that is not set ({@code max}, or v1's page-rounded largest value). */
    public static final long UNLIMITED = Long.MAX_VALUE;

    /** Copies the lists. */
    public CgroupStats {
        hugetlb = List.copyOf(hugetlb);
        blockIo = List.copyOf(blockIo);
    }

    /**
     * Memory in bytes: current and peak usage, the limit, how often the limit was hit
     * ({@code failcnt}; v2: the {@code max} events), swap (v1: memory+swap, as runc reports it),
     * page cache, OOM events and OOM kills, and {@code memory.stat} as it is.
     *
     * @param usage the bytes in use
     * @param maxUsage the peak
     * @param limit the limit, or {@link #UNLIMITED}
     * @param failcnt how often the limit was hit
     * @param swapUsage swap in use
     * @param swapLimit the swap limit
     * @param cache page cache bytes
     * @param oomEvents OOM events
     * @param oomKills OOM kills
     * @param raw {@code memory.stat} as it is
     */
    public record Memory(long usage, long maxUsage, long limit, long failcnt, long swapUsage, long swapLimit,
                         long cache, long oomEvents, long oomKills, Map<String, Long> raw) {
        /** Copies the {@code memory.stat} map. */
        public Memory {
            raw = Map.copyOf(raw);
        }
    }

    /**
     * CPU time in nanoseconds (total, user, kernel, per CPU where kept) and CFS throttling.
     *
     * @param totalNs total CPU time
     * @param userNs user CPU time
     * @param kernelNs kernel CPU time
     * @param perCpuNs CPU time per CPU, where kept
     * @param periods CFS periods elapsed
     * @param throttledPeriods periods throttled
     * @param throttledNs time throttled
     */
    public record Cpu(long totalNs, long userNs, long kernelNs, List<Long> perCpuNs,
                      long periods, long throttledPeriods, long throttledNs) {
        /** Copies the per-CPU list. */
        public Cpu {
            perCpuNs = List.copyOf(perCpuNs);
        }
    }

    /**
     * Tasks now, and the limit ({@link #UNLIMITED} when none).
     *
     * @param current tasks now
     * @param limit the limit, or {@link #UNLIMITED}
     */
    public record Pids(long current, long limit) {}

    /**
     * Huge pages of one size: bytes in use, the peak (v1 only) and how often the limit was hit.
     *
     * @param pageSize the huge page size, e.g. {@code 2MB}
     * @param usage the bytes in use
     * @param maxUsage the peak
     * @param failcnt how often the limit was hit
     */
    public record Hugetlb(String pageSize, long usage, long maxUsage, long failcnt) {}

    /**
     * One block I/O counter: {@code op} is Read, Write, Sync, Async, Discard or Total, for bytes or for operations.
     *
     * @param counter what is counted: bytes or operations
     * @param major the device's major number
     * @param minor the device's minor number
     * @param op Read, Write, Sync, Async, Discard or Total
     * @param value the count
     */
    public record BlockIoEntry(String counter, long major, long minor, String op, long value) {}
}
