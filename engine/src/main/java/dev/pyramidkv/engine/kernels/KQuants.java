package dev.pyramidkv.engine.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;
import static jdk.incubator.vector.VectorOperators.ADD;
import static jdk.incubator.vector.VectorOperators.ASHR;
import static jdk.incubator.vector.VectorOperators.FMA;
import static jdk.incubator.vector.VectorOperators.I2F;
import static jdk.incubator.vector.VectorOperators.LSHL;
import static jdk.incubator.vector.VectorOperators.LSHR;
import static jdk.incubator.vector.VectorOperators.XOR;

/**
 * Q4_K, Q6_K and Q5_0 weights: dequantization, and dot products with activations quantized as llama.cpp
 * pairs them (Q4_K and Q6_K with {@link Q8KActivations}, Q5_0 with Q8_0 in {@link Q8Activations}).
 *
 * <p>Block layouts (byte offsets inside a block):
 * <pre>
 * Q4_K, 256 values, 144 B: f16 d @0, f16 dmin @2, scales[12] @4 (8 six-bit scales and 8 six-bit mins),
 *                          qs[128] @16 (per 64 values: 32 bytes, low nibbles the first 32, high the next 32)
 * Q6_K, 256 values, 210 B: ql[128] @0 (low 4 bits), qh[64] @128 (high 2 bits), int8 scales[16] @192,
 *                          f16 d @208; value = d·scale[i/16]·(q6 - 32)
 * Q5_0,  32 values,  22 B: f16 d @0, qh[4] @2 (bit j = 5th bit of value j), qs[16] @6 (values j and j+16)
 * </pre>
 *
 * <p>Summation order: the pinned llama.cpp (b4916, AVX2) keeps 8 float lanes; lane l holds, per block,
 * the exact integer sum of the products of the values {@code 4l..4l+3} of every 32-value chunk (times
 * each chunk's sub-block scale for the K-quants), converted to float and fused into the lane:
 * {@code acc_l = fma(d, (float) isum_l, acc_l)}, block after block; then {@link #hsum8}. Q4_K's minimum
 * term has its own 4 lanes ({@code prod_i = m[2i]·Σq8[sub-block 2i] + m[2i+1]·Σq8[sub-block 2i+1]},
 * fused with {@code dmin = -d8·dmin}), reduced as {@code (a0+a2)+(a1+a3)} and added last. The dots
 * compute the integer lane sums with {@link VectorShape}'s vectors (any order: int addition is exact) and
 * keep the float steps in exactly that order; Q4_K's minimums stay scalar.
 */
public final class KQuants {
    private KQuants() {}

