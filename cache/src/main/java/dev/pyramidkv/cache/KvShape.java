package dev.pyramidkv.cache;

/**
 * The attention geometry the cache needs to know: layers, query heads, KV heads and head dimension.
 * Query head {@code q} reads KV head {@code q / group()} (grouped-query attention).
 */
public record KvShape(int layers, int qHeads, int kvHeads, int headDim) {
    public KvShape {
        if (layers <= 0) throw PolicyConfig.bad("layers", layers, "must be > 0");
        if (kvHeads <= 0) throw PolicyConfig.bad("kvHeads", kvHeads, "must be > 0");
        if (qHeads <= 0 || qHeads % kvHeads != 0) throw PolicyConfig.bad("qHeads", qHeads, "must be a positive multiple of kvHeads (" + kvHeads + ")");
        if (headDim <= 0) throw PolicyConfig.bad("headDim", headDim, "must be > 0");
    }

    /** Query heads per KV head. */
    public int group() { return qHeads / kvHeads; }

    /** The KV head query head {@code q} attends with. */
    public int kvHeadOf(int qHead) { return qHead / group(); }

    /** Bytes of one token's K (or V) in one KV head: headDim f32. */
    public long rowBytes() { return (long) headDim * Float.BYTES; }
}
