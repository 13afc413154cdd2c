package dev.pyramidkv.engine.kernels;

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
}
