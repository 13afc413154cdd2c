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
import static jdk.incubator.vector.VectorOperators.FMA;
import static jdk.incubator.vector.VectorOperators.I2F;
import static jdk.incubator.vector.VectorOperators.LSHL;
import static jdk.incubator.vector.VectorOperators.LSHR;
import static jdk.incubator.vector.VectorOperators.S2I;

/**
 * {@code out[n] = Σ_k W[n][k]·x[k]} for one activation row and a {@link PackedMatrix}, over row groups
 * {@code [g0, g1)}, bit for bit as {@link Dot} (and ggml's AVX2 vec_dot) computes each row: per block of 32,
 * the integer sums of 4 consecutive products ("quads") form 8 lanes, {@code acc_l = fma(quad_l, dw·dx, acc_l)}
 * over the blocks in order, then hsum_float_8 of the 8 accumulators, plus for Q4_1 the chain
 * {@code mins = fma(m, s, mins)}. Here a vector lane is a row: the 8 accumulators are 8 vectors of one group's
 * rows ({@link VectorShape#LANES}: 16 or 8), kept in registers over all blocks of a group, so the bits do not
 * depend on the vector width.
 * <p>
 * Each chunk (one vector) of a group's quants is multiplied by int broadcasts of activation pairs ({@code q16},
 * int16): a short lane holds one product (≤ 128·127) or the sum of two, then each int lane adds its two
 * halves (lanes 2i, 2i+1 → row i), which is a quad. Nothing allocates. The code calls no helper that takes or
 * returns vectors, and only Vector API methods that the concrete vector classes bind (e.g. {@code lanewise(FMA,
 * …)}, {@code reinterpretShape}, not {@code fma} or {@code reinterpretAsInts}): those dispatch inside JDK code
 * whose type profile every vector shape of the process shares, and C2 then compiles virtual calls that box.
 */
public final class Gemv {
    private Gemv() {}

    static final VectorSpecies<Short> SL = VectorShape.S_LANES;   // one f16 scale per row of the group
    static final VectorSpecies<Short> S = VectorShape.S;
    static final VectorSpecies<Integer> I = VectorShape.I;
    static final VectorSpecies<Float> F = VectorShape.F;
    static final int CHUNK = PackedMatrix.CHUNK;                   // bytes of one vector of quants
    static final int SCALES = 2 * PackedMatrix.GROUP;              // bytes of one f16 field of a group
    static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    static final int HALF_BITS = 0x8FFFE000;   // sign, exponent and mantissa of a sign-extended f16 shifted left by 13
    static final float HALF_SCALE = 0x1p112f;  // f16 exponent bias 15 → f32 bias 127

    /** Bytes of scratch one thread needs, whatever the row length: a group's results on their way to {@code out}. */
    public static final long SCRATCH_BYTES = 64;

    /** Groups [g0, g1) of {@code out = w · x}, x being activation row 0 of {@code a}. */
    public static void apply(PackedMatrix w, Q8Activations a, MemorySegment out, int g0, int g1, MemorySegment scratch) {
        apply(w, a, 0, out, 0, g0, g1, scratch);
    }

    /** Groups [g0, g1) of {@code out[outOff..] = w · x}, x being activation row {@code r} of {@code a}. */
    public static void apply(PackedMatrix w, Q8Activations a, int r, MemorySegment out, long outOff, int g0, int g1, MemorySegment scratch) {
        boolean q8 = w.type == GgmlType.Q8_0;
        long xRow = 2L * r * a.k, sRow = 4L * r * (a.k / Q8Activations.BLOCK);
        for (int g = g0; g < g1; g++) {
            if (q8) q8_0Group(w, g, a, xRow, sRow, scratch);
            else q4_1Group(w, g, a, xRow, sRow, scratch);
            copyRows(scratch, out, outOff, g, w.rows);
        }
    }

