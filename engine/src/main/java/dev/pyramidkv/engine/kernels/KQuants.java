package dev.pyramidkv.engine.kernels;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

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
 * fused with {@code dmin = -d8·dmin}), reduced as {@code (a0+a2)+(a1+a3)} and added last. This is
 * plain scalar code in exactly that order, the lanes as eight local accumulators (nothing allocated).
 */
public final class KQuants {
    private KQuants() {}

    public static final int Q4K_BYTES = 144;
    public static final int Q6K_BYTES = 210;
    public static final int Q5_0_BYTES = 22;
    private static final int QK_K = 256;
    private static final ValueLayout.OfInt INT_LE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    // ---- dot products ------------------------------------------------------------------------------
    // Blocks in order; lane l's accumulator a_l = fma(d, (float) isum_l, a_l); the lane sums are exact ints.

    /** ggml_vec_dot_q4_K_q8_K: a Q4_K row at {@code wOff} · Q8_K activation row {@code r}, {@code k} values. */
    public static float dotQ4K(MemorySegment w, long wOff, Q8KActivations a, int r, int k) {
        int blocks = k / QK_K;
        float a0 = 0, a1 = 0, a2 = 0, a3 = 0, a4 = 0, a5 = 0, a6 = 0, a7 = 0;   // value lanes
        float m0 = 0, m1 = 0, m2 = 0, m3 = 0;                                   // minimum lanes
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
            a0 = Math.fma(d, (float) laneQ4K(w, wb, a, q8, 0), a0);
            a1 = Math.fma(d, (float) laneQ4K(w, wb, a, q8, 1), a1);
            a2 = Math.fma(d, (float) laneQ4K(w, wb, a, q8, 2), a2);
            a3 = Math.fma(d, (float) laneQ4K(w, wb, a, q8, 3), a3);
            a4 = Math.fma(d, (float) laneQ4K(w, wb, a, q8, 4), a4);
            a5 = Math.fma(d, (float) laneQ4K(w, wb, a, q8, 5), a5);
            a6 = Math.fma(d, (float) laneQ4K(w, wb, a, q8, 6), a6);
            a7 = Math.fma(d, (float) laneQ4K(w, wb, a, q8, 7), a7);
        }
        return hsum8(a0, a1, a2, a3, a4, a5, a6, a7) + ((m0 + m2) + (m1 + m3));
    }

    /** Lane l of one Q4_K block: per 64 values j, sc[2j]·Σ low-nibble products + sc[2j+1]·Σ high-nibble products. */
    private static int laneQ4K(MemorySegment w, long wb, Q8KActivations a, long q8, int l) {
        int isum = 0;
        for (int j = 0; j < 4; j++) {
            int lo = 0, hi = 0;
            for (int t = 0; t < 4; t++) {
                int q = u8(w, wb + 16 + 32L * j + 4L * l + t);
                lo += (q & 0x0F) * a.qs.get(JAVA_BYTE, q8 + 64L * j + 4L * l + t);
                hi += (q >>> 4) * a.qs.get(JAVA_BYTE, q8 + 64L * j + 32 + 4L * l + t);
            }
            isum += scaleQ4K(w, wb, 2 * j) * lo + scaleQ4K(w, wb, 2 * j + 1) * hi;
        }
        return isum;
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

    /** ggml_vec_dot_q6_K_q8_K: a Q6_K row at {@code wOff} · Q8_K activation row {@code r}. */
    public static float dotQ6K(MemorySegment w, long wOff, Q8KActivations a, int r, int k) {
        int blocks = k / QK_K;
        float a0 = 0, a1 = 0, a2 = 0, a3 = 0, a4 = 0, a5 = 0, a6 = 0, a7 = 0;
        for (int b = 0; b < blocks; b++) {
            long wb = wOff + (long) b * Q6K_BYTES;
            long q8 = (long) r * a.k + (long) b * QK_K;
            float d = a.d.getAtIndex(JAVA_FLOAT, (long) r * (a.k / QK_K) + b) * Fp16.half(w, wb + 208);
            a0 = Math.fma(d, (float) laneQ6K(w, wb, a, q8, 0), a0);
            a1 = Math.fma(d, (float) laneQ6K(w, wb, a, q8, 1), a1);
            a2 = Math.fma(d, (float) laneQ6K(w, wb, a, q8, 2), a2);
            a3 = Math.fma(d, (float) laneQ6K(w, wb, a, q8, 3), a3);
            a4 = Math.fma(d, (float) laneQ6K(w, wb, a, q8, 4), a4);
            a5 = Math.fma(d, (float) laneQ6K(w, wb, a, q8, 5), a5);
            a6 = Math.fma(d, (float) laneQ6K(w, wb, a, q8, 6), a6);
            a7 = Math.fma(d, (float) laneQ6K(w, wb, a, q8, 7), a7);
        }
        return hsum8(a0, a1, a2, a3, a4, a5, a6, a7);
    }

    /** Lane l of one Q6_K block: per 32-value chunk c, scale[2c + l/4]·Σ (q6 - 32)·q8 over its values 4l..4l+3. */
    private static int laneQ6K(MemorySegment w, long wb, Q8KActivations a, long q8, int l) {
        int isum = 0;
        for (int c = 0; c < 8; c++) {
            int sum = 0;
            for (int t = 0; t < 4; t++) {
                int e = 32 * c + 4 * l + t;
                sum += (q6(w, wb, e) - 32) * a.qs.get(JAVA_BYTE, q8 + e);
            }
            isum += w.get(JAVA_BYTE, wb + 192 + 2 * c + l / 4) * sum;
        }
        return isum;
    }

    /** ggml_vec_dot_q5_0_q8_0: a Q5_0 row at {@code wOff} · Q8_0 activation row {@code r}. */
    public static float dotQ5_0(MemorySegment w, long wOff, Q8Activations a, int r, int k) {
        int blocks = k / 32;
        float a0 = 0, a1 = 0, a2 = 0, a3 = 0, a4 = 0, a5 = 0, a6 = 0, a7 = 0;
        for (int b = 0; b < blocks; b++) {
            long wb = wOff + (long) b * Q5_0_BYTES;
            long q8 = (long) r * a.k + 32L * b;
            float d = Fp16.half(w, wb) * a.d.getAtIndex(JAVA_FLOAT, (long) r * (a.k / 32) + b);
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