    public static final int Q4K_BYTES = 144;
    public static final int Q6K_BYTES = 210;
    public static final int Q5_0_BYTES = 22;
    private static final int QK_K = 256;
    private static final ValueLayout.OfInt INT_LE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private static final VectorSpecies<Float> F = VectorShape.F;
    private static final VectorSpecies<Integer> I = VectorShape.I;
    private static final VectorSpecies<Short> S = VectorShape.S;
    private static final int L = VectorShape.LANES;
    private static final int U = L / 8;                      // 32-value chunks per vector: 2 (512-bit) or 1
    private static final boolean WIDE = U == 2;
    private static final int VECTOR_SHORTS = 2 * L;
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final VectorMask<Integer> UNIT1 = VectorMask.fromLong(I, 0xFF00L & lanes(L));            // int lanes of chunk 1
    private static final VectorMask<Integer> QUARTER1 = VectorMask.fromLong(I, 0xF0F0L & lanes(L));         // lanes 4..7 of a chunk
    private static final VectorMask<Integer> QUARTER2 = VectorMask.fromLong(I, 0x0F00L & lanes(L));
    private static final VectorMask<Integer> QUARTER3 = VectorMask.fromLong(I, 0xF000L & lanes(L));
    private static final VectorMask<Short> SHORT_UNIT1 = VectorMask.fromLong(S, 0xFFFF0000L & lanes(2 * L));
    private static final VectorMask<Short> HIGH_HALF_OF_UNIT = VectorMask.fromLong(S, 0xFF00FF00L & lanes(2 * L));
    private static final VectorShuffle<Integer> SWAP_UNITS = VectorShuffle.fromOp(I, i -> (i + 8) % L);
    private static final VectorShuffle<Short> SWAP_SHORT_UNITS = VectorShuffle.fromOp(S, i -> (i + 16) % (2 * L));
    private static final VectorShuffle<Float> SWAP_FLOAT_UNITS = VectorShuffle.fromOp(F, i -> (i + 8) % L);
    private static final VectorShuffle<Float> DOWN4 = VectorShuffle.fromOp(F, i -> (i + 4) % L);
    private static final VectorShuffle<Float> DOWN2 = VectorShuffle.fromOp(F, i -> (i + 2) % L);
    /** Q5_0, wide: the 8 shorts of qs of block u (at short 11u of the load) twice in chunk u. */
    private static final VectorShuffle<Short> DUP_QS = VectorShuffle.fromOp(S, i -> 11 * (i / 16) + i % 8);
    /** Q5_0, 256-bit: the 4 ints of qs twice. */
    private static final VectorShuffle<Integer> DUP_QS_INTS = VectorShuffle.fromOp(I, i -> i % 4);
    private static final IntVector QH_SHIFTS = IntVector.fromArray(I, java.util.stream.IntStream.range(0, L).map(i -> 4 * (i % 8)).toArray(), 0);

    private static long lanes(int n) { return n == 64 ? -1L : (1L << n) - 1; }

    // ---- dot products ------------------------------------------------------------------------------
    // Blocks in order; lane l's accumulator a_l = fma(d, (float) isum_l, a_l); the lane sums are exact ints.
    // Vectors: a vector of 2·LANES shorts covers U = LANES/8 chunks of 32 values, 16 short lanes each; a weight
    // lane holds 2 values, its product with the activation lane a pair sum, int lane i (short lanes 2i, 2i+1)
    // of chunk u a quad: ggml's lane i mod 8. Products stay below 2^15, quads below 2^15 (at most 4·32·128), so
    // the int lane's halves add exactly as (L + (L << 16)) >> 16. No helper takes or returns a vector.