    /**
     * Q4_1 group g: chunk c holds nibbles q[8c+2n+j] (n = 0..3) of row i in lane 2i+j, multiplied by the pair
     * (q8[8c+2n], q8[8c+2n+1]); nibbles 0, 1 make quad 2c (elements 8c..8c+3), 2, 3 quad 2c+1. A block's 4 chunks
     * give its 8 quads, each fused into its accumulator with the block's scale d·d8; then mins += m·s8.
     * (Q4_1 and Q8_0 have a method each: C2 compiles each whole, with every vector in registers.)
     */
    static void q4_1Group(PackedMatrix w, int g, Q8Activations a, long xRow, long sRow, MemorySegment scratch) {
        MemorySegment data = w.data, x = a.q16;
        ShortVector nibble = ShortVector.broadcast(S, (short) 0xF);
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0, mins = a0;
        long o = (long) g * w.blocks * 4 * CHUNK;
        long so = w.scalesAt + (long) g * w.blocks * 2 * SCALES;
        for (int b = 0; b < w.blocks; b++, so += 2 * SCALES) {
            FloatVector dd = ((IntVector) ShortVector.fromMemorySegment(SL, data, so, LE).convertShape(S2I, I, 0))
                    .lanewise(LSHL, 13).and(HALF_BITS).viewAsFloatingLanes().mul(HALF_SCALE).mul(a.d.get(ValueLayout.JAVA_FLOAT_UNALIGNED, sRow + 4L * b));
            FloatVector m = ((IntVector) ShortVector.fromMemorySegment(SL, data, so + SCALES, LE).convertShape(S2I, I, 0))
                    .lanewise(LSHL, 13).and(HALF_BITS).viewAsFloatingLanes().mul(HALF_SCALE);
            long xo = xRow + 64L * b;
            for (int k = 0; k < 4; k++, o += CHUNK, xo += 16) {
                ShortVector x0 = (ShortVector) IntVector.broadcast(I, x.get(ValueLayout.JAVA_INT_UNALIGNED, xo)).reinterpretShape(S, 0);
                ShortVector x1 = (ShortVector) IntVector.broadcast(I, x.get(ValueLayout.JAVA_INT_UNALIGNED, xo + 4)).reinterpretShape(S, 0);
                ShortVector x2 = (ShortVector) IntVector.broadcast(I, x.get(ValueLayout.JAVA_INT_UNALIGNED, xo + 8)).reinterpretShape(S, 0);
                ShortVector x3 = (ShortVector) IntVector.broadcast(I, x.get(ValueLayout.JAVA_INT_UNALIGNED, xo + 12)).reinterpretShape(S, 0);
                ShortVector v = ShortVector.fromMemorySegment(S, data, o, LE);
                IntVector lo = (IntVector) v.and(nibble).mul(x0).add(v.lanewise(LSHR, 4).and(nibble).mul(x1)).reinterpretShape(I, 0);
                IntVector hi = (IntVector) v.lanewise(LSHR, 8).and(nibble).mul(x2).add(v.lanewise(LSHR, 12).mul(x3)).reinterpretShape(I, 0);
                // int lane halves added: the high half of L + (L << 16) is their sum mod 2^16, exact as 4 products
                // of a nibble and a q8 stay within ±7620
                FloatVector qlo = (FloatVector) lo.add(lo.lanewise(LSHL, 16)).lanewise(ASHR, 16).convertShape(I2F, F, 0);
                FloatVector qhi = (FloatVector) hi.add(hi.lanewise(LSHL, 16)).lanewise(ASHR, 16).convertShape(I2F, F, 0);
                switch (k) {
                    case 0 -> { a0 = qlo.lanewise(FMA, dd, a0); a1 = qhi.lanewise(FMA, dd, a1); }
                    case 1 -> { a2 = qlo.lanewise(FMA, dd, a2); a3 = qhi.lanewise(FMA, dd, a3); }
                    case 2 -> { a4 = qlo.lanewise(FMA, dd, a4); a5 = qhi.lanewise(FMA, dd, a5); }
                    default -> { a6 = qlo.lanewise(FMA, dd, a6); a7 = qhi.lanewise(FMA, dd, a7); }
                }
            }
            mins = m.lanewise(FMA, FloatVector.broadcast(F, a.s.get(ValueLayout.JAVA_FLOAT_UNALIGNED, sRow + 4L * b)), mins);
        }
        a0.add(a4).add(a2.add(a6)).add(a1.add(a5).add(a3.add(a7))).add(mins).intoMemorySegment(scratch, 0, LE);
    }

