package dev.pyramidkv.engine.kernels;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Dot products of one weight row with one activation row, per weight type, the way llama.cpp pairs them:
 * Q4_0 and Q8_0 with Q8_0 activations, Q4_1 with Q8_1, F32 with F32, F16/BF16 with F16/BF16-rounded
 * activations. Integer block sums are exact; per-block scaled sums accumulate in 16 float lanes, which
 * {@link #sum} adds in a fixed order ({@code reduceLanes(ADD)} does not: its order differs between the
 * intrinsic and the Java fallback, so results would depend on the JIT's state).
 */
public final class Dot {
    private Dot() {}

    static final VectorSpecies<Byte> B128 = ByteVector.SPECIES_128;
    static final VectorSpecies<Short> S256 = ShortVector.SPECIES_256;
    static final VectorSpecies<Integer> I512 = IntVector.SPECIES_512;
    static final VectorSpecies<Float> F512 = FloatVector.SPECIES_512;
    static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    static final int QK = Q8Activations.BLOCK;
    private static final VectorShuffle<Float> SWAP8 = VectorShuffle.fromOp(F512, i -> i ^ 8);
    private static final VectorShuffle<Float> SWAP4 = VectorShuffle.fromOp(F512, i -> i ^ 4);
    private static final VectorShuffle<Float> SWAP2 = VectorShuffle.fromOp(F512, i -> i ^ 2);
    private static final VectorShuffle<Float> SWAP1 = VectorShuffle.fromOp(F512, i -> i ^ 1);

    /**
     * The 16 lanes of {@code v} added as a fixed tree, the same in compiled and interpreted code: neighbours
     * first, ((v0+v1) + (v2+v3)) + ((v4+v5) + (v6+v7)) + ..., as lane 0 of v + v^1, then + its ^2, ^4, ^8
     * (v^k swaps lanes i and i^k).
     */
    public static float sum(FloatVector v) {
        v = v.add(v.rearrange(SWAP1));
        v = v.add(v.rearrange(SWAP2));
        v = v.add(v.rearrange(SWAP4));
        v = v.add(v.rearrange(SWAP8));
        return v.lane(0);
    }

    /**
     * {@code out[c] = Σ_j p[j]·v[j][c]} for c in [0, n): {@code count} weights p (f32 at {@code pOff}) and rows v
     * at {@code vOff + j·rowBytes}, summed in j order per element (as repeated {@link #axpy} would), 64 columns
     * at a time in registers.
     */
    public static void weightedSum(MemorySegment p, long pOff, int count, MemorySegment v, long vOff, long rowBytes, int n,
                                   MemorySegment out, long outOff) {
        int c = 0;
        for (; c + 64 <= n; c += 64) {
            FloatVector a0 = FloatVector.zero(F512), a1 = a0, a2 = a0, a3 = a0;
            long row = vOff + 4L * c;
            for (int j = 0; j < count; j++, row += rowBytes) {
                FloatVector pj = FloatVector.broadcast(F512, p.get(ValueLayout.JAVA_FLOAT, pOff + 4L * j));
                a0 = FloatVector.fromMemorySegment(F512, v, row, LE).fma(pj, a0);
                a1 = FloatVector.fromMemorySegment(F512, v, row + 64, LE).fma(pj, a1);
                a2 = FloatVector.fromMemorySegment(F512, v, row + 128, LE).fma(pj, a2);
                a3 = FloatVector.fromMemorySegment(F512, v, row + 192, LE).fma(pj, a3);
            }
            long o = outOff + 4L * c;
            a0.intoMemorySegment(out, o, LE);
            a1.intoMemorySegment(out, o + 64, LE);
            a2.intoMemorySegment(out, o + 128, LE);
            a3.intoMemorySegment(out, o + 192, LE);
        }
        if (c == n) return;
        for (int i = c; i < n; i++) out.set(ValueLayout.JAVA_FLOAT, outOff + 4L * i, 0f);
        for (int j = 0; j < count; j++) {
            axpy(p.get(ValueLayout.JAVA_FLOAT, pOff + 4L * j), v, vOff + j * rowBytes + 4L * c, out, outOff + 4L * c, n - c);
        }
    }

    /** Σ over k of w[k]·x[k], both f32; {@code w} at byte offset wOff, {@code x} at float index xOff·4. */
    public static float f32(MemorySegment w, long wOff, MemorySegment x, long xOff, int k) {
        FloatVector acc = FloatVector.zero(F512);
        int i = 0;
        int upper = F512.loopBound(k);
        for (; i < upper; i += F512.length()) {
            FloatVector a = FloatVector.fromMemorySegment(F512, w, wOff + 4L * i, LE);
            FloatVector b = FloatVector.fromMemorySegment(F512, x, xOff + 4L * i, LE);
            acc = a.fma(b, acc);
        }
        float sum = sum(acc);
        for (; i < k; i++) {
            sum += w.get(ValueLayout.JAVA_FLOAT_UNALIGNED, wOff + 4L * i) * x.get(ValueLayout.JAVA_FLOAT_UNALIGNED, xOff + 4L * i);
        }
        return sum;
    }

    /** {@code y[i] += a·x[i]} for i in [0, n), f32 at byte offsets {@code xOff}, {@code yOff}. */
    public static void axpy(float a, MemorySegment x, long xOff, MemorySegment y, long yOff, int n) {
        int i = 0;
        int upper = F512.loopBound(n);
        FloatVector va = FloatVector.broadcast(F512, a);
        for (; i < upper; i += F512.length()) {
            FloatVector vx = FloatVector.fromMemorySegment(F512, x, xOff + 4L * i, LE);
            FloatVector vy = FloatVector.fromMemorySegment(F512, y, yOff + 4L * i, LE);
            vx.fma(va, vy).intoMemorySegment(y, yOff + 4L * i, LE);
        }
        for (; i < n; i++) {
            long yo = yOff + 4L * i;
            y.set(ValueLayout.JAVA_FLOAT_UNALIGNED, yo, y.get(ValueLayout.JAVA_FLOAT_UNALIGNED, yo) + a * x.get(ValueLayout.JAVA_FLOAT_UNALIGNED, xOff + 4L * i));
        }
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

    /** Q4_1 row (blocks of: f16 d, f16 m, 16 B nibbles) · Q8_1 activation row {@code r}. */
    public static float q4_1(MemorySegment w, long wOff, Q8Activations a, int r, int k) {
        int blocks = k / QK;
        long qRow = (long) r * a.k;
        long sRow = (long) r * (a.k / QK) * 4;
        FloatVector acc = FloatVector.zero(F512);
        float summs = 0f;
        for (int b = 0; b < blocks; b++) {
            long wb = wOff + 20L * b;
            float d = Fp16.half(w, wb) * a.d.get(ValueLayout.JAVA_FLOAT, sRow + 4L * b);
            summs += Fp16.half(w, wb + 2) * a.s.get(ValueLayout.JAVA_FLOAT, sRow + 4L * b);
            ByteVector nib = ByteVector.fromMemorySegment(B128, w, wb + 4, LE);
            ShortVector lo = (ShortVector) nib.and((byte) 0x0F).convertShape(VectorOperators.B2S, S256, 0);
            ShortVector hi = (ShortVector) nib.lanewise(VectorOperators.LSHR, 4).convertShape(VectorOperators.B2S, S256, 0);
            long qo = qRow + (long) b * QK;
            ShortVector x0 = (ShortVector) ByteVector.fromMemorySegment(B128, a.qs, qo, LE).convertShape(VectorOperators.B2S, S256, 0);
            ShortVector x1 = (ShortVector) ByteVector.fromMemorySegment(B128, a.qs, qo + 16, LE).convertShape(VectorOperators.B2S, S256, 0);
            acc = blockSum(lo.mul(x0).add(hi.mul(x1))).fma(FloatVector.broadcast(F512, d), acc);
        }
        return sum(acc) + summs;
    }

    /** Q4_0 row (blocks of: f16 d, 16 B nibbles, value = nibble − 8) · Q8_0 activation row {@code r}. */
    public static float q4_0(MemorySegment w, long wOff, Q8Activations a, int r, int k) {
        int blocks = k / QK;
        long qRow = (long) r * a.k;
        long sRow = (long) r * (a.k / QK) * 4;
        FloatVector acc = FloatVector.zero(F512);
        for (int b = 0; b < blocks; b++) {
            long wb = wOff + 18L * b;
            float d = Fp16.half(w, wb) * a.d.get(ValueLayout.JAVA_FLOAT, sRow + 4L * b);
            ByteVector nib = ByteVector.fromMemorySegment(B128, w, wb + 2, LE);
            ShortVector lo = (ShortVector) nib.and((byte) 0x0F).sub((byte) 8).convertShape(VectorOperators.B2S, S256, 0);
            ShortVector hi = (ShortVector) nib.lanewise(VectorOperators.LSHR, 4).sub((byte) 8).convertShape(VectorOperators.B2S, S256, 0);
            long qo = qRow + (long) b * QK;
            ShortVector x0 = (ShortVector) ByteVector.fromMemorySegment(B128, a.qs, qo, LE).convertShape(VectorOperators.B2S, S256, 0);
            ShortVector x1 = (ShortVector) ByteVector.fromMemorySegment(B128, a.qs, qo + 16, LE).convertShape(VectorOperators.B2S, S256, 0);
            acc = blockSum(lo.mul(x0).add(hi.mul(x1))).fma(FloatVector.broadcast(F512, d), acc);
        }
        return sum(acc);
    }

    /** Q8_0 row (blocks of: f16 d, 32 int8) · Q8_0 activation row {@code r}. */
    public static float q8_0(MemorySegment w, long wOff, Q8Activations a, int r, int k) {
        int blocks = k / QK;
        long qRow = (long) r * a.k;
        long sRow = (long) r * (a.k / QK) * 4;
        FloatVector acc = FloatVector.zero(F512);
        for (int b = 0; b < blocks; b++) {
            long wb = wOff + 34L * b;
            float d = Fp16.half(w, wb) * a.d.get(ValueLayout.JAVA_FLOAT, sRow + 4L * b);
            ShortVector w0 = (ShortVector) ByteVector.fromMemorySegment(B128, w, wb + 2, LE).convertShape(VectorOperators.B2S, S256, 0);
            ShortVector w1 = (ShortVector) ByteVector.fromMemorySegment(B128, w, wb + 18, LE).convertShape(VectorOperators.B2S, S256, 0);
            long qo = qRow + (long) b * QK;
            ShortVector x0 = (ShortVector) ByteVector.fromMemorySegment(B128, a.qs, qo, LE).convertShape(VectorOperators.B2S, S256, 0);
            ShortVector x1 = (ShortVector) ByteVector.fromMemorySegment(B128, a.qs, qo + 16, LE).convertShape(VectorOperators.B2S, S256, 0);
            // |w·x| ≤ 128·128·2 = 32768 overflows a short: widen each product pair before adding
            IntVector p0 = (IntVector) w0.mul(x0).convertShape(VectorOperators.S2I, I512, 0);
            IntVector p1 = (IntVector) w1.mul(x1).convertShape(VectorOperators.S2I, I512, 0);
            FloatVector sum = (FloatVector) p0.add(p1).convertShape(VectorOperators.I2F, F512, 0);
            acc = sum.fma(FloatVector.broadcast(F512, d), acc);
        }
        return sum(acc);
    }

    private static FloatVector blockSum(ShortVector products) {
        return (FloatVector) products.convertShape(VectorOperators.S2I, I512, 0).convertShape(VectorOperators.I2F, F512, 0);
    }
}