    /** ggml_vec_dot_q4_K_q8_K: a Q4_K row at {@code wOff} · Q8_K activation row {@code r}, {@code k} values. */
    public static float dotQ4K(MemorySegment w, long wOff, Q8KActivations a, int r, int k) {
        int blocks = k / QK_K;
        FloatVector acc = FloatVector.zero(F);                                  // value lanes 0..7 (8..15: copies)
        float m0 = 0, m1 = 0, m2 = 0, m3 = 0;                                   // minimum lanes
        ShortVector nibble = ShortVector.broadcast(S, (short) 0xF);
        for (int b = 0; b < blocks; b++) {
            long wb = wOff + (long) b * Q4K_BYTES;
            long q8 = (long) r * a.k + (long) b * QK_K;                  // element index of the activation block
            long block = (long) r * (a.k / QK_K) + b;                    // index of its scale
            float d8 = a.d.getAtIndex(JAVA_FLOAT, block);
            float d = d8 * Fp16.half(w, wb);
            float dmin = -d8 * Fp16.half(w, wb + 2);
            m0 = Math.fma(dmin, (float) minsQ4K(w, wb, a, block, 0), m0);
            m1 = Math.fma(dmin, (float) minsQ4K(w, wb, a, block, 1), m1);
            m2 = Math.fma(dmin, (float) minsQ4K(w, wb, a, block, 2), m2);
            m3 = Math.fma(dmin, (float) minsQ4K(w, wb, a, block, 3), m3);
            IntVector isum = IntVector.zero(I);
            for (int h = 0; h < 4 / U; h++) {                            // U groups of 64 values: 32 B of nibbles each
                ShortVector v = ShortVector.fromMemorySegment(S, w, wb + 16 + 32L * U * h, LE);
                long xo = 2 * q8 + 4L * VECTOR_SHORTS * h * 2;           // q4k: 4 activation vectors per h
                ShortVector x0 = ShortVector.fromMemorySegment(S, a.q4k, xo, LE);
                ShortVector x1 = ShortVector.fromMemorySegment(S, a.q4k, xo + 2L * VECTOR_SHORTS, LE);
                ShortVector x2 = ShortVector.fromMemorySegment(S, a.q4k, xo + 4L * VECTOR_SHORTS, LE);
                ShortVector x3 = ShortVector.fromMemorySegment(S, a.q4k, xo + 6L * VECTOR_SHORTS, LE);
                // low nibbles: sub-block 2j, high nibbles: sub-block 2j + 1
                IntVector lo = (IntVector) v.and(nibble).mul(x0).add(v.lanewise(LSHR, 8).and(nibble).mul(x2)).reinterpretShape(I, 0);
                IntVector hi = (IntVector) v.lanewise(LSHR, 4).and(nibble).mul(x1).add(v.lanewise(LSHR, 12).mul(x3)).reinterpretShape(I, 0);
                int j = U * h;
                IntVector scLo = IntVector.broadcast(I, scaleQ4K(w, wb, 2 * j)), scHi = IntVector.broadcast(I, scaleQ4K(w, wb, 2 * j + 1));
                if (WIDE) {
                    scLo = scLo.blend(scaleQ4K(w, wb, 2 * j + 2), UNIT1);
                    scHi = scHi.blend(scaleQ4K(w, wb, 2 * j + 3), UNIT1);
                }
                isum = isum.add(lo.add(lo.lanewise(LSHL, 16)).lanewise(ASHR, 16).mul(scLo))
                        .add(hi.add(hi.lanewise(LSHL, 16)).lanewise(ASHR, 16).mul(scHi));
            }
            if (WIDE) isum = isum.add(isum.rearrange(SWAP_UNITS));     // chunk lanes i and i + 8 are ggml's lane i
            acc = ((FloatVector) isum.convertShape(I2F, F, 0)).lanewise(FMA, FloatVector.broadcast(F, d), acc);
        }
        // hsum_float_8 as two vector steps (fewer nodes for C2 than 8 lane reads): t_l = a_l + a_(l+4), u_l = t_l + t_(l+2)
        FloatVector t = acc.lanewise(ADD, acc.rearrange(DOWN4));
        FloatVector u = t.lanewise(ADD, t.rearrange(DOWN2));
        return (u.lane(0) + u.lane(1)) + ((m0 + m2) + (m1 + m3));
    }

    /** Minimum lane i (0..3) of one Q4_K block: m[2i]·Σq8 over sub-block 2i + m[2i+1]·Σq8 over sub-block 2i+1. */
    private static int minsQ4K(MemorySegment w, long wb, Q8KActivations a, long block, int i) {
        int prod = 0;
        for (int s = 2 * i; s < 2 * i + 2; s++) {                        // sub-blocks of 32 values: two bsums each
            int q8sum = a.bsums.getAtIndex(JAVA_SHORT, 16 * block + 2L * s) + a.bsums.getAtIndex(JAVA_SHORT, 16 * block + 2L * s + 1);
            prod += minQ4K(w, wb, s) * q8sum;
        }
        return prod;
    }

