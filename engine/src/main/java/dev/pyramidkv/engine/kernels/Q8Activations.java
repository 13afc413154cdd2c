package dev.pyramidkv.engine.kernels;

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

    static final VectorSpecies<Float> F512 = FloatVector.SPECIES_512;
    static final VectorSpecies<Short> S256 = ShortVector.SPECIES_256;
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
                FloatVector v0 = FloatVector.fromMemorySegment(F512, x, 4 * e, LE);
                FloatVector v1 = FloatVector.fromMemorySegment(F512, x, 4 * e + 64, LE);
                // max is exact and order-free, so the lane reduction is deterministic
                float amax = v0.abs().max(v1.abs()).reduceLanes(VectorOperators.MAX);
                float dd = amax / 127f;
                float id = amax != 0f ? 127f / amax : 0f;
                IntVector q0 = round(v0.mul(id));
                IntVector q1 = round(v1.mul(id));
                ShortVector s0 = (ShortVector) q0.convertShape(VectorOperators.I2S, S256, 0);
                ShortVector s1 = (ShortVector) q1.convertShape(VectorOperators.I2S, S256, 0);
                s0.intoMemorySegment(q16, 2 * e, LE);
                s1.intoMemorySegment(q16, 2 * e + 32, LE);
                q0.convertShape(VectorOperators.I2B, jdk.incubator.vector.ByteVector.SPECIES_128, 0).reinterpretAsBytes().intoMemorySegment(qs, e, LE);
                q1.convertShape(VectorOperators.I2B, jdk.incubator.vector.ByteVector.SPECIES_128, 0).reinterpretAsBytes().intoMemorySegment(qs, e + 16, LE);
                int total = q0.add(q1).reduceLanes(VectorOperators.ADD);   // exact integer sum
                long so = ((long) r * blocks + b) * 4;
                d.set(ValueLayout.JAVA_FLOAT, so, Fp16.round(dd));
                s.set(ValueLayout.JAVA_FLOAT, so, Fp16.round(dd * total));
            }
        }
    }

    /** round-half-even of lanes with |v| ≤ 2^22, as ints: the bits of v + 1.5·2^23 minus those of 1.5·2^23. */
    private static IntVector round(FloatVector v) {
        return v.add(ROUNDER).viewAsIntegralLanes().sub(ROUNDER_BITS);
    }

    public int rows() { return rows; }

    public int k() { return k; }
}
