package dev.pyramidkv.engine.kernels;

import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

/**
 * The RoPE rotation of head vectors, as llama.cpp's CPU backend computes it: the Java path (bit-exact) and
 * the oneDNN prefill share it. Pair i turns by the angle whose cos and sin are at {@code table[i]}; it is
 * elements (2i, 2i+1) in mode NORM (llama) and (i, i + ropeDim/2) in mode NEOX (qwen2). Elements past
 * {@code ropeDim} are left alone.
 */
public final class Rope {
    private Rope() {}

    /**
     * Rotates {@code heads} consecutive head vectors of {@code headDim} f32 at byte {@code off} of {@code v}, by
     * the angles at byte {@code tableOff} of {@code table} ({@code [ropeDim/2][cos, sin]} f32, one position); the
     * multiply-adds fused where llama.cpp's compiler fused them.
     */
    public static void rotate(MemorySegment v, long off, int heads, int headDim, int ropeDim, boolean neox, MemorySegment table, long tableOff) {
        int pairs = ropeDim / 2;
        long stride = neox ? 4 : 8;              // bytes from pair i to pair i+1
        long partner = neox ? 4L * pairs : 4;    // bytes from x0 to the x1 it rotates with
        for (int h = 0; h < heads; h++) {
            long head = off + 4L * h * headDim;
            for (int i = 0; i < pairs; i++) {
                float cos = table.get(JAVA_FLOAT, tableOff + 8L * i);
                float sin = table.get(JAVA_FLOAT, tableOff + 8L * i + 4);
                long o = head + stride * i;
                float x0 = v.get(JAVA_FLOAT, o), x1 = v.get(JAVA_FLOAT, o + partner);
                v.set(JAVA_FLOAT, o, Math.fma(x0, cos, -(x1 * sin)));
                v.set(JAVA_FLOAT, o + partner, Math.fma(x0, sin, x1 * cos));
            }
        }
    }
}
