package dev.pyramidkv.cache;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * One layer's KV storage, off-heap in the caller's arena. Each KV head owns a run of {@code capacity} slots;
 * its live entries are slots {@code [0, length(h))}, in ascending original position.
 *
 * <pre>
 * keys, values: [kvHead][capacity] rows of {@link KvType}, rowBytes each:
 *                 f32        headDim × 4 B
 *                 f16, bf16  headDim × 2 B
 *                 q8_0       headDim/32 blocks of 34 B: [0,2) f16 d, [2,34) 32 × int8
 *                 q4_0       headDim/32 blocks of 18 B: [0,2) f16 d, [2,18) 16 B, value j in the low nibble
 *                            of byte 2+j and value j+16 in its high nibble
 *               slot s of head h at byte offset(h, s) = (h*capacity + s) * rowBytes;
 *               block b of that row at offset(h, s) + b * blockBytes
 * positions:    i32 [kvHead][capacity]            slot s of head h at byte ((h*capacity + s))*4
 * lengths:      int[kvHead] (on heap)
 * </pre>
 * Rows come in as f32 and are stored in the region's type ({@link KvType#encode}); scales live inside their
 * row, so compaction moves rows and their scales together.
 * Heads may hold different tokens and different counts (per-KV-head selection, AdaKV budgets).
 *
 * <p>{@link #append} and {@link #compact} are the raw operations; engine code appends through
 * {@link KvCache#append} so that the policy can evict first and track its scores. Not thread-safe.
 */
public final class LayerRegion {
    private final int layer;
    private final int kvHeads;
    private final int capacity;
    private final int headDim;
    private final KvType type;
    private final long rowBytes;
    private final MemorySegment keys;
    private final MemorySegment values;
    private final MemorySegment positions;
    private final int[] lengths;

    private LayerRegion(int layer, int kvHeads, int capacity, int headDim, KvType type, MemorySegment keys, MemorySegment values, MemorySegment positions) {
        this.layer = layer;
        this.kvHeads = kvHeads;
        this.capacity = capacity;
        this.headDim = headDim;
        this.type = type;
        this.rowBytes = type.rowBytes(headDim);
        this.keys = keys;
        this.values = values;
        this.positions = positions;
        this.lengths = new int[kvHeads];
    }

    /** Allocates an empty f32 region (64-byte aligned) in {@code arena}; {@code layer} is for reports and events. */
    public static LayerRegion allocate(Arena arena, int layer, int kvHeads, int capacity, int headDim) {
        return allocate(arena, layer, kvHeads, capacity, headDim, KvType.F32);
    }

    /** Allocates an empty region storing rows as {@code type}. */
    public static LayerRegion allocate(Arena arena, int layer, int kvHeads, int capacity, int headDim, KvType type) {
        if (kvHeads <= 0) throw PolicyConfig.bad("kvHeads", kvHeads, "must be > 0");
        if (capacity <= 0) throw PolicyConfig.bad("capacity", capacity, "must be > 0 (layer " + layer + ")");
        if (headDim <= 0) throw PolicyConfig.bad("headDim", headDim, "must be > 0");
        type.checkHeadDim(headDim);
        long kvBytes = (long) kvHeads * capacity * type.rowBytes(headDim);
        long posBytes = (long) kvHeads * capacity * Integer.BYTES;
        return new LayerRegion(layer, kvHeads, capacity, headDim, type,
                arena.allocate(kvBytes, 64), arena.allocate(kvBytes, 64), arena.allocate(posBytes, 64));
    }

    public int layer() { return layer; }
    public int kvHeads() { return kvHeads; }
    /** Slots per KV head. */
    public int capacity() { return capacity; }
    public int headDim() { return headDim; }
    /** How rows are stored. */
    public KvType type() { return type; }
    /** Bytes of one K (or V) row. */
    public long rowBytes() { return rowBytes; }
    public MemorySegment keys() { return keys; }
    public MemorySegment values() { return values; }
    public MemorySegment positions() { return positions; }

    /** Live entries of KV head {@code h}. */
    public int length(int h) { return lengths[h]; }

    public boolean isFull(int h) { return lengths[h] == capacity; }

    /** Total live entries over all heads. */
    public int liveEntries() {
        int total = 0;
        for (int len : lengths) total += len;
        return total;
    }

    /** Byte offset of slot {@code s} of head {@code h} in {@link #keys()} and {@link #values()}. */
    public long offset(int h, int s) { return ((long) h * capacity + s) * rowBytes; }

    /** Bytes from one head's run to the next: {@code capacity * rowBytes}. */
    public long headStrideBytes() { return capacity * rowBytes; }

    /** Original (prompt or decode) position of slot {@code s} of head {@code h}. */
    public int position(int h, int s) { return positions.getAtIndex(ValueLayout.JAVA_INT, (long) h * capacity + s); }

    /** Element d of the key in slot s of head h, as stored (decoded to f32). */
    public float key(int h, int s, int d) { return type.decode(keys, offset(h, s), d); }

    public float value(int h, int s, int d) { return type.decode(values, offset(h, s), d); }

    /** Reserved bytes: K + V + positions. */
    public long allocatedBytes() { return keys.byteSize() + values.byteSize() + positions.byteSize(); }

    /** Bytes of live K + V entries (what attention reads). */
    public long liveKvBytes() { return 2L * liveEntries() * rowBytes; }

    /** Bytes of live position entries (the bookkeeping compression adds). */
    public long livePositionBytes() { return (long) liveEntries() * Integer.BYTES; }

    /**
     * Appends one token to head {@code h}: {@code headDim} f32 of K at {@code k[kOffset]}, of V at
     * {@code v[vOffset]}, stored as the region's type. Allocation-free.
     *
     * @return the slot written
     * @throws IllegalStateException if the head is full (evict first)
     */
    public int append(int h, int position, MemorySegment k, long kOffset, MemorySegment v, long vOffset) {
        int s = lengths[h];
        if (s == capacity) throw new IllegalStateException("layer " + layer + " kv head " + h + " is full (capacity " + capacity + "); evict before appending");
        long dst = offset(h, s);
        type.encode(k, kOffset, keys, dst, headDim);
        type.encode(v, vOffset, values, dst, headDim);
        positions.setAtIndex(ValueLayout.JAVA_INT, (long) h * capacity + s, position);
        lengths[h] = s + 1;
        return s;
    }

    /**
     * Replaces head {@code h}'s contents with prompt tokens {@code tokens[0, count)} (ascending) of the
     * staging buffer; token t gets position t. Consecutive tokens are copied as one block.
     */
    void fillFromStaging(int h, StagingBuffer staging, int[] tokens, int count) {
        if (count > capacity) throw new IllegalStateException("layer " + layer + " kv head " + h + ": " + count + " kept tokens exceed capacity " + capacity);
        long base = (long) h * capacity;
        int i = 0;
        while (i < count) {
            int start = i;
            while (i + 1 < count && tokens[i + 1] == tokens[i] + 1) i++;
            i++;
            int run = i - start;
            long src = staging.offset(h, tokens[start]);
            long dst = offset(h, start);
            if (type == KvType.F32) {
                MemorySegment.copy(staging.keys(), src, keys, dst, run * rowBytes);
                MemorySegment.copy(staging.values(), src, values, dst, run * rowBytes);
            } else {
                long srcRow = 4L * headDim;
                for (int r = 0; r < run; r++) {
                    type.encode(staging.keys(), src + r * srcRow, keys, dst + r * rowBytes, headDim);
                    type.encode(staging.values(), src + r * srcRow, values, dst + r * rowBytes, headDim);
                }
            }
            for (int j = start; j < i; j++) positions.setAtIndex(ValueLayout.JAVA_INT, base + j, tokens[j]);
        }
        lengths[h] = count;
    }

    /**
     * Stable in-place compaction of head {@code h}: keeps slots {@code keep[0, count)} (strictly ascending,
     * each {@code < length(h)}) and moves them to the front in order; the new length is {@code count}.
     * Runs of consecutive kept slots move as one {@code MemorySegment.copy} (overlap-safe); slots already in
     * place are not touched. O(kept · headDim), no allocation.
     *
     * <p>Policies call this; callers that compact a region owned by a {@link KvCache} directly leave the
     * policy's per-slot scores out of step.
     */
    public void compact(int h, int[] keep, int count) {
        CompactionEvent event = CacheEvents.begin(CacheEvents.compactionEnabled() ? new CompactionEvent() : null);
        int len = lengths[h];
        if (count < 0 || count > len) throw new IllegalArgumentException("compact: count=" + count + " must be in [0, " + len + "] (layer " + layer + " head " + h + ")");
        long base = (long) h * capacity;
        long moved = 0;
        int i = 0;
        while (i < count) {
            int from = keep[i];
            if (from < i || from >= len || (i > 0 && from <= keep[i - 1]))
                throw new IllegalArgumentException("compact: keep[" + i + "]=" + from + " must be ascending and in [" + i + ", " + len + ")");
            int runStart = i;
            while (i + 1 < count && keep[i + 1] == keep[i] + 1) i++;
            i++;
            int run = i - runStart;
            if (from + run > len) throw new IllegalArgumentException("compact: keep[" + (i - 1) + "]=" + (from + run - 1) + " must be < length " + len);
            if (from != runStart) {            // the run is not already in place
                long rowBytesRun = run * rowBytes;
                MemorySegment.copy(keys, offset(h, from), keys, offset(h, runStart), rowBytesRun);
                MemorySegment.copy(values, offset(h, from), values, offset(h, runStart), rowBytesRun);
                MemorySegment.copy(positions, (base + from) * Integer.BYTES, positions, (base + runStart) * Integer.BYTES, (long) run * Integer.BYTES);
                moved += 2 * rowBytesRun + (long) run * Integer.BYTES;
            }
        }
        lengths[h] = count;
        if (event != null && event.shouldCommit()) {
            event.layer = layer;
            event.kvHead = h;
            event.entriesBefore = len;
            event.entriesKept = count;
            event.bytesMoved = moved;
            event.commit();
        }
    }

    /** Empties every head (the memory stays reserved). */
    public void clear() { java.util.Arrays.fill(lengths, 0); }
}
