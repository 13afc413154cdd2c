package dev.pyramidkv.engine.kernels;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

import static jdk.incubator.vector.VectorOperators.ADD;
import static jdk.incubator.vector.VectorOperators.FMA;

/**
 * Dot products of one weight row with one activation row, bit for bit as llama.cpp's CPU backend (AVX2 build)
 * computes them, because a last-bit difference grows into different tokens within a few dozen steps.
 * Quantized rows pair with quantized activations (Q4_0/Q8_0 with Q8_0, Q4_1 with Q8_1) the way
 * ggml_vec_dot_*_q8_* do: per block of 32, the integer sums of 4 consecutive products form 8 lanes,
 * {@code acc = fma(dw·dx, lanes, acc)}, and the 8 lanes are summed as hsum_float_8 does.
 * F32 rows follow ggml_vec_dot_f32 ({@link #f32}) or llamafile's tinyBLAS ({@link #f32Tiled}).
 * Not yet in llama.cpp's order: F16 and BF16 (plain sequential sums), and Q4_0 where llama.cpp repacks
 * it (AVX2 builds turn Q4_0 matrices with rows % 8 == 0 into Q4_0x8 and use another kernel).
 */
public final class Dot {
    private Dot() {}

    static final VectorSpecies<Byte> B128 = ByteVector.SPECIES_128;
    static final VectorSpecies<Byte> B256 = ByteVector.SPECIES_256;
    static final VectorSpecies<Short> S512 = ShortVector.SPECIES_512;
    static final VectorSpecies<Float> F256 = FloatVector.SPECIES_256;
    static final VectorSpecies<Float> F512 = FloatVector.SPECIES_512;
    private static final VectorShuffle<Float> SWAP_HALVES = VectorShuffle.fromOp(F512, i -> i ^ 8);
    static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    static final int QK = Q8Activations.BLOCK;

    /**
     * Σ w[i]·x[i] over k f32 values ({@code w}, {@code x} at byte offsets) in ggml_vec_dot_f32's order: four
     * 8-lane FMA accumulators over steps of 32, reduced (a0+a2)+(a1+a3), then halves and two horizontal adds;
     * the k mod 32 tail is added in sequence (products rounded, except the last k mod 4, which are fused).
     * The four 8-lane accumulators live in two 16-lane vectors, (a0 | a1) and (a2 | a3): lane for lane the same
     * operations, in the one FloatVector shape the decode kernels share (see {@link #f32Rows}).
     */
    public static float f32(MemorySegment w, long wOff, MemorySegment x, long xOff, int k) {
        int main = k & ~31;
        float sum = 0f;
        if (main > 0) {
            FloatVector a01 = FloatVector.zero(F512), a23 = a01;
            for (int i = 0; i < main; i += 32) {
                long wo = wOff + 4L * i, xo = xOff + 4L * i;
                a01 = load16(w, wo).lanewise(FMA, load16(x, xo), a01);
                a23 = load16(w, wo + 64).lanewise(FMA, load16(x, xo + 64), a23);
            }
            FloatVector p = a01.lanewise(ADD, a23);                     // (a0+a2 | a1+a3)
            FloatVector s = p.lanewise(ADD, p.rearrange(SWAP_HALVES));  // lanes 0..7: (a0+a2) + (a1+a3)
            float t0 = s.lane(0) + s.lane(4), t1 = s.lane(1) + s.lane(5), t2 = s.lane(2) + s.lane(6), t3 = s.lane(3) + s.lane(7);
            sum = (t0 + t1) + (t2 + t3);
        }
        int tail = k - main;
        int rounded = (tail & ~7) + ((tail & 7) >= 4 ? 4 : 0);   // what GCC vectorized: mul, then in-order adds
        for (int i = main; i < k; i++) {
            float a = w.get(ValueLayout.JAVA_FLOAT_UNALIGNED, wOff + 4L * i), b = x.get(ValueLayout.JAVA_FLOAT_UNALIGNED, xOff + 4L * i);
            sum = i < main + rounded ? sum + a * b : Math.fma(a, b, sum);
        }
        return sum;
    }

