package dev.pyramidkv.engine.kernels.onednn;

import dev.pyramidkv.engine.kernels.GgmlMath;
import jdk.incubator.vector.FloatVector;

import java.lang.foreign.MemorySegment;

import static dev.pyramidkv.engine.kernels.onednn.Bf16.F;
import static dev.pyramidkv.engine.kernels.onednn.Bf16.LE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

/**
 * The element-wise steps between the GEMMs of a oneDNN prefill, one row at a time, vectorized; those that
 * feed a GEMM write its bf16 input directly. Same formulas as the Java path, float lanes instead of its
 * scalar order (the sum of squares is a float lane sum, not a double).
 * <p>
 * Every result is fixed bits whether C2 has compiled the code or not: no {@code reduceLanes(ADD)} on floats
 * (C2 sums lanes as a tree, the interpreter in order) and no {@code lanewise(EXP)} (C2 calls SVML, the
 * interpreter {@code Math.exp}); otherwise the same prompt could prefill to different logits in one JVM.
 */
public final class PrefillRows {
    private PrefillRows() {}

    /** {@code dst (bf16) = x · w / sqrt(mean(x²) + eps)} for one row of {@code n}; x, w f32. */
    public static void rmsNormToBf16(MemorySegment x, long xOff, MemorySegment w, int n, float eps, MemorySegment dst, long dstOff) {
        float scale = 1.0f / (float) Math.sqrt(sumOfSquares(x, xOff, n) / n + eps);
        int i = 0;
        int upper = F.loopBound(n);
        for (; i < upper; i += F.length()) {
            FloatVector v = FloatVector.fromMemorySegment(F, x, xOff + 4L * i, LE).mul(scale);
            Bf16.store(v.mul(FloatVector.fromMemorySegment(F, w, 4L * i, LE)), dst, dstOff + 2L * i);
        }
        for (; i < n; i++) {
            dst.set(Bf16.BF16, dstOff + 2L * i, Bf16.bits(x.get(JAVA_FLOAT, xOff + 4L * i) * scale * w.get(JAVA_FLOAT, 4L * i)));
        }
    }

    /**
     * Σ x[i]² over n f32 at byte offset off: 16 lane accumulators {@code acc_l = fma(x, x, acc_l)} (l = i mod 16)
     * over the whole groups of 16, lanes summed pairwise (l + 8, then + 4, + 2, + 1), then the tail in order. With
     * 256-bit vectors the 16 lanes are two vectors, the same bits.
     */
    static float sumOfSquares(MemorySegment x, long off, int n) {
        int i = 0, upper = n & ~15;
        float a0, a1, a2, a3, a4, a5, a6, a7;
        if (F.length() == 16) {
            FloatVector acc = FloatVector.zero(F);
            for (; i < upper; i += 16) {
                FloatVector v = FloatVector.fromMemorySegment(F, x, off + 4L * i, LE);
                acc = v.fma(v, acc);
            }
            a0 = acc.lane(0) + acc.lane(8); a1 = acc.lane(1) + acc.lane(9); a2 = acc.lane(2) + acc.lane(10); a3 = acc.lane(3) + acc.lane(11);
            a4 = acc.lane(4) + acc.lane(12); a5 = acc.lane(5) + acc.lane(13); a6 = acc.lane(6) + acc.lane(14); a7 = acc.lane(7) + acc.lane(15);
        } else {
            FloatVector lo = FloatVector.zero(F), hi = lo;
            for (; i < upper; i += 16) {
                FloatVector v = FloatVector.fromMemorySegment(F, x, off + 4L * i, LE), u = FloatVector.fromMemorySegment(F, x, off + 4L * i + 32, LE);
                lo = v.fma(v, lo);
                hi = u.fma(u, hi);
            }
            a0 = lo.lane(0) + hi.lane(0); a1 = lo.lane(1) + hi.lane(1); a2 = lo.lane(2) + hi.lane(2); a3 = lo.lane(3) + hi.lane(3);
            a4 = lo.lane(4) + hi.lane(4); a5 = lo.lane(5) + hi.lane(5); a6 = lo.lane(6) + hi.lane(6); a7 = lo.lane(7) + hi.lane(7);
        }
        float sum = ((a0 + a4) + (a2 + a6)) + ((a1 + a5) + (a3 + a7));
        for (; i < n; i++) {
            float v = x.get(JAVA_FLOAT, off + 4L * i);
            sum += v * v;
        }
        return sum;
    }

    /**
     * {@code dst (bf16) = silu(gate) · up} for {@code n} values; gate and up f32. SiLU as ggml's
     * ({@link GgmlMath#siluMul}), computed in place in {@code gate}, which is left holding the f32 product.
     */
    public static void siluMulToBf16(MemorySegment gate, long gateOff, MemorySegment up, long upOff, int n, MemorySegment dst, long dstOff) {
        GgmlMath.siluMul(gate, gateOff, up, upOff, n, n);
        Bf16.fromF32(gate, gateOff, dst, dstOff, n);
    }

    /** {@code x[i] += y[i]} for {@code n} floats at the given byte offsets. */
    public static void add(MemorySegment x, long xOff, MemorySegment y, long yOff, int n) {
        int i = 0;
        for (int upper = F.loopBound(n); i < upper; i += F.length()) {
            FloatVector a = FloatVector.fromMemorySegment(F, x, xOff + 4L * i, LE);
            a.add(FloatVector.fromMemorySegment(F, y, yOff + 4L * i, LE)).intoMemorySegment(x, xOff + 4L * i, LE);
        }
        for (; i < n; i++) x.set(JAVA_FLOAT, xOff + 4L * i, x.get(JAVA_FLOAT, xOff + 4L * i) + y.get(JAVA_FLOAT, yOff + 4L * i));
    }
}