    /**
     * ggml_vec_dot_q6_K_q8_K: a Q6_K row at {@code wOff} · Q8_K activation row {@code r}. A 16-bit lane of ql
     * holds the low 4 bits of 2 values of chunks c (low nibbles) and c + 2 (high nibbles), c = 0, 1 of a half;
     * the same lane of qh their high 2 bits (chunk c at bit 2c); 6-bit q - 32 is the sign extension of q ^ 32.
     */
    public static float dotQ6K(MemorySegment w, long wOff, Q8KActivations a, int r, int k) {
        int blocks = k / QK_K;
        FloatVector acc = FloatVector.zero(F);
        for (int b = 0; b < blocks; b++) {
            long wb = wOff + (long) b * Q6K_BYTES;
            long q8 = (long) r * a.k + (long) b * QK_K;
            float d = a.d.getAtIndex(JAVA_FLOAT, (long) r * (a.k / QK_K) + b) * Fp16.half(w, wb + 208);
            IntVector isum = IntVector.zero(I);
            ShortVector qh01 = ShortVector.fromMemorySegment(S, w, wb + 128, LE);   // wide: (qh half 0 | half 1)
            for (int half = 0; half < 2; half++) {
                ShortVector qhHalf = qh01;                                 // no null: C2 keeps the exact vector type
                if (WIDE) {   // (qh | qh >> 2) of this half: chunk 4·half + 1 reads bits 2c from the shifted copy
                    ShortVector swapped = qh01.rearrange(SWAP_SHORT_UNITS);
                    qhHalf = half == 0 ? qh01.blend(swapped, SHORT_UNIT1) : swapped.blend(qh01, SHORT_UNIT1);
                    qhHalf = qhHalf.blend(qhHalf.lanewise(LSHR, 2), SHORT_UNIT1);
                }
                for (int m = 0; m < 2 / U; m++) {
                    int c = 4 * half + m;                                 // chunk of the low nibbles (c + 2: high)
                    ShortVector v = ShortVector.fromMemorySegment(S, w, wb + 64L * half + 32L * m, LE);
                    ShortVector hv = WIDE ? qhHalf : ShortVector.fromMemorySegment(S, w, wb + 128 + 32L * half, LE).lanewise(LSHR, 2 * m);
                    ShortVector ql = v.and((short) 0x0F0F).or(hv.and((short) 0x0303).lanewise(LSHL, 4)).lanewise(XOR, (short) 0x2020);
                    ShortVector qu = v.lanewise(LSHR, 4).and((short) 0x0F0F).or(hv.and((short) 0x3030)).lanewise(XOR, (short) 0x2020);
                    long xl = 2 * q8 + 4L * VECTOR_SHORTS * (c / U), xu = xl + 4L * VECTOR_SHORTS * (2 / U);
                    IntVector lo = (IntVector) ql.lanewise(LSHL, 10).lanewise(ASHR, 10).mul(ShortVector.fromMemorySegment(S, a.q6k, xl, LE))
                            .add(ql.lanewise(LSHL, 2).lanewise(ASHR, 10).mul(ShortVector.fromMemorySegment(S, a.q6k, xl + 2L * VECTOR_SHORTS, LE)))
                            .reinterpretShape(I, 0);
                    IntVector hi = (IntVector) qu.lanewise(LSHL, 10).lanewise(ASHR, 10).mul(ShortVector.fromMemorySegment(S, a.q6k, xu, LE))
                            .add(qu.lanewise(LSHL, 2).lanewise(ASHR, 10).mul(ShortVector.fromMemorySegment(S, a.q6k, xu + 2L * VECTOR_SHORTS, LE)))
                            .reinterpretShape(I, 0);
                    // int lane i of chunk u: scale[2(c + u) + (i mod 8) / 4], the scales 2c, 2c + 1 (, 2c + 2, 2c + 3)
                    long sc = wb + 192 + 2L * c;
                    IntVector scLo = IntVector.broadcast(I, w.get(JAVA_BYTE, sc)).blend(w.get(JAVA_BYTE, sc + 1), QUARTER1);
                    IntVector scHi = IntVector.broadcast(I, w.get(JAVA_BYTE, sc + 4)).blend(w.get(JAVA_BYTE, sc + 5), QUARTER1);
                    if (WIDE) {
                        scLo = scLo.blend(w.get(JAVA_BYTE, sc + 2), QUARTER2).blend(w.get(JAVA_BYTE, sc + 3), QUARTER3);
                        scHi = scHi.blend(w.get(JAVA_BYTE, sc + 6), QUARTER2).blend(w.get(JAVA_BYTE, sc + 7), QUARTER3);
                    }
                    isum = isum.add(lo.add(lo.lanewise(LSHL, 16)).lanewise(ASHR, 16).mul(scLo))
                            .add(hi.add(hi.lanewise(LSHL, 16)).lanewise(ASHR, 16).mul(scHi));
                }
            }
            if (WIDE) isum = isum.add(isum.rearrange(SWAP_UNITS));
            acc = ((FloatVector) isum.convertShape(I2F, F, 0)).lanewise(FMA, FloatVector.broadcast(F, d), acc);
        }
        FloatVector t = acc.lanewise(ADD, acc.rearrange(DOWN4));        // hsum_float_8, as in dotQ4K
        FloatVector u = t.lanewise(ADD, t.rearrange(DOWN2));
        return u.lane(0) + u.lane(1);
    }

