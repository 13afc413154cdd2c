package dev.pyramidkv.engine.kernels;

import dev.pyramidkv.engine.gguf.GgmlType;
import dev.pyramidkv.engine.gguf.GgufTensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** Plain, obviously-correct versions of the kernels, in double, for tests only. */
public final class ScalarReference {
    private ScalarReference() {}

    /** Quantizes one block of 32 like llama.cpp: returns q, and d/s (f16-rounded) in ds[0], ds[1]. */
    public static int[] quantizeBlock(float[] x, int off, float[] ds) {
        float amax = 0;
        for (int j = 0; j < 32; j++) amax = Math.max(amax, Math.abs(x[off + j]));
        float d = amax / 127f;
        float id = amax != 0 ? 127f / amax : 0f;
        int[] q = new int[32];
        int sum = 0;
        for (int j = 0; j < 32; j++) {
            q[j] = (int) Math.rint(x[off + j] * id);
            sum += q[j];
        }
        ds[0] = Fp16.round(d);
        ds[1] = Fp16.round(d * sum);
        return q;
    }

    /** The dot of weight row {@code row} with x, with x quantized per block as the weight type requires. */
    static double quantizedDot(GgufTensor w, long row, float[] x) {
        int k = (int) w.rowLength();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment wr = arena.allocate(4L * k);
            Dequant.row(w, row, wr, 0);
            double sum = 0;
            float[] ds = new float[2];
            boolean q41 = w.type() == GgmlType.Q4_1;
            for (int b = 0; b < k / 32; b++) {
                int[] q = quantizeBlock(x, b * 32, ds);
                // Q4_1 pairs with Q8_1: its min m multiplies the f16 block sum s = d·Σq, not d·Σq itself
                double m = q41 ? Fp16.half(w.data(), row * w.rowBytes() + 20L * b + 2) : 0;
                for (int j = 0; j < 32; j++) {
                    sum += ((double) wr.getAtIndex(ValueLayout.JAVA_FLOAT, b * 32 + j) - m) * ds[0] * q[j];
                }
                sum += m * ds[1];
            }
            return sum;
        }
    }

    static double floatDot(GgufTensor w, long row, float[] x) {
        int k = (int) w.rowLength();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment wr = arena.allocate(4L * k);
            Dequant.row(w, row, wr, 0);
            double sum = 0;
            for (int j = 0; j < k; j++) sum += (double) wr.getAtIndex(ValueLayout.JAVA_FLOAT, j) * x[j];
            return sum;
        }
    }

    /**
     * ggml_vec_dot_{q4_0,q8_0}_q8_0 / q4_1_q8_1 (AVX2) restated one lane at a time: per block, lane l holds
     * the integer sum of products 4l..4l+3, {@code acc_l = fma(dw·dx, sum_l, acc_l)}; then hsum_float_8,
     * plus (Q4_1) the sequentially fused Σ m·s.
     */
    static float ggmlQuantizedDot(GgufTensor w, long row, Q8Activations a, int r) {
        int k = (int) w.rowLength();
        MemorySegment data = w.data();
        long base = row * w.rowBytes();
        int bytes = w.type().blockBytes;
        float[] acc = new float[8];
        float mins = 0;
        for (int b = 0; b < k / 32; b++) {
            long o = base + (long) b * bytes;
            float dx = a.d.get(ValueLayout.JAVA_FLOAT, ((long) r * (a.k / 32) + b) * 4);
            float dw = Fp16.half(data, o);
            if (w.type() == GgmlType.Q4_1) {
                float sx = a.s.get(ValueLayout.JAVA_FLOAT, ((long) r * (a.k / 32) + b) * 4);
                mins = Math.fma(Fp16.half(data, o + 2), sx, mins);
            }
            for (int l = 0; l < 8; l++) {
                int sum = 0;
                for (int e = 4 * l; e < 4 * l + 4; e++) {
                    sum += weightValue(w.type(), data, o, e) * a.qs.get(ValueLayout.JAVA_BYTE, (long) r * a.k + b * 32L + e);
                }
                acc[l] = Math.fma(dw * dx, (float) sum, acc[l]);
            }
        }
        return hsum8(acc) + mins;
    }

    /** Integer value of element e of a quantized block at offset o. */
    private static int weightValue(GgmlType type, MemorySegment data, long o, int e) {
        return switch (type) {
            case Q8_0 -> data.get(ValueLayout.JAVA_BYTE, o + 2 + e);
            case Q4_0 -> nibble(data, o + 2, e) - 8;
            case Q4_1 -> nibble(data, o + 4, e);
            default -> throw new IllegalArgumentException(type.toString());
        };
    }

    private static int nibble(MemorySegment data, long qs, int e) {
        int byteValue = data.get(ValueLayout.JAVA_BYTE, qs + (e % 16)) & 0xFF;
        return e < 16 ? byteValue & 0x0F : byteValue >>> 4;
    }

    /** ggml_vec_dot_f32 (AVX2) one lane at a time: 4×8 fused accumulators over steps of 32, the tail in sequence. */
    static float ggmlF32Dot(float[] w, float[] x) {
        int k = w.length, main = k / 32 * 32;
        float[][] acc = new float[4][8];
        for (int i = 0; i < main; i++) acc[(i / 8) % 4][i % 8] = Math.fma(w[i], x[i], acc[(i / 8) % 4][i % 8]);
        float[] s = new float[8];
        for (int l = 0; l < 8; l++) s[l] = (acc[0][l] + acc[2][l]) + (acc[1][l] + acc[3][l]);
        float sum = ((s[0] + s[4]) + (s[1] + s[5])) + ((s[2] + s[6]) + (s[3] + s[7]));
        int tail = k - main;
        int unfused = tail / 8 * 8 + (tail % 8 >= 4 ? 4 : 0);   // GCC's vectorized part of the tail loop
        for (int i = main; i < k; i++) sum = i < main + unfused ? sum + w[i] * x[i] : Math.fma(w[i], x[i], sum);
        return sum;
    }

    /** llamafile tinyBLAS (AVX2, F32): one 8-lane fused accumulator, lane i mod 8, then hsum. */
    static float tinyBlasF32Dot(float[] w, float[] x) {
        float[] acc = new float[8];
        for (int i = 0; i < w.length; i++) acc[i % 8] = Math.fma(w[i], x[i], acc[i % 8]);
        return hsum8(acc);
    }

    private static float hsum8(float[] v) {
        return ((v[0] + v[4]) + (v[2] + v[6])) + ((v[1] + v[5]) + (v[3] + v[7]));
    }
}
