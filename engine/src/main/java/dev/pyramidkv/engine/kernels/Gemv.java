package dev.pyramidkv.engine.kernels;

import dev.pyramidkv.engine.gguf.GgmlType;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

import static jdk.incubator.vector.VectorOperators.ASHR;
import static jdk.incubator.vector.VectorOperators.I2F;
import static jdk.incubator.vector.VectorOperators.LSHL;
import static jdk.incubator.vector.VectorOperators.LSHR;
import static jdk.incubator.vector.VectorOperators.S2I;

/**
 * {@code out[n] = Σ_k W[n][k]·x[k]} for one activation row and a {@link PackedMatrix}, over row groups
 * {@code [g0, g1)}. The arithmetic of {@link Dot}, per block: the integer sum Σ q_w·q_x (exact), times
 * d_w·d_x, accumulated in f32; Q4_1 adds m_w·s_x, Q4_0 uses q_w − 8. Each row sums its blocks in order.
 * <p>
 * Per group (16 rows) two passes, each a small method: C2 stops inlining once a compilation reaches
 * ~40,000 nodes (LiveNodeCountInliningCutoff), which a Vector API method does at ~50 vector calls, and a
 * call that is not inlined boxes its vectors. So {@code *Sums} writes the exact integer block sums of the
 * group's rows, as floats, to a per-thread {@code scratch [blocks][16] f32}; {@link #scale} applies the
 * scales. In the integer pass each 64-byte chunk is multiplied by int broadcasts of activation pairs
 * ({@code q16}, int16): products stay in 16-bit lanes while they cannot overflow (Q4: ≤ 16 products of
 * ≤ 15·127 per lane and block; Q8_0: 2 products of ≤ 128·127), then each int lane adds its two halves.
 * Nothing allocates; every sum has a fixed order.
 */
public final class Gemv {
    private Gemv() {}

    static final VectorSpecies<Short> S256 = ShortVector.SPECIES_256;
    static final VectorSpecies<Short> S512 = ShortVector.SPECIES_512;
    static final VectorSpecies<Integer> I512 = IntVector.SPECIES_512;
    static final VectorSpecies<Float> F512 = FloatVector.SPECIES_512;
    static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    static final int HALF_BITS = 0x8FFFE000;   // sign, exponent and mantissa of a sign-extended f16 shifted left by 13
    static final float HALF_SCALE = 0x1p112f;  // f16 exponent bias 15 → f32 bias 127

    /** Bytes of scratch one thread needs for rows of {@code k} elements. */
    public static long scratchBytes(int k) {
        return 64L * (k / PackedMatrix.QK);
    }

    /** Groups [g0, g1) of {@code out = w · x}, x being activation row 0 of {@code a}. */
    public static void apply(PackedMatrix w, Q8Activations a, MemorySegment out, int g0, int g1, MemorySegment scratch) {
        boolean q8 = w.type == GgmlType.Q8_0, min = w.type == GgmlType.Q4_1, offset8 = w.type == GgmlType.Q4_0;
        for (int g = g0; g < g1; g++) {
            if (q8) q8Sums(w, g, a, scratch);
            else q4Sums(w, g, a, scratch, offset8);
            scale(w, g, a, scratch, min, out);
        }
    }

    /**
     * Σ q·q8 of the 16 rows of group g, per block, into scratch[b][16] as floats (exact). Chunk c holds
     * nibbles q[8c+2n+j] (n = 0..3) of row i in lane 2i+j, multiplied by the pair (q8[8c+2n], q8[8c+2n+1]).
     * Q4_0 ({@code offset8}) subtracts 8·Σq8: Σ (q−8)·q8.
     */
    static void q4Sums(PackedMatrix w, int g, Q8Activations a, MemorySegment scratch, boolean offset8) {
        MemorySegment data = w.data, x = a.q16;
        ShortVector nibble = ShortVector.broadcast(S512, (short) 0xF);
        long o = (long) g * w.blocks * 4 * 64;
        for (int b = 0; b < w.blocks; b++) {
            ShortVector acc = ShortVector.zero(S512);      // ≤ 16 products of ≤ 15·127 per lane
            for (int c = 0; c < 4; c++, o += 64) {
                long xo = 64L * b + 16L * c;               // bytes of q8[32b + 8c]
                ShortVector v = ShortVector.fromMemorySegment(S512, data, o, LE);
                acc = acc.add(v.and(nibble).mul(pair(x, xo)))
                         .add(v.lanewise(LSHR, 4).and(nibble).mul(pair(x, xo + 4)))
                         .add(v.lanewise(LSHR, 8).and(nibble).mul(pair(x, xo + 8)))
                         .add(v.lanewise(LSHR, 12).mul(pair(x, xo + 12)));
            }
            IntVector sum = rowSums(acc.reinterpretAsInts());
            if (offset8) sum = sum.sub(8 * a.sum.get(ValueLayout.JAVA_INT, 4L * b));
            sum.convertShape(I2F, F512, 0).intoMemorySegment(scratch, 64L * b, LE);
        }
    }

