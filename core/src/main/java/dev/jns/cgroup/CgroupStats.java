package dev.jns.cgroup;

import java.util.List;
import java.util.Map;

/**
 * A snapshot of what a cgroup's processes use, with what {@code runc events --stats} reports.
 * A limit that is not set reads as {@link #UNLIMITED}; a figure this cgroup version or this
 * kernel does not keep reads as 0.
 */
public record CgroupStats(Memory memory, Cpu cpu, Pids pids, List<Hugetlb> hugetlb, List<BlockIoEntry> blockIo) {
    /** A limit that is not set ({@code max}, or v1's page-rounded largest value). */
    public static final long UNLIMITED = Long.MAX_VALUE;

    public CgroupStats {
        hugetlb = List.copyOf(hugetlb);
        blockIo = List.copyOf(blockIo);
    }

    /**
     * Memory in bytes: current and peak usage, the limit, how often the limit was hit
     * ({@code failcnt}; v2: the {@code max} events), swap (v1: memory+swap, as runc reports it),
     * page cache, OOM events and OOM kills, and {@code memory.stat} as it is.
     */
    public record Memory(long usage, long maxUsage, long limit, long failcnt, long swapUsage, long swapLimit,
                         long cache, long oomEvents, long oomKills, Map<String, Long> raw) {
        public Memory {
            raw = Map.copyOf(raw);
        }
    }

    /** CPU time in nanoseconds (total, user, kernel, per CPU where kept) and CFS throttling. */
    public record Cpu(long totalNs, long userNs, long kernelNs, List<Long> perCpuNs,
                      long periods, long throttledPeriods, long throttledNs) {
        public Cpu {
            perCpuNs = List.copyOf(perCpuNs);
        }
    }

    /** Tasks now, and the limit ({@link #UNLIMITED} when none). */
    public record Pids(long current, long limit) {}

    /** Huge pages of one size: bytes in use, the peak (v1 only) and how often the limit was hit. */
    public record Hugetlb(String pageSize, long usage, long maxUsage, long failcnt) {}

    /** One block I/O counter: {@code op} is Read, Write, Sync, Async, Discard or Total, for bytes or for operations. */
    public record BlockIoEntry(String counter, long major, long minor, String op, long value) {}
}