    /**
     * ggml_vec_dot_q5_0_q8_0: a Q5_0 row at {@code wOff} · Q8_0 activation row {@code r}. U blocks per vector,
     * each chunk's 16 short lanes holding values (2s, 2s + 1): qs duplicated, low nibbles in lanes 0..7, high
     * in 8..15; 5th bits from qh shifted by 4 per int lane. The chunks' sums are fused block after block. The
     * last blocks, whose vector load would pass the end of {@code w}, are summed lane by lane.
     */
    public static float dotQ5_0(MemorySegment w, long wOff, Q8Activations a, int r, int k) {
        int blocks = k / 32;
        long rowBlocks = (long) r * (a.k / 32);
        FloatVector acc = FloatVector.zero(F);
        long last = w.byteSize() - 6 - 2L * VECTOR_SHORTS;                  // last block offset a vector load may start from
        int b = 0;
        for (; b + U <= blocks && wOff + (long) b * Q5_0_BYTES <= last; b += U) {
            long wb = wOff + (long) b * Q5_0_BYTES;
            ShortVector raw = ShortVector.fromMemorySegment(S, w, wb + 6, LE);
            ShortVector v = WIDE ? raw.rearrange(DUP_QS)
                    : (ShortVector) ((IntVector) raw.reinterpretShape(I, 0)).rearrange(DUP_QS_INTS).reinterpretShape(S, 0);
            IntVector qh = IntVector.broadcast(I, w.get(INT_LE, wb + 2));
            if (WIDE) qh = qh.blend(w.get(INT_LE, wb + Q5_0_BYTES + 2), UNIT1);
            IntVector bits = qh.lanewise(LSHR, QH_SHIFTS).and(0xF);             // int lane i: 5th bits of values 4i..4i+3
            ShortVector fifth = (ShortVector) bits.and(3).or(bits.and(0xC).lanewise(LSHL, 14)).reinterpretShape(S, 0);
            ShortVector q = v.blend(v.lanewise(LSHR, 4), HIGH_HALF_OF_UNIT).and((short) 0x0F0F)
                    .or(fifth.and((short) 1).lanewise(LSHL, 4)).or(fifth.and((short) 2).lanewise(LSHL, 11)).lanewise(XOR, (short) 0x1010);
            ShortVector x = ShortVector.fromMemorySegment(S, a.qs, (long) r * a.k + 32L * b, LE);
            IntVector p = (IntVector) q.lanewise(LSHL, 11).lanewise(ASHR, 11).mul(x.lanewise(LSHL, 8).lanewise(ASHR, 8))
                    .add(q.lanewise(LSHL, 3).lanewise(ASHR, 11).mul(x.lanewise(ASHR, 8))).reinterpretShape(I, 0);
            FloatVector f = (FloatVector) p.add(p.lanewise(LSHL, 16)).lanewise(ASHR, 16).convertShape(I2F, F, 0);
            acc = f.lanewise(FMA, FloatVector.broadcast(F, Fp16.half(w, wb) * a.d.getAtIndex(JAVA_FLOAT, rowBlocks + b)), acc);
            if (WIDE) {
                acc = f.rearrange(SWAP_FLOAT_UNITS).lanewise(FMA,
                        FloatVector.broadcast(F, Fp16.half(w, wb + Q5_0_BYTES) * a.d.getAtIndex(JAVA_FLOAT, rowBlocks + b + 1)), acc);
            }
        }
        float a0 = acc.lane(0), a1 = acc.lane(1), a2 = acc.lane(2), a3 = acc.lane(3), a4 = acc.lane(4), a5 = acc.lane(5), a6 = acc.lane(6), a7 = acc.lane(7);
        for (; b < blocks; b++) {
            long wb = wOff + (long) b * Q5_0_BYTES;
            long q8 = (long) r * a.k + 32L * b;
            float d = Fp16.half(w, wb) * a.d.getAtIndex(JAVA_FLOAT, rowBlocks + b);
            int qh = w.get(INT_LE, wb + 2);
            a0 = Math.fma(d, (float) laneQ5_0(w, wb, qh, a, q8, 0), a0);
            a1 = Math.fma(d, (float) laneQ5_0(w, wb, qh, a, q8, 1), a1);
            a2 = Math.fma(d, (float) laneQ5_0(w, wb, qh, a, q8, 2), a2);
            a3 = Math.fma(d, (float) laneQ5_0(w, wb, qh, a, q8, 3), a3);
            a4 = Math.fma(d, (float) laneQ5_0(w, wb, qh, a, q8, 4), a4);
            a5 = Math.fma(d, (float) laneQ5_0(w, wb, qh, a, q8, 5), a5);
            a6 = Math.fma(d, (float) laneQ5_0(w, wb, qh, a, q8, 6), a6);
            a7 = Math.fma(d, (float) laneQ5_0(w, wb, qh, a, q8, 7), a7);
        }
        return hsum8(a0, a1, a2, a3, a4, a5, a6, a7);
    }

