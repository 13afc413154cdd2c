package dev.pyramidkv.engine.kernels;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Activation rows quantized the way llama.cpp quantizes them before a quantized dot product: blocks of 32
 * with a scale {@code d} (rounded through f16) and int8 values; Q8_1 also keeps {@code s = d·Σq} (f16).
 * Layout, all off-heap and sized once: {@code qs [rows][k] int8}, {@code d [rows][k/32] f32}, {@code s [rows][k/32] f32}.
 */
public final class Q8Activations {
    public static final int BLOCK = 32;

    final MemorySegment qs;
    final MemorySegment d;
    final MemorySegment s;
    final int maxRows;
    final int maxK;
    int k;          // row length of the current contents
    int rows;

    public Q8Activations(Arena arena, int maxRows, int maxK) {
        this.maxRows = maxRows;
        this.maxK = maxK;
        this.qs = arena.allocate((long) maxRows * maxK, 64);
        this.d = arena.allocate((long) maxRows * (maxK / BLOCK) * 4, 64);
        this.s = arena.allocate((long) maxRows * (maxK / BLOCK) * 4, 64);
    }

    /**
     * Quantizes rows {@code [0, rows)} of {@code x} ({@code [rows][k]} f32). As ggml's AVX2 path:
     * d = amax/127, q = round-half-even(x·127/amax), s = d·Σq.
     */
    public void quantize(MemorySegment x, int rows, int k) {
        if (rows > maxRows || k > maxK || k % BLOCK != 0) {
            throw new IllegalArgumentException("cannot quantize " + rows + "×" + k + " into a " + maxRows + "×" + maxK + " buffer");
        }
        this.rows = rows;
        this.k = k;
        int blocks = k / BLOCK;
        for (int r = 0; r < rows; r++) {
            long xRow = (long) r * k * 4;
            long qRow = (long) r * k;
            for (int b = 0; b < blocks; b++) {
                long xo = xRow + (long) b * BLOCK * 4;
                float amax = 0f;
                for (int j = 0; j < BLOCK; j++) amax = Math.max(amax, Math.abs(x.get(ValueLayout.JAVA_FLOAT, xo + 4L * j)));
                float dd = amax / 127f;
                float id = amax != 0f ? 127f / amax : 0f;
                int sum = 0;
                long qo = qRow + (long) b * BLOCK;
                for (int j = 0; j < BLOCK; j++) {
                    int q = (int) Math.rint(x.get(ValueLayout.JAVA_FLOAT, xo + 4L * j) * id);
                    qs.set(ValueLayout.JAVA_BYTE, qo + j, (byte) q);
                    sum += q;
                }
                long so = ((long) r * blocks + b) * 4;
                d.set(ValueLayout.JAVA_FLOAT, so, Fp16.round(dd));
                s.set(ValueLayout.JAVA_FLOAT, so, Fp16.round(dd * sum));
            }
        }
    }

    public int rows() { return rows; }

    public int k() { return k; }
}
