package dev.jns.cgroup;

/** The conversions between cgroup v1's scales (the OCI spec's) and v2's. */
final class Shares {
    private Shares() {}

    /**
     * cpu.shares (2..262144, default 1024) to cpu.weight (1..10000, default 100) the way runc
     * (1.3.2 and later) and crun (1.23 and later) convert: a curve through (2, 1), (1024, 100)
     * and (262144, 10000) in log space, so the defaults match. The older linear mapping sent
     * 1024 shares to weight 39. 0 stays 0 (not set).
     */
    static long cpuWeight(long shares) {
        if (shares == 0) return 0;
        if (shares <= 2) return 1;
        if (shares >= 262144) return 10000;
        double l = Math.log(shares) / Math.log(2);
        double exponent = (l * l + 125 * l) / 612.0 - 7.0 / 34.0;
        return (long) Math.ceil(Math.pow(10, exponent));
    }

    /** blkio.weight (10..1000) to io.weight (1..10000), linearly, as runc and crun do. */
    static long ioWeight(long blkioWeight) {
        if (blkioWeight == 0) return 0;
        return 1 + (blkioWeight - 10) * 9999 / 990;
    }
}
