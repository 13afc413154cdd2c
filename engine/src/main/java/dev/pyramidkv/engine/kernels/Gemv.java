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
 * {@code mins = fma(m, s, mins)}. Here a vector lane is a row: the 8 accumulators are 8 vectors of 16 rows.
 * <p>
 * Per group (16 rows) two passes, each a small method: C2 stops inlining once a compilation reaches
 * ~40,000 nodes (LiveNodeCountInliningCutoff), which a Vector API method does at ~50 vector calls, and a
 * call that is not inlined boxes its vectors. So {@code *Quads} writes the exact integer quad sums of the
 * group's rows, as floats, to a per-thread {@code scratch [16 blocks][8][16] f32} (a tile of blocks at a
 * time, so it stays in L1); {@code scale*} applies the scales, keeping its accumulators in scratch between
 * tiles. In the integer pass each 64-byte chunk is multiplied by int broadcasts of activation pairs
 * ({@code q16}, int16): a short lane holds one product (≤ 128·127) or the sum of two, then each int lane
 * adds its two halves (lanes 2i, 2i+1 → row i). Nothing allocates; to keep it so, the loops call no helper
 * that takes or returns vectors (C2 may compile such a helper on its own, into a large non-intrinsic body that it
 * then refuses to inline, and every call boxes its vectors).
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
    private static final long QUADS = 8 * 64;  // scratch bytes per block: 8 quads × 16 rows f32
    /** Blocks per pass: the quads of a tile (8 KB) stay in L1 beside the streaming weights. */
    private static final int TILE = 16;
    private static final long ACC = TILE * QUADS;   // scratch offset of the 9 accumulators kept between tiles

    /** Bytes of scratch one thread needs for rows of {@code k} elements: a tile of quads, then the accumulators. */
    public static long scratchBytes(int k) {
        return ACC + 9 * 64;
    }

    /** Groups [g0, g1) of {@code out = w · x}, x being activation row 0 of {@code a}. */
    public static void apply(PackedMatrix w, Q8Activations a, MemorySegment out, int g0, int g1, MemorySegment scratch) {
        boolean q8 = w.type == GgmlType.Q8_0;
        for (int g = g0; g < g1; g++) {
            for (int b0 = 0; b0 < w.blocks; b0 += TILE) {
                int b1 = Math.min(w.blocks, b0 + TILE);
                if (q8) {
                    q8Quads(w, g, b0, b1, a, scratch);
                    scaleQ8_0(w, g, b0, b1, a, scratch, out);
                } else {
                    q4Quads(w, g, b0, b1, a, scratch);
                    scaleQ4_1(w, g, b0, b1, a, scratch, out);
                }
            }
        }
    }

    /**
     * The quads of Q4_1 group g: chunk c holds nibbles q[8c+2n+j] (n = 0..3) of row i in lane 2i+j, multiplied
     * by the pair (q8[8c+2n], q8[8c+2n+1]); nibbles 0, 1 make quad 2c (elements 8c..8c+3), 2, 3 quad 2c+1.
     */
    static void q4Quads(PackedMatrix w, int g, int b0, int b1, Q8Activations a, MemorySegment scratch) {
        MemorySegment data = w.data, x = a.q16;
        ShortVector nibble = ShortVector.broadcast(S512, (short) 0xF);
        long o = ((long) g * w.blocks + b0) * 4 * 64;
        long quad = 0;
        for (int c = 4 * b0; c < 4 * b1; c++, o += 64, quad += 128) {
            long xo = 16L * c;                             // bytes of q8[8c] (the chunks of a block follow its elements)
            // int broadcasts of activation pairs: short lanes alternate q8[e], q8[e+1] (an aligned int; _UNALIGNED skips the check)
            ShortVector x0 = (ShortVector) IntVector.broadcast(I512, x.get(ValueLayout.JAVA_INT_UNALIGNED, xo)).reinterpretShape(S512, 0);
            ShortVector x1 = (ShortVector) IntVector.broadcast(I512, x.get(ValueLayout.JAVA_INT_UNALIGNED, xo + 4)).reinterpretShape(S512, 0);
            ShortVector x2 = (ShortVector) IntVector.broadcast(I512, x.get(ValueLayout.JAVA_INT_UNALIGNED, xo + 8)).reinterpretShape(S512, 0);
            ShortVector x3 = (ShortVector) IntVector.broadcast(I512, x.get(ValueLayout.JAVA_INT_UNALIGNED, xo + 12)).reinterpretShape(S512, 0);
            ShortVector v = ShortVector.fromMemorySegment(S512, data, o, LE);
            IntVector lo = (IntVector) v.and(nibble).mul(x0).add(v.lanewise(LSHR, 4).and(nibble).mul(x1)).reinterpretShape(I512, 0);
            IntVector hi = (IntVector) v.lanewise(LSHR, 8).and(nibble).mul(x2).add(v.lanewise(LSHR, 12).mul(x3)).reinterpretShape(I512, 0);
            // each int lane's two halves added (lanes 2i, 2i+1 → row i): the high half of L + (L << 16) is their sum
            // mod 2^16, exact here since 4 products of a nibble and a q8 stay within ±7620
            lo.add(lo.lanewise(LSHL, 16)).lanewise(ASHR, 16).convertShape(I2F, F512, 0).intoMemorySegment(scratch, quad, LE);
            hi.add(hi.lanewise(LSHL, 16)).lanewise(ASHR, 16).convertShape(I2F, F512, 0).intoMemorySegment(scratch, quad + 64, LE);
        }
    }

    /** The quads of Q8_0 group g: chunk c holds q[4c+j] (low byte) and q[4c+2+j] (high byte) of row i in lane 2i+j. */
    static void q8Quads(PackedMatrix w, int g, int b0, int b1, Q8Activations a, MemorySegment scratch) {
        MemorySegment data = w.data, x = a.q16;
        long o = ((long) g * w.blocks + b0) * 8 * 64;
        long quad = 0;
        for (int c = 8 * b0; c < 8 * b1; c++, o += 64, quad += 64) {
            long xo = 8L * c;                              // bytes of q8[4c]
            ShortVector x0 = (ShortVector) IntVector.broadcast(I512, x.get(ValueLayout.JAVA_INT_UNALIGNED, xo)).reinterpretShape(S512, 0);
            ShortVector x1 = (ShortVector) IntVector.broadcast(I512, x.get(ValueLayout.JAVA_INT_UNALIGNED, xo + 4)).reinterpretShape(S512, 0);
            ShortVector v = ShortVector.fromMemorySegment(S512, data, o, LE);
            ShortVector lo = v.lanewise(LSHL, 8).lanewise(ASHR, 8);       // sign-extended low bytes
            ShortVector hi = v.lanewise(ASHR, 8);
            // |lo·x + hi·x'| ≤ 2·128·127 < 2^15
            IntVector pairs = (IntVector) lo.mul(x0).add(hi.mul(x1)).reinterpretShape(I512, 0);
            pairs.lanewise(LSHL, 16).lanewise(ASHR, 16).add(pairs.lanewise(ASHR, 16)).convertShape(I2F, F512, 0).intoMemorySegment(scratch, quad, LE);
        }
    }

    /**
     * out[16g + i] = hsum8(acc_0..7) + mins, acc_l = Σ_b fma(quad[b][l], d[b]·d8[b], acc_l) and
     * mins = Σ_b fma(m[b], s8[b], mins) in block order, as ggml_vec_dot_q4_1_q8_1. (Q4_1 and Q8_0 have a
     * method each: one with both paths grows past what C2 compiles whole after its profile changes.)
     */
    static void scaleQ4_1(PackedMatrix w, int g, int b0, int b1, Q8Activations a, MemorySegment scratch, MemorySegment out) {
        MemorySegment data = w.data;
        long o = w.scalesAt + ((long) g * w.blocks + b0) * 64;
        if (b0 == 0) clearAccumulators(scratch);
        FloatVector a0 = FloatVector.fromMemorySegment(F512, scratch, ACC, LE), a1 = FloatVector.fromMemorySegment(F512, scratch, ACC + 64, LE);
        FloatVector a2 = FloatVector.fromMemorySegment(F512, scratch, ACC + 128, LE), a3 = FloatVector.fromMemorySegment(F512, scratch, ACC + 192, LE);
        FloatVector a4 = FloatVector.fromMemorySegment(F512, scratch, ACC + 256, LE), a5 = FloatVector.fromMemorySegment(F512, scratch, ACC + 320, LE);
        FloatVector a6 = FloatVector.fromMemorySegment(F512, scratch, ACC + 384, LE), a7 = FloatVector.fromMemorySegment(F512, scratch, ACC + 448, LE);
        FloatVector mins = FloatVector.fromMemorySegment(F512, scratch, ACC + 512, LE);
        long q = 0;
        for (int b = b0; b < b1; b++, o += 64, q += QUADS) {
            // f16 → f32 (finite): the sign-extended half shifted left by 13 has the sign in bit 31 and exponent and
            // mantissa in bits 13..27; times 2^112 rebiases the exponent (exact, subnormals included)
            FloatVector dd = ((IntVector) ShortVector.fromMemorySegment(S256, data, o, LE).convertShape(S2I, I512, 0))
                    .lanewise(LSHL, 13).and(HALF_BITS).viewAsFloatingLanes().mul(HALF_SCALE).mul(a.d.get(ValueLayout.JAVA_FLOAT_UNALIGNED, 4L * b));
            FloatVector m = ((IntVector) ShortVector.fromMemorySegment(S256, data, o + 32, LE).convertShape(S2I, I512, 0))
                    .lanewise(LSHL, 13).and(HALF_BITS).viewAsFloatingLanes().mul(HALF_SCALE);
            a0 = FloatVector.fromMemorySegment(F512, scratch, q, LE).lanewise(FMA, dd, a0);
            a1 = FloatVector.fromMemorySegment(F512, scratch, q + 64, LE).lanewise(FMA, dd, a1);
            a2 = FloatVector.fromMemorySegment(F512, scratch, q + 128, LE).lanewise(FMA, dd, a2);
            a3 = FloatVector.fromMemorySegment(F512, scratch, q + 192, LE).lanewise(FMA, dd, a3);
            a4 = FloatVector.fromMemorySegment(F512, scratch, q + 256, LE).lanewise(FMA, dd, a4);
            a5 = FloatVector.fromMemorySegment(F512, scratch, q + 320, LE).lanewise(FMA, dd, a5);
            a6 = FloatVector.fromMemorySegment(F512, scratch, q + 384, LE).lanewise(FMA, dd, a6);
            a7 = FloatVector.fromMemorySegment(F512, scratch, q + 448, LE).lanewise(FMA, dd, a7);
            mins = m.lanewise(FMA, FloatVector.broadcast(F512, a.s.get(ValueLayout.JAVA_FLOAT_UNALIGNED, 4L * b)), mins);
        }
        if (b1 < w.blocks) {              // more tiles: keep the accumulators
            a0.intoMemorySegment(scratch, ACC, LE);
            a1.intoMemorySegment(scratch, ACC + 64, LE);
            a2.intoMemorySegment(scratch, ACC + 128, LE);
            a3.intoMemorySegment(scratch, ACC + 192, LE);
            a4.intoMemorySegment(scratch, ACC + 256, LE);
            a5.intoMemorySegment(scratch, ACC + 320, LE);
            a6.intoMemorySegment(scratch, ACC + 384, LE);
            a7.intoMemorySegment(scratch, ACC + 448, LE);
            mins.intoMemorySegment(scratch, ACC + 512, LE);
            return;
        }
        // hsum_float_8: t_l = a_l + a_(l+4), then (t0 + t2) + (t1 + t3)
        a0.add(a4).add(a2.add(a6)).add(a1.add(a5).add(a3.add(a7))).add(mins).intoMemorySegment(scratch, 0, LE);
        copyRows(scratch, out, g, w.rows);
    }

    /** As {@link #scaleQ4_1} without mins: ggml_vec_dot_q8_0_q8_0. */
    static void scaleQ8_0(PackedMatrix w, int g, int b0, int b1, Q8Activations a, MemorySegment scratch, MemorySegment out) {
        MemorySegment data = w.data;
        long o = w.scalesAt + ((long) g * w.blocks + b0) * 32;
        if (b0 == 0) clearAccumulators(scratch);
        FloatVector a0 = FloatVector.fromMemorySegment(F512, scratch, ACC, LE), a1 = FloatVector.fromMemorySegment(F512, scratch, ACC + 64, LE);
        FloatVector a2 = FloatVector.fromMemorySegment(F512, scratch, ACC + 128, LE), a3 = FloatVector.fromMemorySegment(F512, scratch, ACC + 192, LE);
        FloatVector a4 = FloatVector.fromMemorySegment(F512, scratch, ACC + 256, LE), a5 = FloatVector.fromMemorySegment(F512, scratch, ACC + 320, LE);
        FloatVector a6 = FloatVector.fromMemorySegment(F512, scratch, ACC + 384, LE), a7 = FloatVector.fromMemorySegment(F512, scratch, ACC + 448, LE);
        long q = 0;
        for (int b = b0; b < b1; b++, o += 32, q += QUADS) {
            FloatVector dd = ((IntVector) ShortVector.fromMemorySegment(S256, data, o, LE).convertShape(S2I, I512, 0))
                    .lanewise(LSHL, 13).and(HALF_BITS).viewAsFloatingLanes().mul(HALF_SCALE).mul(a.d.get(ValueLayout.JAVA_FLOAT_UNALIGNED, 4L * b));
            a0 = FloatVector.fromMemorySegment(F512, scratch, q, LE).lanewise(FMA, dd, a0);
            a1 = FloatVector.fromMemorySegment(F512, scratch, q + 64, LE).lanewise(FMA, dd, a1);
            a2 = FloatVector.fromMemorySegment(F512, scratch, q + 128, LE).lanewise(FMA, dd, a2);
            a3 = FloatVector.fromMemorySegment(F512, scratch, q + 192, LE).lanewise(FMA, dd, a3);
            a4 = FloatVector.fromMemorySegment(F512, scratch, q + 256, LE).lanewise(FMA, dd, a4);
            a5 = FloatVector.fromMemorySegment(F512, scratch, q + 320, LE).lanewise(FMA, dd, a5);
            a6 = FloatVector.fromMemorySegment(F512, scratch, q + 384, LE).lanewise(FMA, dd, a6);
            a7 = FloatVector.fromMemorySegment(F512, scratch, q + 448, LE).lanewise(FMA, dd, a7);
        }
        if (b1 < w.blocks) {
            a0.intoMemorySegment(scratch, ACC, LE);
            a1.intoMemorySegment(scratch, ACC + 64, LE);
            a2.intoMemorySegment(scratch, ACC + 128, LE);
            a3.intoMemorySegment(scratch, ACC + 192, LE);
            a4.intoMemorySegment(scratch, ACC + 256, LE);
            a5.intoMemorySegment(scratch, ACC + 320, LE);
            a6.intoMemorySegment(scratch, ACC + 384, LE);
            a7.intoMemorySegment(scratch, ACC + 448, LE);
            return;
        }
        a0.add(a4).add(a2.add(a6)).add(a1.add(a5).add(a3.add(a7))).intoMemorySegment(scratch, 0, LE);
        copyRows(scratch, out, g, w.rows);
    }

    /** Zero accumulators (and mins) before a group's first tile. */
    private static void clearAccumulators(MemorySegment scratch) {
        for (long off = ACC; off < ACC + 9 * 64; off += 4) scratch.set(ValueLayout.JAVA_FLOAT_UNALIGNED, off, 0f);
    }

    /** The group's 16 results, left at the start of scratch, into out[16g ...], padding rows (≥ n) skipped. */
    private static void copyRows(MemorySegment scratch, MemorySegment out, int g, int n) {
        long row = (long) PackedMatrix.GROUP * g;
        int count = (int) Math.min(PackedMatrix.GROUP, n - row);
        MemorySegment.copy(scratch, 0, out, 4 * row, 4L * count);
    }

    /** The f16 → f32 conversion {@link #scaleQ4_1} spells out, for tests. */
    static FloatVector half(ShortVector h) {
        return ((IntVector) h.convertShape(S2I, I512, 0)).lanewise(LSHL, 13).and(HALF_BITS).viewAsFloatingLanes().mul(HALF_SCALE);
    }
}
