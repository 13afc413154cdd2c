package dev.pyramidkv.engine.model;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Interim full cache of one layer (replaced by the cache module's LayerRegion): K and V as
 * {@code [kvHead][capacity][headDim]} f32, every head holding the same tokens.
 */
final class KvLayer {
    final MemorySegment keys;
    final MemorySegment values;
    final int kvHeads;
    final int capacity;
    final int headDim;
    int length;

    KvLayer(Arena arena, int kvHeads, int capacity, int headDim) {
        this.kvHeads = kvHeads;
        this.capacity = capacity;
        this.headDim = headDim;
        long bytes = (long) kvHeads * capacity * headDim * 4;
        keys = arena.allocate(bytes, 64);
        values = arena.allocate(bytes, 64);
    }

    int length(int head) { return length; }

    /** Appends {@code n} staged tokens, staged as {@code [kvHead][stageCapacity][headDim]}. */
    void append(MemorySegment k, MemorySegment v, int stageCapacity, int n) {
        if (length + n > capacity) throw new IllegalStateException("KV cache full: " + length + " + " + n + " > " + capacity);
        long row = 4L * headDim;
        for (int h = 0; h < kvHeads; h++) {
            MemorySegment.copy(k, (long) h * stageCapacity * row, keys, ((long) h * capacity + length) * row, n * row);
            MemorySegment.copy(v, (long) h * stageCapacity * row, values, ((long) h * capacity + length) * row, n * row);
        }
        length += n;
    }
}
