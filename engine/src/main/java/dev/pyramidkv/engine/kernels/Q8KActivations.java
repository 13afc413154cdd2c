package dev.pyramidkv.engine.kernels;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Activation rows quantized to ggml's Q8_K, the type llama.cpp pairs with K-quant weights (Q4_K, Q6_K):
 * blocks of 256 values, each with one f32 scale and the sums of its 16 runs of 16 quantized values.
 * Layout (off-heap, allocated once):
 * <pre>
 * qs    [rows][k]        int8   the quantized values
 * d     [rows][k/256]    f32    block scales (1/iscale, not f16-rounded)
 * bsums [rows][k/16]     int16  Σ qs over each run of 16
 * q4k   [rows][k]        int16  qs widened and reordered for KQuants.dotQ4K's vectors
 * q6k   [rows][k]        int16  qs widened and reordered for KQuants.dotQ6K's vectors
 * </pre>
 * The two reordered copies depend on the vector width ({@link VectorShape#LANES} = 8·U: a vector of 2·LANES
 * shorts covers U chunks of 32 values, one per 16 short lanes). Per block of 256, vector after vector:
 * <pre>
 * q4k [h = 0..4/U)[n = 0..3][2·LANES]  lane u·16 + s = qs[64j + 32·(n &amp; 1) + 2s + (n &gt;&gt; 1)], j = U·h + u
 *                                     (n: the nibble of a 16-bit weight lane: low/high of its low/high byte)
 * q6k [c = 0..8/U)[p = 0..1][2·LANES]  lane u·16 + s = qs[32(U·c + u) + 2s + p]   (even, then odd values)
 * </pre>
 */
public final class Q8KActivations {
    public static final int BLOCK = 256;

    final MemorySegment qs;
    final MemorySegment d;
    final MemorySegment bsums;
    final MemorySegment q4k;
    final MemorySegment q6k;
    final int maxRows;
    final int maxK;
    int k;          // row length of the current contents
    int rows = -1;  // rows quantized for the current input, -1 if none

    public Q8KActivations(Arena arena, int maxRows, int maxK) {
        this.maxRows = maxRows;
        this.maxK = maxK;
        this.qs = arena.allocate((long) maxRows * maxK, 64);
        this.d = arena.allocate((long) maxRows * Math.max(1, maxK / BLOCK) * 4, 64);
        this.bsums = arena.allocate((long) maxRows * Math.max(1, maxK / 16) * 2, 64);
        this.q4k = arena.allocate((long) maxRows * maxK * 2, 64);
        this.q6k = arena.allocate((long) maxRows * maxK * 2, 64);
    }

    /**
     * Quantizes rows {@code [0, rows)} of {@code x} ({@code [rows][k]} f32) as quantize_row_q8_K_ref does
     * (the pinned llama.cpp's quantize_row_q8_K on x86): per block, max = the value of largest magnitude
     * (first one on ties), iscale = -127/max, q = min(127, nearest_int(iscale·x)), d = 1/iscale.
     */
    public void quantize(MemorySegment x, int rows, int k) {
        if (rows > maxRows || k > maxK || k % BLOCK != 0) {
            throw new IllegalArgumentException("cannot quantize " + rows + "×" + k + " into a Q8_K buffer of "
                    + maxRows + "×" + maxK + " (rows must be a multiple of " + BLOCK + ")");
        }
        this.rows = rows;
        this.k = k;
        int blocks = k / BLOCK;
        for (int r = 0; r < rows; r++) {
            for (int b = 0; b < blocks; b++) {
                long e = (long) r * k + (long) b * BLOCK;   // element index of the block
                float max = 0f, amax = 0f;
                for (int j = 0; j < BLOCK; j++) {
                    float v = x.getAtIndex(ValueLayout.JAVA_FLOAT, e + j);
                    float av = Math.abs(v);
                    if (av > amax) {
                        amax = av;
                        max = v;
                    }
                }
                long blockIndex = (long) r * blocks + b;
                if (amax == 0f) {
                    d.setAtIndex(ValueLayout.JAVA_FLOAT, blockIndex, 0f);
                    for (int j = 0; j < BLOCK; j++) qs.set(ValueLayout.JAVA_BYTE, e + j, (byte) 0);
                    for (int j = 0; j < BLOCK / 16; j++) bsums.setAtIndex(ValueLayout.JAVA_SHORT, blockIndex * 16 + j, (short) 0);
                    continue;
                }
                float iscale = -127f / max;
                for (int j = 0; j < BLOCK; j++) {
                    int v = nearestInt(iscale * x.getAtIndex(ValueLayout.JAVA_FLOAT, e + j));
                    qs.set(ValueLayout.JAVA_BYTE, e + j, (byte) Math.min(127, v));
                }
                for (int j = 0; j < BLOCK / 16; j++) {
                    int sum = 0;
                    for (int i = 0; i < 16; i++) sum += qs.get(ValueLayout.JAVA_BYTE, e + 16L * j + i);
                    bsums.setAtIndex(ValueLayout.JAVA_SHORT, blockIndex * 16 + j, (short) sum);
                }
                d.setAtIndex(ValueLayout.JAVA_FLOAT, blockIndex, 1f / iscale);
            }
            for (int b = 0; b < blocks; b++) reorder((long) r * k + (long) b * BLOCK);
        }
    }

    /** The block at element {@code e} of qs into q4k and q6k (zeros included: an all-zero block reorders to zeros). */
    private void reorder(long e) {
        int units = VectorShape.LANES / 8, shorts = 2 * VectorShape.LANES;
        for (int i = 0; i < BLOCK; i++) {
            int lane = i % shorts, u = lane / 16, s = lane % 16, v = i / shorts;    // vector v of the block
            int n = v % 4, j = units * (v / 4) + u;
            q4k.setAtIndex(ValueLayout.JAVA_SHORT, e + i, qs.get(ValueLayout.JAVA_BYTE, e + 64 * j + 32 * (n & 1) + 2 * s + (n >> 1)));
            int p = v % 2, c = units * (v / 2) + u;
            q6k.setAtIndex(ValueLayout.JAVA_SHORT, e + i, qs.get(ValueLayout.JAVA_BYTE, e + 32 * c + 2 * s + p));
        }
    }

    /** ggml's nearest_int: round half to even through the float adder (|v| ≤ 2^22). */
    static int nearestInt(float v) {
        return (Float.floatToRawIntBits(v + 12582912f) & 0x007fffff) - 0x00400000;
    }

    public int rows() { return rows; }

    public int k() { return k; }

    /** Forgets the contents: the next K-quant matmul quantizes its input again. */
    void invalidate() { rows = -1; }
}