    /**
     * {@code out[j] = f32(w_j, x, k) · scale} for {@code rows} rows {@code w_j} at {@code wOff + j·wStride} (the
     * attention scores of one query against a head's keys), each sum in {@link #f32}'s order. For k = 64 (a
     * common head size) x stays in registers across the rows.
     * <p>
     * Decode code uses 512-bit FloatVectors only: a JDK method such as {@code FloatVector.intoMemorySegment}
     * dispatches on a type profile that all its callers share, and a second shape there makes C2 compile
     * virtual fallbacks that box vectors.
     */
    public static void f32Rows(MemorySegment w, long wOff, long wStride, int rows, MemorySegment x, long xOff, int k,
                               float scale, MemorySegment out, long outOff) {
        if (k != 64) {
            for (int j = 0; j < rows; j++) out.set(ValueLayout.JAVA_FLOAT, outOff + 4L * j, f32(w, wOff + j * wStride, x, xOff, k) * scale);
            return;
        }
        FloatVector x01 = load16(x, xOff), x23 = load16(x, xOff + 64), x45 = load16(x, xOff + 128), x67 = load16(x, xOff + 192);
        FloatVector zero = FloatVector.zero(F512);
        for (int j = 0; j < rows; j++) {
            long wo = wOff + j * wStride;
            FloatVector a01 = load16(w, wo).lanewise(FMA, x01, zero), a23 = load16(w, wo + 64).lanewise(FMA, x23, zero);
            a01 = load16(w, wo + 128).lanewise(FMA, x45, a01);
            a23 = load16(w, wo + 192).lanewise(FMA, x67, a23);
            FloatVector p = a01.lanewise(ADD, a23);
            FloatVector t = p.lanewise(ADD, p.rearrange(SWAP_HALVES));
            float t0 = t.lane(0) + t.lane(4), t1 = t.lane(1) + t.lane(5), t2 = t.lane(2) + t.lane(6), t3 = t.lane(3) + t.lane(7);
            out.set(ValueLayout.JAVA_FLOAT, outOff + 4L * j, ((t0 + t1) + (t2 + t3)) * scale);
        }
    }

    /**
     * As {@link #f32}, in the order of llamafile's tinyBLAS (used by llama.cpp for F32 matmuls of 2+ tokens):
     * one 8-lane FMA accumulator, lane i mod 8, then hsum. Needs k % 8 == 0.
     */
    public static float f32Tiled(MemorySegment w, long wOff, MemorySegment x, long xOff, int k) {
        FloatVector acc = FloatVector.zero(F256);
        for (int i = 0; i < k; i += 8) acc = load(w, wOff + 4L * i).lanewise(FMA, load(x, xOff + 4L * i), acc);
        return hsum8(acc);
    }

    /** F16 weights: activations rounded to f16 first, as ggml converts them to its vec_dot type. */
    public static float f16(MemorySegment w, long wOff, MemorySegment x, long xOff, int k) {
        float sum = 0f;
        for (int i = 0; i < k; i++) {
            sum += Fp16.half(w, wOff + 2L * i) * Fp16.round(x.get(ValueLayout.JAVA_FLOAT_UNALIGNED, xOff + 4L * i));
        }
        return sum;
    }

    public static float bf16(MemorySegment w, long wOff, MemorySegment x, long xOff, int k) {
        float sum = 0f;
        for (int i = 0; i < k; i++) {
            sum += Fp16.bf16(w, wOff + 2L * i) * Fp16.roundBf16(x.get(ValueLayout.JAVA_FLOAT_UNALIGNED, xOff + 4L * i));
        }
        return sum;
    }

    /**
     * Q4_1 row (blocks of: f16 d, f16 m, 16 B nibbles; element j &lt; 16 is the low nibble of byte j, element
     * j + 16 its high nibble) · Q8_1 activation row {@code r}: {@code hsum(Σ fma(dw·dx, lanes)) + Σ fma(m, s)}.
     */
    public static float q4_1(MemorySegment w, long wOff, Q8Activations a, int r, int k) {
        int blocks = k / QK;
        long qRow = (long) r * a.k;
        long sRow = (long) r * (a.k / QK) * 4;
        FloatVector acc = FloatVector.zero(F256);
        float mins = 0f;
        for (int b = 0; b < blocks; b++) {
            long wb = wOff + 20L * b;
            float dx = a.d.get(ValueLayout.JAVA_FLOAT, sRow + 4L * b);
            mins = Math.fma(Fp16.half(w, wb + 2), a.s.get(ValueLayout.JAVA_FLOAT, sRow + 4L * b), mins);
            ByteVector nib = ByteVector.fromMemorySegment(B128, w, wb + 4, LE);
            ShortVector q = nibbles(nib.and((byte) 0x0F), nib.lanewise(VectorOperators.LSHR, 4));
            FloatVector lanes = quadSums(q, activations(a, qRow + (long) b * QK));
            acc = lanes.lanewise(FMA, FloatVector.broadcast(F256, Fp16.half(w, wb) * dx), acc);
        }
        return hsum8(acc) + mins;
    }