    /** Lane l of one Q5_0 block: Σ q5·q8 over values 4l..4l+3. */
    private static int laneQ5_0(MemorySegment w, long wb, int qh, Q8Activations a, long q8, int l) {
        int isum = 0;
        for (int t = 0; t < 4; t++) {
            int e = 4 * l + t;
            isum += q5(w, wb, qh, e) * a.qs.get(JAVA_BYTE, q8 + e);
        }
        return isum;
    }

    /** hsum_float_8: t_l = x_(l+4) + x_l, then (t0 + t2) + (t1 + t3). */
    static float hsum8(float x0, float x1, float x2, float x3, float x4, float x5, float x6, float x7) {
        float t0 = x4 + x0, t1 = x5 + x1, t2 = x6 + x2, t3 = x7 + x3;
        return (t0 + t2) + (t1 + t3);
    }

    // ---- dequantization (dequantize_row_q4_K, _q6_K, _q5_0) -------------------------------------------

    /** Dequantizes {@code k} values of a Q4_K row at {@code wOff} into f32 at byte offset {@code outOff}. */
    public static void dequantizeQ4K(MemorySegment w, long wOff, int k, MemorySegment out, long outOff) {
        for (int b = 0; b < k / QK_K; b++) {
            long wb = wOff + (long) b * Q4K_BYTES;
            float d = Fp16.half(w, wb), min = Fp16.half(w, wb + 2);
            for (int j = 0; j < 4; j++) {                          // 64 values: 32 low nibbles, 32 high
                float d1 = d * scaleQ4K(w, wb, 2 * j), m1 = min * minQ4K(w, wb, 2 * j);
                float d2 = d * scaleQ4K(w, wb, 2 * j + 1), m2 = min * minQ4K(w, wb, 2 * j + 1);
                long y = outOff + 4L * (b * QK_K + 64 * j);
                for (int t = 0; t < 32; t++) {
                    int q = u8(w, wb + 16 + 32L * j + t);
                    out.set(ValueLayout.JAVA_FLOAT, y + 4L * t, d1 * (q & 0x0F) - m1);
                    out.set(ValueLayout.JAVA_FLOAT, y + 4L * (32 + t), d2 * (q >>> 4) - m2);
                }
            }
        }
    }

