package dev.pyramidkv.engine.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

import static jdk.incubator.vector.VectorOperators.ADD;
import static jdk.incubator.vector.VectorOperators.ASHR;
import static jdk.incubator.vector.VectorOperators.FMA;
import static jdk.incubator.vector.VectorOperators.LSHL;
import static jdk.incubator.vector.VectorOperators.LSHR;

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

    static final VectorSpecies<Float> F = VectorShape.F;            // the kernels' shape: 16 or 8 lanes
    static final boolean WIDE = VectorShape.LANES == 16;             // one vector holds two of ggml's 8-lane accumulators
    static final VectorSpecies<Float> F256 = FloatVector.SPECIES_256;  // tinyBLAS's 8 lanes
    static final VectorSpecies<Integer> I128 = IntVector.SPECIES_128;  // 4 int lanes of 4 bytes: 4 quads of a block
    static final VectorSpecies<Float> F128 = FloatVector.SPECIES_128;
    private static final VectorShuffle<Float> SWAP_HALVES = VectorShuffle.fromOp(F, i -> i ^ (VectorShape.LANES / 2));
    static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    static final int QK = Q8Activations.BLOCK;

    /**
     * Σ w[i]·x[i] over k f32 values ({@code w}, {@code x} at byte offsets) in ggml_vec_dot_f32's order: four
     * 8-lane FMA accumulators over steps of 32, reduced (a0+a2)+(a1+a3), then halves and two horizontal adds;
     * the k mod 32 tail is added in sequence (products rounded, except the last k mod 4, which are fused).
     * With 512-bit vectors the four accumulators live in two 16-lane vectors, (a0 | a1) and (a2 | a3): lane for
     * lane the same operations.
     */
    public static float f32(MemorySegment w, long wOff, MemorySegment x, long xOff, int k) {
        int main = k & ~31;
        float sum = 0f;
        if (main > 0) {
            FloatVector s;   // lanes 0..7: (a0+a2) + (a1+a3)
            if (WIDE) {
                FloatVector a01 = FloatVector.zero(F), a23 = a01;
                for (int i = 0; i < main; i += 32) {
                    long wo = wOff + 4L * i, xo = xOff + 4L * i;
                    a01 = load(w, wo).lanewise(FMA, load(x, xo), a01);
                    a23 = load(w, wo + 64).lanewise(FMA, load(x, xo + 64), a23);
                }
                FloatVector p = a01.lanewise(ADD, a23);                     // (a0+a2 | a1+a3)
                s = p.lanewise(ADD, p.rearrange(SWAP_HALVES));
            } else {
                FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
                for (int i = 0; i < main; i += 32) {
                    long wo = wOff + 4L * i, xo = xOff + 4L * i;
                    a0 = load(w, wo).lanewise(FMA, load(x, xo), a0);
                    a1 = load(w, wo + 32).lanewise(FMA, load(x, xo + 32), a1);
                    a2 = load(w, wo + 64).lanewise(FMA, load(x, xo + 64), a2);
                    a3 = load(w, wo + 96).lanewise(FMA, load(x, xo + 96), a3);
                }
                s = a0.lanewise(ADD, a2).lanewise(ADD, a1.lanewise(ADD, a3));
            }
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
     */
    public static void f32Rows(MemorySegment w, long wOff, long wStride, int rows, MemorySegment x, long xOff, int k,
                               float scale, MemorySegment out, long outOff) {
        if (k != 64) {
            for (int j = 0; j < rows; j++) out.set(ValueLayout.JAVA_FLOAT, outOff + 4L * j, f32(w, wOff + j * wStride, x, xOff, k) * scale);
            return;
        }
        FloatVector zero = FloatVector.zero(F);
        if (WIDE) {
            FloatVector x01 = load(x, xOff), x23 = load(x, xOff + 64), x45 = load(x, xOff + 128), x67 = load(x, xOff + 192);
            for (int j = 0; j < rows; j++) {
                long wo = wOff + j * wStride;
                FloatVector a01 = load(w, wo).lanewise(FMA, x01, zero), a23 = load(w, wo + 64).lanewise(FMA, x23, zero);
                a01 = load(w, wo + 128).lanewise(FMA, x45, a01);
                a23 = load(w, wo + 192).lanewise(FMA, x67, a23);
                FloatVector p = a01.lanewise(ADD, a23);
                FloatVector t = p.lanewise(ADD, p.rearrange(SWAP_HALVES));
                float t0 = t.lane(0) + t.lane(4), t1 = t.lane(1) + t.lane(5), t2 = t.lane(2) + t.lane(6), t3 = t.lane(3) + t.lane(7);
                out.set(ValueLayout.JAVA_FLOAT, outOff + 4L * j, ((t0 + t1) + (t2 + t3)) * scale);
            }
        } else {
            FloatVector x0 = load(x, xOff), x1 = load(x, xOff + 32), x2 = load(x, xOff + 64), x3 = load(x, xOff + 96);
            FloatVector x4 = load(x, xOff + 128), x5 = load(x, xOff + 160), x6 = load(x, xOff + 192), x7 = load(x, xOff + 224);
            for (int j = 0; j < rows; j++) {
                long wo = wOff + j * wStride;
                FloatVector a0 = load(w, wo).lanewise(FMA, x0, zero), a1 = load(w, wo + 32).lanewise(FMA, x1, zero);
                FloatVector a2 = load(w, wo + 64).lanewise(FMA, x2, zero), a3 = load(w, wo + 96).lanewise(FMA, x3, zero);
                a0 = load(w, wo + 128).lanewise(FMA, x4, a0);
                a1 = load(w, wo + 160).lanewise(FMA, x5, a1);
                a2 = load(w, wo + 192).lanewise(FMA, x6, a2);
                a3 = load(w, wo + 224).lanewise(FMA, x7, a3);
                FloatVector t = a0.lanewise(ADD, a2).lanewise(ADD, a1.lanewise(ADD, a3));
                float t0 = t.lane(0) + t.lane(4), t1 = t.lane(1) + t.lane(5), t2 = t.lane(2) + t.lane(6), t3 = t.lane(3) + t.lane(7);
                out.set(ValueLayout.JAVA_FLOAT, outOff + 4L * j, ((t0 + t1) + (t2 + t3)) * scale);
            }
        }
    }

    /**
     * As {@link #f32}, in the order of llamafile's tinyBLAS (used by llama.cpp for F32 matmuls of 2+ tokens):
     * one 8-lane FMA accumulator, lane i mod 8, then hsum. Needs k % 8 == 0.
     */
    public static float f32Tiled(MemorySegment w, long wOff, MemorySegment x, long xOff, int k) {
        FloatVector acc = FloatVector.zero(F256);
        for (int i = 0; i < k; i += 8) {
            acc = FloatVector.fromMemorySegment(F256, w, wOff + 4L * i, LE).lanewise(FMA, FloatVector.fromMemorySegment(F256, x, xOff + 4L * i, LE), acc);
        }
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

    // The quantized row kernels below take a block's 8 quads as two 4-lane int vectors: loaded as ints, lane l of
    // a vector holds the 4 bytes of quad l, whose products are summed exactly in int lanes. ggml's one 8-lane
    // accumulator is then two 4-lane ones, lo (quads 0..3) and hi (4..7), with the same lane arithmetic; hsum8
    // adds lane l of lo to lane l of hi first, as it adds v_l and v_(l+4). 128-bit vectors compile to machine
    // vectors on every x86-64 CPU; the hot paths (Gemv) use the wide shape.

    /**
     * Q4_1 row (blocks of: f16 d, f16 m, 16 B nibbles; element j &lt; 16 is the low nibble of byte j, element
     * j + 16 its high nibble) · Q8_1 activation row {@code r}: {@code hsum(Σ fma(dw·dx, lanes)) + Σ fma(m, s)}.
     */
    public static float q4_1(MemorySegment w, long wOff, Q8Activations a, int r, int k) {
        int blocks = k / QK;
        long qRow = (long) r * a.k;
        long sRow = (long) r * (a.k / QK) * 4;
        FloatVector lo = FloatVector.zero(F128), hi = lo;
        float mins = 0f;
        for (int b = 0; b < blocks; b++) {
            long wb = wOff + 20L * b, xb = qRow + (long) b * QK;
            float dx = a.d.get(ValueLayout.JAVA_FLOAT, sRow + 4L * b);
            mins = Math.fma(Fp16.half(w, wb + 2), a.s.get(ValueLayout.JAVA_FLOAT, sRow + 4L * b), mins);
            IntVector nib = IntVector.fromMemorySegment(I128, w, wb + 4, LE);
            IntVector xlo = IntVector.fromMemorySegment(I128, a.qs, xb, LE), xhi = IntVector.fromMemorySegment(I128, a.qs, xb + 16, LE);
            IntVector qlo = IntVector.zero(I128), qhi = qlo;
            for (int j = 0; j < 32; j += 8) {   // byte j/8 of each lane: nibbles (low: quads 0..3, high: 4..7) times int8
                IntVector xl = xlo.lanewise(LSHL, 24 - j).lanewise(ASHR, 24), xh = xhi.lanewise(LSHL, 24 - j).lanewise(ASHR, 24);
                qlo = qlo.add(nib.lanewise(LSHR, j).and(0xF).mul(xl));
                qhi = qhi.add(nib.lanewise(LSHR, j + 4).and(0xF).mul(xh));
            }
            FloatVector d = FloatVector.broadcast(F128, Fp16.half(w, wb) * dx);
            lo = ((FloatVector) qlo.convertShape(VectorOperators.I2F, F128, 0)).lanewise(FMA, d, lo);
            hi = ((FloatVector) qhi.convertShape(VectorOperators.I2F, F128, 0)).lanewise(FMA, d, hi);
        }
        return hsum8(lo, hi) + mins;
    }

    /** Q4_0 row (blocks of: f16 d, 16 B nibbles, value = nibble − 8) · Q8_0 activation row {@code r}. */
    public static float q4_0(MemorySegment w, long wOff, Q8Activations a, int r, int k) {
        int blocks = k / QK;
        long qRow = (long) r * a.k;
        long sRow = (long) r * (a.k / QK) * 4;
        FloatVector lo = FloatVector.zero(F128), hi = lo;
        for (int b = 0; b < blocks; b++) {
            long wb = wOff + 18L * b, xb = qRow + (long) b * QK;
            float dx = a.d.get(ValueLayout.JAVA_FLOAT, sRow + 4L * b);
            IntVector nib = IntVector.fromMemorySegment(I128, w, wb + 2, LE);
            IntVector xlo = IntVector.fromMemorySegment(I128, a.qs, xb, LE), xhi = IntVector.fromMemorySegment(I128, a.qs, xb + 16, LE);
            IntVector qlo = IntVector.zero(I128), qhi = qlo;
            for (int j = 0; j < 32; j += 8) {
                IntVector xl = xlo.lanewise(LSHL, 24 - j).lanewise(ASHR, 24), xh = xhi.lanewise(LSHL, 24 - j).lanewise(ASHR, 24);
                qlo = qlo.add(nib.lanewise(LSHR, j).and(0xF).sub(8).mul(xl));
                qhi = qhi.add(nib.lanewise(LSHR, j + 4).and(0xF).sub(8).mul(xh));
            }
            FloatVector d = FloatVector.broadcast(F128, Fp16.half(w, wb) * dx);
            lo = ((FloatVector) qlo.convertShape(VectorOperators.I2F, F128, 0)).lanewise(FMA, d, lo);
            hi = ((FloatVector) qhi.convertShape(VectorOperators.I2F, F128, 0)).lanewise(FMA, d, hi);
        }
        return hsum8(lo, hi);
    }

    /** Q8_0 row (blocks of: f16 d, 32 int8) · Q8_0 activation row {@code r}. */
    public static float q8_0(MemorySegment w, long wOff, Q8Activations a, int r, int k) {
        int blocks = k / QK;
        long qRow = (long) r * a.k;
        long sRow = (long) r * (a.k / QK) * 4;
        FloatVector lo = FloatVector.zero(F128), hi = lo;
        for (int b = 0; b < blocks; b++) {
            long wb = wOff + 34L * b, xb = qRow + (long) b * QK;
            float dx = a.d.get(ValueLayout.JAVA_FLOAT, sRow + 4L * b);
            IntVector wlo = IntVector.fromMemorySegment(I128, w, wb + 2, LE), whi = IntVector.fromMemorySegment(I128, w, wb + 18, LE);
            IntVector xlo = IntVector.fromMemorySegment(I128, a.qs, xb, LE), xhi = IntVector.fromMemorySegment(I128, a.qs, xb + 16, LE);
            IntVector qlo = IntVector.zero(I128), qhi = qlo;
            for (int j = 0; j < 32; j += 8) {
                qlo = qlo.add(wlo.lanewise(LSHL, 24 - j).lanewise(ASHR, 24).mul(xlo.lanewise(LSHL, 24 - j).lanewise(ASHR, 24)));
                qhi = qhi.add(whi.lanewise(LSHL, 24 - j).lanewise(ASHR, 24).mul(xhi.lanewise(LSHL, 24 - j).lanewise(ASHR, 24)));
            }
            FloatVector d = FloatVector.broadcast(F128, Fp16.half(w, wb) * dx);
            lo = ((FloatVector) qlo.convertShape(VectorOperators.I2F, F128, 0)).lanewise(FMA, d, lo);
            hi = ((FloatVector) qhi.convertShape(VectorOperators.I2F, F128, 0)).lanewise(FMA, d, hi);
        }
        return hsum8(lo, hi);
    }

    /** hsum_float_8 / tinyBLAS hsum: t_l = v_l + v_(l+4), then (t0 + t2) + (t1 + t3). */
    public static float hsum8(FloatVector v) {
        float t0 = v.lane(0) + v.lane(4), t1 = v.lane(1) + v.lane(5), t2 = v.lane(2) + v.lane(6), t3 = v.lane(3) + v.lane(7);
        return (t0 + t2) + (t1 + t3);
    }

    /** {@link #hsum8} of the 8 lanes (lo | hi). */
    static float hsum8(FloatVector lo, FloatVector hi) {
        float t0 = lo.lane(0) + hi.lane(0), t1 = lo.lane(1) + hi.lane(1), t2 = lo.lane(2) + hi.lane(2), t3 = lo.lane(3) + hi.lane(3);
        return (t0 + t2) + (t1 + t3);
    }

    private static FloatVector load(MemorySegment s, long off) {
        return FloatVector.fromMemorySegment(F, s, off, LE);
    }
}
