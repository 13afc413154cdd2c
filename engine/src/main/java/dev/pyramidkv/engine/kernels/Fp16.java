package dev.pyramidkv.engine.kernels;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** Half and bfloat16 conversions, as ggml does them (round to nearest even). */
public final class Fp16 {
    private Fp16() {}

    static final ValueLayout.OfShort HALF = ValueLayout.JAVA_SHORT_UNALIGNED;

    /** A float rounded to the nearest f16 value, back as float. */
    public static float round(float x) {
        return Float.float16ToFloat(Float.floatToFloat16(x));
    }

    public static float half(MemorySegment s, long offset) {
        return Float.float16ToFloat(s.get(HALF, offset));
    }

    public static float bf16(MemorySegment s, long offset) {
        return Float.intBitsToFloat(s.get(HALF, offset) << 16);
    }

    /** f32 → bf16 → f32 with round-to-nearest-even (NaN stays NaN), as ggml_compute_fp32_to_bf16. */
    public static float roundBf16(float x) {
        int u = Float.floatToRawIntBits(x);
        if ((u & 0x7fffffff) > 0x7f800000) return Float.intBitsToFloat((u | 0x00400000) & 0xffff0000);
        u = (u + (0x7fff + ((u >>> 16) & 1))) & 0xffff0000;
        return Float.intBitsToFloat(u);
    }
}
