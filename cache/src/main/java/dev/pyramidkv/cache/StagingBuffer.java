package dev.pyramidkv.cache;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * One layer's full prompt K and V before compression, reused layer after layer (only one layer's full K/V
 * exists at a time).
 *
 * <pre>
 * keys, values: f32 [kvHead][maxTokens][headDim]
 *   token t of KV head h starts at byte ((h * maxTokens + t) * headDim) * 4
 * </pre>
 * The engine writes the first {@code n} rows of each head for an {@code n}-token prompt (chunk by chunk if it
 * likes: the layout does not depend on {@code n}); token {@code t} is prompt position {@code t}.
 */
public final class StagingBuffer {
    private final int kvHeads;
    private final int maxTokens;
    private final int headDim;
    private final MemorySegment keys;
    private final MemorySegment values;

    private StagingBuffer(int kvHeads, int maxTokens, int headDim, MemorySegment keys, MemorySegment values) {
        this.kvHeads = kvHeads;
        this.maxTokens = maxTokens;
        this.headDim = headDim;
        this.keys = keys;
        this.values = values;
    }

    /** Allocates staging for prompts of up to {@code maxTokens} tokens in {@code arena} (64-byte aligned). */
    public static StagingBuffer allocate(Arena arena, int kvHeads, int maxTokens, int headDim) {
        if (kvHeads <= 0) throw PolicyConfig.bad("kvHeads", kvHeads, "must be > 0");
        if (maxTokens <= 0) throw PolicyConfig.bad("maxTokens", maxTokens, "must be > 0");
        if (headDim <= 0) throw PolicyConfig.bad("headDim", headDim, "must be > 0");
        long bytes = (long) kvHeads * maxTokens * headDim * Float.BYTES;
        return new StagingBuffer(kvHeads, maxTokens, headDim, arena.allocate(bytes, 64), arena.allocate(bytes, 64));
    }

    /** Allocates staging for a cache's shape and context length. */
    public static StagingBuffer allocate(Arena arena, KvShape shape, int contextLength) {
        return allocate(arena, shape.kvHeads(), contextLength, shape.headDim());
    }

    public MemorySegment keys() { return keys; }
    public MemorySegment values() { return values; }
    public int kvHeads() { return kvHeads; }
    public int maxTokens() { return maxTokens; }
    public int headDim() { return headDim; }

    /** Byte offset of token {@code t} of KV head {@code h} in {@link #keys()} and {@link #values()}. */
    public long offset(int h, int t) { return ((long) h * maxTokens + t) * headDim * Float.BYTES; }

    /** Bytes of one head's run of rows: {@code maxTokens * headDim * 4}. */
    public long headStrideBytes() { return (long) maxTokens * headDim * Float.BYTES; }

    public long byteSize() { return keys.byteSize() + values.byteSize(); }
}