    /**
     * Q8_0 group g, as {@link #q4_1Group} without mins: chunk c holds q[4c+j] (low byte) and q[4c+2+j] (high byte)
     * of row i in lane 2i+j, one quad per chunk; |lo·x + hi·x'| ≤ 2·128·127 &lt; 2^15.
     */
    static void q8_0Group(PackedMatrix w, int g, Q8Activations a, long xRow, long sRow, MemorySegment scratch) {
        MemorySegment data = w.data, x = a.q16;
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
        long o = (long) g * w.blocks * 8 * CHUNK;
        long so = w.scalesAt + (long) g * w.blocks * SCALES;
        for (int b = 0; b < w.blocks; b++, so += SCALES) {
            FloatVector dd = ((IntVector) ShortVector.fromMemorySegment(SL, data, so, LE).convertShape(S2I, I, 0))
                    .lanewise(LSHL, 13).and(HALF_BITS).viewAsFloatingLanes().mul(HALF_SCALE).mul(a.d.get(ValueLayout.JAVA_FLOAT_UNALIGNED, sRow + 4L * b));
            long xo = xRow + 64L * b;
            for (int k = 0; k < 8; k++, o += CHUNK, xo += 8) {
                ShortVector x0 = (ShortVector) IntVector.broadcast(I, x.get(ValueLayout.JAVA_INT_UNALIGNED, xo)).reinterpretShape(S, 0);
                ShortVector x1 = (ShortVector) IntVector.broadcast(I, x.get(ValueLayout.JAVA_INT_UNALIGNED, xo + 4)).reinterpretShape(S, 0);
                ShortVector v = ShortVector.fromMemorySegment(S, data, o, LE);
                ShortVector lo = v.lanewise(LSHL, 8).lanewise(ASHR, 8);
                ShortVector hi = v.lanewise(ASHR, 8);
                IntVector pairs = (IntVector) lo.mul(x0).add(hi.mul(x1)).reinterpretShape(I, 0);
                FloatVector q = (FloatVector) pairs.lanewise(LSHL, 16).lanewise(ASHR, 16).add(pairs.lanewise(ASHR, 16)).convertShape(I2F, F, 0);
                switch (k) {
                    case 0 -> a0 = q.lanewise(FMA, dd, a0);
                    case 1 -> a1 = q.lanewise(FMA, dd, a1);
                    case 2 -> a2 = q.lanewise(FMA, dd, a2);
                    case 3 -> a3 = q.lanewise(FMA, dd, a3);
                    case 4 -> a4 = q.lanewise(FMA, dd, a4);
                    case 5 -> a5 = q.lanewise(FMA, dd, a5);
                    case 6 -> a6 = q.lanewise(FMA, dd, a6);
                    default -> a7 = q.lanewise(FMA, dd, a7);
                }
            }
        }
        a0.add(a4).add(a2.add(a6)).add(a1.add(a5).add(a3.add(a7))).intoMemorySegment(scratch, 0, LE);
    }

    /** The group's results, left at the start of scratch, into out[outOff + 4·G·g ...], padding rows (≥ n) skipped. */
    private static void copyRows(MemorySegment scratch, MemorySegment out, long outOff, int g, int n) {
        long row = (long) PackedMatrix.GROUP * g;
        int count = (int) Math.min(PackedMatrix.GROUP, n - row);
        MemorySegment.copy(scratch, 0, out, outOff + 4 * row, 4L * count);
    }

    /** The f16 → f32 conversion the group methods spell out, for tests. */
    static FloatVector half(ShortVector h) {
        return ((IntVector) h.convertShape(S2I, I, 0)).lanewise(LSHL, 13).and(HALF_BITS).viewAsFloatingLanes().mul(HALF_SCALE);
    }
}
