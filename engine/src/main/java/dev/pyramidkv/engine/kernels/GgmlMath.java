package dev.pyramidkv.engine.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * ggml's vectorized float functions (AVX2+FMA build) evaluated one lane at a time, which gives the same
 * bits since every step is lane-wise. Used where llama.cpp uses them: SiLU and the softmax exponentials.
 */
public final class GgmlMath {
    private GgmlMath() {}

    private static final float SHIFT = 0x1.8p23f;   // adding it rounds to an integer held in the low mantissa bits
    private static final int ONE = Float.floatToRawIntBits(1f);

    /**
     * e^x as ggml_v_expf: x = n·ln2 + b with n = round(x/ln2) and ln2 split in two parts, e^b from a degree-5
     * polynomial, the scale 2^n built in the exponent bits; |n| &gt; 126 goes through two scale factors so
     * results near the float range limits over/underflow as ggml's do (e^-inf = 0).
     */
    public static float expf(float x) {
        float z = Math.fma(x, 0x1.715476p+0f, SHIFT);
        float n = z - SHIFT;
        float b = Math.fma(-n, 0x1.7f7d1cp-20f, Math.fma(-n, 0x1.62e4p-1f, x));
        int e = Float.floatToRawIntBits(z) << 23;
        float k = Float.intBitsToFloat(e + ONE);
        float u = b * b;
        float j = Math.fma(
                Math.fma(Math.fma(0x1.0e4020p-7f, b, 0x1.573e2ep-5f), u, Math.fma(0x1.555e66p-3f, b, 0x1.fffdb6p-2f)),
                u, 0x1.ffffecp-1f * b);
        float an = Math.abs(n);
        if (!(an > 126)) return Math.fma(k, j, k);
        int g = n <= 0 ? 0x82000000 : 0;
        float s1 = Float.intBitsToFloat(g + 0x7f000000);
        if (an > 192) return s1 * s1;
        float s2 = Float.intBitsToFloat(e - g);
        return Math.fma(s2, j, s2) * s1;
    }

    /** x·sigmoid(x) as ggml_v_silu: x / (1 + e^(0−x)). */
    public static float silu(float x) {
        return x / (1f + expf(0f - x));
    }

    /**
     * Element i of SiLU over a row of n as ggml_vec_silu_f32: groups of 8 through {@link #silu}, the last
     * n mod 8 through ggml_silu_f32, which calls the C library's expf.
     */
    public static float silu(float x, int i, int n) {
        return i < (n & ~7) ? silu(x) : x / (1f + CMath.expf(-x));
    }

    static final VectorSpecies<Float> F = VectorShape.F;
    private static final int L = VectorShape.LANES;
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    // The vector loops below spell out expf's operations lane-wise (the same bits as the scalar expf) instead of
    // calling a vector helper: C2 compiles such a helper on its own first, without knowing the vector's shape,
    // into a large non-intrinsic body that it then refuses to inline ("already compiled into a big method"), and
    // every call boxes vectors (MBs of garbage per token).

    /**
     * {@code x[i] = expf(x[i] − sub)} for i in [0, n) (f32 at byte offset {@code off}) a vector at a time, as long as
     * no lane needs expf's |n| &gt; 126 path; returns how many it did (a multiple of 8), the caller does the rest.
     */
    public static int expGroups(MemorySegment x, long off, int n, float sub) {
        int i = 0;
        for (; i + L <= n; i += L) {
            long o = off + 4L * i;
            FloatVector v = FloatVector.fromMemorySegment(F, x, o, LE).sub(sub);
            FloatVector z = v.fma(v.broadcast(0x1.715476p+0f), v.broadcast(SHIFT));
            FloatVector m = z.sub(SHIFT);
            if (m.abs().compare(VectorOperators.GT, 126f).anyTrue()) break;
            FloatVector minusM = m.neg();
            FloatVector b = minusM.fma(v.broadcast(0x1.7f7d1cp-20f), minusM.fma(v.broadcast(0x1.62e4p-1f), v));
            FloatVector k = z.viewAsIntegralLanes().lanewise(VectorOperators.LSHL, 23).add(ONE).viewAsFloatingLanes();
            FloatVector u = b.mul(b);
            FloatVector j = b.fma(0x1.0e4020p-7f, 0x1.573e2ep-5f).fma(u, b.fma(0x1.555e66p-3f, 0x1.fffdb6p-2f)).fma(u, b.mul(0x1.ffffecp-1f));
            k.fma(j, k).intoMemorySegment(x, o, LE);
        }
        return i;
    }

    /**
     * {@code g[i] = silu(g[i])·u[i]} for i in [0, n) (f32 at byte offsets), elements as {@link #silu(float, int, int)}
     * numbers them within rows of {@code row} elements: vectors where ggml uses ggml_v_silu, lanes otherwise
     * (and for vectors with a lane on expf's |n| &gt; 126 path).
     */
    public static void siluMul(MemorySegment g, long gOff, MemorySegment u, long uOff, int n, int row) {
        int vectorized = row & ~7;        // per row, ggml_v_silu covers [0, row & ~7)
        int i = 0;
        while (i < n) {
            int inRow = i % row;
            long go = gOff + 4L * i, uo = uOff + 4L * i;
            if (inRow + L <= vectorized) {
                FloatVector x = FloatVector.fromMemorySegment(F, g, go, LE);
                FloatVector v = FloatVector.zero(F).sub(x);                      // expf(0 − x)
                FloatVector z = v.fma(v.broadcast(0x1.715476p+0f), v.broadcast(SHIFT));
                FloatVector m = z.sub(SHIFT);
                if (!m.abs().compare(VectorOperators.GT, 126f).anyTrue()) {
                    FloatVector minusM = m.neg();
                    FloatVector b = minusM.fma(v.broadcast(0x1.7f7d1cp-20f), minusM.fma(v.broadcast(0x1.62e4p-1f), v));
                    FloatVector k = z.viewAsIntegralLanes().lanewise(VectorOperators.LSHL, 23).add(ONE).viewAsFloatingLanes();
                    FloatVector uu = b.mul(b);
                    FloatVector j = b.fma(0x1.0e4020p-7f, 0x1.573e2ep-5f).fma(uu, b.fma(0x1.555e66p-3f, 0x1.fffdb6p-2f)).fma(uu, b.mul(0x1.ffffecp-1f));
                    FloatVector e = k.fma(j, k);
                    x.div(e.add(1f)).mul(FloatVector.fromMemorySegment(F, u, uo, LE)).intoMemorySegment(g, go, LE);
                    i += L;
                    continue;
                }
                for (int l = 0; l < L; l++, i++) put(g, u, gOff, uOff, i, silu(g.get(ValueLayout.JAVA_FLOAT, gOff + 4L * i), i % row, row));
                continue;
            }
            put(g, u, gOff, uOff, i, silu(g.get(ValueLayout.JAVA_FLOAT, go), inRow, row));
            i++;
        }
    }

    private static void put(MemorySegment g, MemorySegment u, long gOff, long uOff, int i, float silu) {
        g.set(ValueLayout.JAVA_FLOAT, gOff + 4L * i, silu * u.get(ValueLayout.JAVA_FLOAT, uOff + 4L * i));
    }
}
