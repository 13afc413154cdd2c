package dev.pyramidkv.engine.kernels;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Activation rows quantized the way llama.cpp quantizes them before a quantized dot product: blocks of 32
 * with a scale {@code d} (rounded through f16) and int8 values; Q8_1 also keeps {@code s = d·Σq} (f16).
 * Layout, all off-heap and sized once:
 * <pre>
 * qs  [rows][k]      int8   the quantized values (row kernels)
 * q16 [rows][k]      int16  the same values widened, for the packed GEMV's broadcasts
 * d   [rows][k/32]   f32    block scales, f16-rounded
 * s   [rows][k/32]   f32    d·Σq, f16-rounded (Q8_1)
 * </pre>
 */
public final class Q8Activations {
    public static final int BLOCK = 32;

    static final VectorSpecies<Float> F = VectorShape.F;
    static final VectorSpecies<Short> SL = VectorShape.S_LANES;
    static final VectorSpecies<Byte> BL = VectorShape.B_LANES;
    static final int L = VectorShape.LANES;
    static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    /** 1.5·2^23: adding it rounds a float of magnitude < 2^22 to an integer, half to even, in the low mantissa bits. */
    private static final float ROUNDER = 0x1.8p23f;
    private static final int ROUNDER_BITS = Float.floatToRawIntBits(ROUNDER);

    final MemorySegment qs;
    final MemorySegment q16;
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
        this.q16 = arena.allocate((long) maxRows * maxK * 2, 64);
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
            for (int b = 0; b < blocks; b++) {
                long e = (long) r * k + (long) b * BLOCK;            // element index of the block
                // max is exact and order-free, so the lane reduction is deterministic
                FloatVector max = FloatVector.zero(F);
                for (int i = 0; i < BLOCK; i += L) max = max.max(FloatVector.fromMemorySegment(F, x, 4 * (e + i), LE).abs());
                float amax = max.reduceLanes(VectorOperators.MAX);
                float dd = amax / 127f;
                float id = amax != 0f ? 127f / amax : 0f;
                IntVector sum = IntVector.zero(VectorShape.I);
                for (int i = 0; i < BLOCK; i += L) {
                    // round-half-even of |v| ≤ 127: the bits of v + 1.5·2^23 minus those of 1.5·2^23
                    IntVector q = FloatVector.fromMemorySegment(F, x, 4 * (e + i), LE).mul(id).add(ROUNDER).viewAsIntegralLanes().sub(ROUNDER_BITS);
                    ((ShortVector) q.convertShape(VectorOperators.I2S, SL, 0)).intoMemorySegment(q16, 2 * (e + i), LE);
                    ((ByteVector) q.convertShape(VectorOperators.I2B, BL, 0)).intoMemorySegment(qs, e + i, LE);
                    sum = sum.add(q);
                }
                int total = sum.reduceLanes(VectorOperators.ADD);   // exact integer sum
                long so = ((long) r * blocks + b) * 4;
                d.set(ValueLayout.JAVA_FLOAT, so, Fp16.round(dd));
                s.set(ValueLayout.JAVA_FLOAT, so, Fp16.round(dd * total));
            }
        }
    }

    public int rows() { return rows; }

    public int k() { return k; }
}
