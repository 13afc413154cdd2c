package dev.pyramidkv.cache;

/**
 * Memory accounting of one {@link KvCache} at one moment.
 * <ul>
 *   <li>allocated: K + V + positions reserved in the arena, per layer;</li>
 *   <li>live KV: K + V bytes of the live entries (what attention reads);</li>
 *   <li>live positions: the 4 bytes per live entry that compression adds;</li>
 *   <li>full equivalent: K + V of {@code tokensSeen} tokens in every KV head, what an uncompressed cache
 *       holds (per layer, the same for every layer);</li>
 *   <li>score state: the policy's per-slot scores on the Java heap.</li>
 * </ul>
 */
public final class CacheMemory {
    private final long[] allocated;
    private final long[] liveKv;
    private final long[] livePositions;
    private final long fullPerLayer;
    private final long scoreStateBytes;
    private final int tokensSeen;

    CacheMemory(long[] allocated, long[] liveKv, long[] livePositions, long fullPerLayer, long scoreStateBytes, int tokensSeen) {
        this.allocated = allocated;
        this.liveKv = liveKv;
        this.livePositions = livePositions;
        this.fullPerLayer = fullPerLayer;
        this.scoreStateBytes = scoreStateBytes;
        this.tokensSeen = tokensSeen;
    }

    public int layers() { return allocated.length; }
    public long allocatedBytes(int layer) { return allocated[layer]; }
    public long liveKvBytes(int layer) { return liveKv[layer]; }
    public long livePositionBytes(int layer) { return livePositions[layer]; }
    public long fullEquivalentBytes(int layer) { return fullPerLayer; }
    public long allocatedBytes() { return sum(allocated); }
    public long liveKvBytes() { return sum(liveKv); }
    public long livePositionBytes() { return sum(livePositions); }
    public long fullEquivalentBytes() { return fullPerLayer * allocated.length; }
    public long scoreStateBytes() { return scoreStateBytes; }
    public int tokensSeen() { return tokensSeen; }

    /** Live K + V over the full-cache equivalent (1 = no saving); NaN before any token. */
    public double ratio() { return fullEquivalentBytes() == 0 ? Double.NaN : (double) liveKvBytes() / fullEquivalentBytes(); }

    /** Reserved bytes over the full-cache equivalent. */
    public double allocatedRatio() { return fullEquivalentBytes() == 0 ? Double.NaN : (double) allocatedBytes() / fullEquivalentBytes(); }

    private static long sum(long[] a) {
        long s = 0;
        for (long v : a) s += v;
        return s;
    }

    /** {@code {"tokens_seen": ..., "allocated_bytes": ..., ..., "layers": [{"layer": 0, ...}, ...]}}. */
    public String toJson() {
        StringBuilder j = new StringBuilder(128 + 96 * allocated.length);
        j.append("{\"tokens_seen\": ").append(tokensSeen)
                .append(", \"allocated_bytes\": ").append(allocatedBytes())
                .append(", \"live_kv_bytes\": ").append(liveKvBytes())
                .append(", \"live_position_bytes\": ").append(livePositionBytes())
                .append(", \"full_equivalent_bytes\": ").append(fullEquivalentBytes())
                .append(", \"score_state_bytes\": ").append(scoreStateBytes)
                .append(", \"ratio\": ").append(Double.isNaN(ratio()) ? "null" : String.format(java.util.Locale.ROOT, "%.6f", ratio()))
                .append(", \"layers\": [");
        for (int l = 0; l < allocated.length; l++) {
            if (l > 0) j.append(", ");
            j.append("{\"layer\": ").append(l).append(", \"allocated_bytes\": ").append(allocated[l])
                    .append(", \"live_kv_bytes\": ").append(liveKv[l]).append(", \"full_equivalent_bytes\": ").append(fullPerLayer).append('}');
        }
        return j.append("]}").toString();
    }

    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT, "KV memory: %d tokens seen, live %d B of full %d B (ratio %.4f), allocated %d B, score state %d B",
                tokensSeen, liveKvBytes(), fullEquivalentBytes(), ratio(), allocatedBytes(), scoreStateBytes);
    }
}