    /**
     * Σ q·q8 of group g's rows for Q8_0. Chunk c holds q[4c+j] (low byte) and q[4c+2+j] (high byte) of row i
     * in lane 2i+j; a product pair fits a short, so each chunk widens to ints.
     */
    static void q8Sums(PackedMatrix w, int g, Q8Activations a, MemorySegment scratch) {
        MemorySegment data = w.data, x = a.q16;
        long o = (long) g * w.blocks * 8 * 64;
        for (int b = 0; b < w.blocks; b++) {
            IntVector sum = IntVector.zero(I512);
            for (int c = 0; c < 8; c++, o += 64) {
                long xo = 64L * b + 8L * c;                // bytes of q8[32b + 4c]
                ShortVector v = ShortVector.fromMemorySegment(S512, data, o, LE);
                ShortVector lo = v.lanewise(LSHL, 8).lanewise(ASHR, 8);       // sign-extended low bytes
                ShortVector hi = v.lanewise(ASHR, 8);
                // |lo·x + hi·x'| ≤ 2·128·127 < 2^15
                sum = sum.add(rowSums(lo.mul(pair(x, xo)).add(hi.mul(pair(x, xo + 4))).reinterpretAsInts()));
            }
            sum.convertShape(I2F, F512, 0).intoMemorySegment(scratch, 64L * b, LE);
        }
    }

    /** out[16g + i] = Σ_b sums[b][i]·(d[b][i]·d8[b]) (+ m[b][i]·s8[b] when {@code min}), in block order. */
    static void scale(PackedMatrix w, int g, Q8Activations a, MemorySegment scratch, boolean min, MemorySegment out) {
        MemorySegment data = w.data;
        long o = w.scalesAt + (long) g * w.blocks * w.fields * 32;
        FloatVector acc = FloatVector.zero(F512);
        for (int b = 0; b < w.blocks; b++, o += 32L * w.fields) {
            FloatVector sum = FloatVector.fromMemorySegment(F512, scratch, 64L * b, LE);
            FloatVector d = half(ShortVector.fromMemorySegment(S256, data, o, LE));
            acc = sum.fma(d.mul(a.d.get(ValueLayout.JAVA_FLOAT, 4L * b)), acc);
            if (min) {
                FloatVector m = half(ShortVector.fromMemorySegment(S256, data, o + 32, LE));
                acc = m.fma(FloatVector.broadcast(F512, a.s.get(ValueLayout.JAVA_FLOAT, 4L * b)), acc);
            }
        }
        long row = (long) PackedMatrix.GROUP * g;
        if (row + PackedMatrix.GROUP <= w.rows) acc.intoMemorySegment(out, 4 * row, LE);
        else acc.intoMemorySegment(out, 4 * row, LE, F512.indexInRange(row, w.rows));   // padding rows are not written
    }

    /** The int pair at byte {@code off} of {@code x}, broadcast: short lanes alternate x[e], x[e+1]. */
    private static ShortVector pair(MemorySegment x, long off) {
        return IntVector.broadcast(I512, x.get(ValueLayout.JAVA_INT, off)).reinterpretAsShorts();
    }

    /** Each int lane's two 16-bit halves, sign-extended and added: lanes 2i, 2i+1 → row i. */
    private static IntVector rowSums(IntVector v) {
        return v.lanewise(LSHL, 16).lanewise(ASHR, 16).add(v.lanewise(ASHR, 16));
    }

    /**
     * f16 → f32, finite values: the sign-extended half shifted left by 13 has the sign in bit 31 and
     * exponent·mantissa in bits 13..27; times 2^112 rebiases the exponent (exact, subnormals included).
     */
    static FloatVector half(ShortVector h) {
        return ((IntVector) h.convertShape(S2I, I512, 0)).lanewise(LSHL, 13).and(HALF_BITS).reinterpretAsFloats().mul(HALF_SCALE);
    }
}
