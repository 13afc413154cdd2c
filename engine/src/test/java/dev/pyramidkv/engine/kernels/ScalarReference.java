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
}