    /** Q4_0 row (blocks of: f16 d, 16 B nibbles, value = nibble − 8) · Q8_0 activation row {@code r}. */
    public static float q4_0(MemorySegment w, long wOff, Q8Activations a, int r, int k) {
        int blocks = k / QK;
        long qRow = (long) r * a.k;
        long sRow = (long) r * (a.k / QK) * 4;
        FloatVector acc = FloatVector.zero(F256);
        for (int b = 0; b < blocks; b++) {
            long wb = wOff + 18L * b;
            float dx = a.d.get(ValueLayout.JAVA_FLOAT, sRow + 4L * b);
            ByteVector nib = ByteVector.fromMemorySegment(B128, w, wb + 2, LE);
            ShortVector q = nibbles(nib.and((byte) 0x0F).sub((byte) 8), nib.lanewise(VectorOperators.LSHR, 4).sub((byte) 8));
            FloatVector lanes = quadSums(q, activations(a, qRow + (long) b * QK));
            acc = lanes.lanewise(FMA, FloatVector.broadcast(F256, Fp16.half(w, wb) * dx), acc);
        }
        return hsum8(acc);
    }

    /** Q8_0 row (blocks of: f16 d, 32 int8) · Q8_0 activation row {@code r}. */
    public static float q8_0(MemorySegment w, long wOff, Q8Activations a, int r, int k) {
        int blocks = k / QK;
        long qRow = (long) r * a.k;
        long sRow = (long) r * (a.k / QK) * 4;
        FloatVector acc = FloatVector.zero(F256);
        for (int b = 0; b < blocks; b++) {
            long wb = wOff + 34L * b;
            float dx = a.d.get(ValueLayout.JAVA_FLOAT, sRow + 4L * b);
            ShortVector q = (ShortVector) ByteVector.fromMemorySegment(B256, w, wb + 2, LE).convertShape(VectorOperators.B2S, S512, 0);
            FloatVector lanes = quadSums(q, activations(a, qRow + (long) b * QK));
            acc = lanes.lanewise(FMA, FloatVector.broadcast(F256, Fp16.half(w, wb) * dx), acc);
        }
        return hsum8(acc);
    }

    /** hsum_float_8 / tinyBLAS hsum: t_l = v_l + v_(l+4), then (t0 + t2) + (t1 + t3). */
    public static float hsum8(FloatVector v) {
        float t0 = v.lane(0) + v.lane(4), t1 = v.lane(1) + v.lane(5), t2 = v.lane(2) + v.lane(6), t3 = v.lane(3) + v.lane(7);
        return (t0 + t2) + (t1 + t3);
    }

    private static FloatVector load16(MemorySegment s, long off) {
        return FloatVector.fromMemorySegment(F512, s, off, LE);
    }

    private static FloatVector load(MemorySegment s, long off) {
        return FloatVector.fromMemorySegment(F256, s, off, LE);
    }

    /** 32 block values as shorts: {@code lo} (16 values) then {@code hi}. */
    private static ShortVector nibbles(ByteVector lo, ByteVector hi) {
        return ((ShortVector) lo.convertShape(VectorOperators.B2S, S512, 0))
                .or((ShortVector) hi.convertShape(VectorOperators.B2S, S512, -1));
    }

    private static ShortVector activations(Q8Activations a, long off) {
        return (ShortVector) ByteVector.fromMemorySegment(B256, a.qs, off, LE).convertShape(VectorOperators.B2S, S512, 0);
    }

    /**
     * The 8 sums of 4 consecutive products of 32 short pairs, as float lanes (maddubs + madd + cvtepi32):
     * each |product| ≤ 128·128 fits a short; pairs, then pairs of pairs, are added in wider lanes.
     */
    private static FloatVector quadSums(ShortVector w, ShortVector x) {
        IntVector p = w.mul(x).reinterpretAsInts();
        IntVector pairs = p.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16).add(p.lanewise(VectorOperators.ASHR, 16));
        LongVector l = pairs.reinterpretAsLongs();
        LongVector quads = l.lanewise(VectorOperators.LSHL, 32).lanewise(VectorOperators.ASHR, 32).add(l.lanewise(VectorOperators.ASHR, 32));
        return (FloatVector) quads.convertShape(VectorOperators.L2F, F256, 0);
    }
}