    /** Dequantizes {@code k} values of a Q6_K row: d·scale·(q6 - 32), evaluated left to right. */
    public static void dequantizeQ6K(MemorySegment w, long wOff, int k, MemorySegment out, long outOff) {
        for (int b = 0; b < k / QK_K; b++) {
            long wb = wOff + (long) b * Q6K_BYTES;
            float d = Fp16.half(w, wb + 208);
            for (int e = 0; e < QK_K; e++) {
                float scale = w.get(ValueLayout.JAVA_BYTE, wb + 192 + e / 16);
                out.set(ValueLayout.JAVA_FLOAT, outOff + 4L * (b * QK_K + e), d * scale * (q6(w, wb, e) - 32));
            }
        }
    }

    /** Dequantizes {@code k} values of a Q5_0 row: (q5 - 16)·d. */
    public static void dequantizeQ5_0(MemorySegment w, long wOff, int k, MemorySegment out, long outOff) {
        for (int b = 0; b < k / 32; b++) {
            long wb = wOff + (long) b * Q5_0_BYTES;
            float d = Fp16.half(w, wb);
            for (int e = 0; e < 32; e++) {
                out.set(ValueLayout.JAVA_FLOAT, outOff + 4L * (b * 32 + e), q5(w, wb, w.get(INT_LE, wb + 2), e) * d);
            }
        }
    }

    // ---- block fields --------------------------------------------------------------------------------

    /** get_scale_min_k4's scale of sub-block {@code j} (0..7, 32 values each) of the Q4_K block at {@code wb}. */
    static int scaleQ4K(MemorySegment w, long wb, int j) {
        long s = wb + 4;
        return j < 4 ? u8(w, s + j) & 63 : (u8(w, s + j + 4) & 0x0F) | ((u8(w, s + j - 4) >>> 6) << 4);
    }

    /** get_scale_min_k4's min of sub-block {@code j}. */
    static int minQ4K(MemorySegment w, long wb, int j) {
        long s = wb + 4;
        return j < 4 ? u8(w, s + j + 4) & 63 : (u8(w, s + j + 4) >>> 4) | ((u8(w, s + j) >>> 6) << 4);
    }

    /** The 6-bit value {@code e} (0..255, unsigned 0..63) of the Q6_K block at {@code wb}. */
    static int q6(MemorySegment w, long wb, int e) {
        int half = e / 128, r = e % 128, chunk = r / 32, t = r % 32;
        int ql = u8(w, wb + 64L * half + (chunk & 1) * 32L + t);
        int low = chunk < 2 ? ql & 0x0F : ql >>> 4;
        int high = (u8(w, wb + 128 + 32L * half + t) >>> (2 * chunk)) & 3;
        return low | high << 4;
    }

    /** The signed value {@code e} (0..31, -16..15) of the Q5_0 block at {@code wb}, whose 5th bits are {@code qh}. */
    static int q5(MemorySegment w, long wb, int qh, int e) {
        int q = u8(w, wb + 6 + (e & 15));
        int nibble = e < 16 ? q & 0x0F : q >>> 4;
        return (nibble | ((qh >>> e) & 1) << 4) - 16;
    }

    private static int u8(MemorySegment w, long off) {
        return w.get(ValueLayout.JAVA_BYTE, off) & 0xFF;
    }
}
