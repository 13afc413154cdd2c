package dev.pyramidkv.engine.kernels;

import dev.pyramidkv.engine.gguf.GgufTensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** Row dequantization to f32 (embedding lookup, reference checks). */
public final class Dequant {
    private Dequant() {}

    /** Writes row {@code row} of {@code t} as f32 into {@code out} at byte offset {@code outOff}. */
    public static void row(GgufTensor t, long row, MemorySegment out, long outOff) {
        MemorySegment w = t.data();
        int k = (int) t.rowLength();
        long base = row * t.rowBytes();
        switch (t.type()) {
            case F32 -> MemorySegment.copy(w, base, out, outOff, 4L * k);
            case F16 -> { for (int i = 0; i < k; i++) put(out, outOff, i, Fp16.half(w, base + 2L * i)); }
            case BF16 -> { for (int i = 0; i < k; i++) put(out, outOff, i, Fp16.bf16(w, base + 2L * i)); }
            case Q8_0 -> {
                for (int b = 0; b < k / 32; b++) {
                    long o = base + 34L * b;
                    float d = Fp16.half(w, o);
                    for (int j = 0; j < 32; j++) put(out, outOff, b * 32 + j, d * w.get(ValueLayout.JAVA_BYTE, o + 2 + j));
                }
            }
            case Q4_0 -> {
                for (int b = 0; b < k / 32; b++) {
                    long o = base + 18L * b;
                    float d = Fp16.half(w, o);
                    for (int j = 0; j < 16; j++) {
                        int q = w.get(ValueLayout.JAVA_BYTE, o + 2 + j) & 0xFF;
                        put(out, outOff, b * 32 + j, d * ((q & 0x0F) - 8));
                        put(out, outOff, b * 32 + j + 16, d * ((q >>> 4) - 8));
                    }
                }
            }
            case Q4_1 -> {
                for (int b = 0; b < k / 32; b++) {
                    long o = base + 20L * b;
                    float d = Fp16.half(w, o);
                    float m = Fp16.half(w, o + 2);
                    for (int j = 0; j < 16; j++) {
                        int q = w.get(ValueLayout.JAVA_BYTE, o + 4 + j) & 0xFF;
                        put(out, outOff, b * 32 + j, d * (q & 0x0F) + m);
                        put(out, outOff, b * 32 + j + 16, d * (q >>> 4) + m);
                    }
                }
            }
            case Q4_K -> KQuants.dequantizeQ4K(w, base, k, out, outOff);
            case Q6_K -> KQuants.dequantizeQ6K(w, base, k, out, outOff);
            case Q5_0 -> KQuants.dequantizeQ5_0(w, base, k, out, outOff);
            default -> throw new IllegalArgumentException("cannot dequantize " + t.type() + " (tensor '" + t.name() + "')");
        }
    }

    private static void put(MemorySegment out, long outOff, int i, float v) {
        out.set(ValueLayout.JAVA_FLOAT, outOff + 4L * i, v);
    }
}
