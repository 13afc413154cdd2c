package dev.pyramidkv.cache;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How a K or V row of {@code headDim} values is stored in a {@link LayerRegion}. Rows are written from f32
 * (prefill staging, decode projections) and read by the engine's attention kernels; compaction moves whole
 * rows, whatever their type.
 * <pre>
 * F32   headDim × f32                                             4 B per value
 * F16   headDim × f16 (IEEE half, round to nearest even)          2 B per value
 * BF16  headDim × bf16 (the top half of the f32, round to nearest even)   2 B per value
 * Q8_0  headDim/32 blocks of 34 B (ggml's block_q8_0):
 *         byte 0..1   f16 d
 *         byte 2..33  int8 q[0..31]                   x[i] ≈ d·q[i]
 * Q4_0  headDim/32 blocks of 18 B (ggml's block_q4_0):
 *         byte 0..1   f16 d
 *         byte 2..17  qs[0..15]: low nibble of qs[j] is value j, high nibble value j+16;
 *                     x ≈ d·(nibble − 8)
 * </pre>
 * The block types quantize as ggml's reference code does. Q8_0: {@code d = max|x| / 127} (stored as f16),
 * {@code q = round-half-even(x / d)}. Q4_0 ({@code quantize_row_q4_0_ref}): {@code d = m / −8} where m is the
 * value of largest magnitude (its sign kept, so m itself maps to nibble 0 exactly), nibble
 * {@code min(15, trunc(x/d + 8.5))}. BF16 rounds as ggml's {@code GGML_FP32_TO_BF16} (NaN stays a quiet NaN).
 */
public enum KvType {
    F32("f32"), F16("f16"), BF16("bf16"), Q8_0("q8_0"), Q4_0("q4_0");

    /** Values per Q8_0 or Q4_0 block. */
    public static final int QK = 32;
    /** Bytes per Q8_0 block: the f16 scale, then 32 int8. */
    public static final int Q8_0_BLOCK_BYTES = 2 + QK;
    /** Bytes per Q4_0 block: the f16 scale, then 16 bytes of two nibbles each. */
    public static final int Q4_0_BLOCK_BYTES = 2 + QK / 2;

    private final String cliName;

    KvType(String cliName) { this.cliName = cliName; }

    public String cliName() { return cliName; }

    /** Parses {@code f32|f16|bf16|q8_0|q4_0} (case-insensitive). */
    public static KvType parse(String name) {
        if (name != null) {
            String lower = name.trim().toLowerCase(Locale.ROOT);
            for (KvType t : values()) if (t.cliName.equals(lower)) return t;
        }
        throw new IllegalArgumentException("kv type: unknown type '" + name + "'; expected one of " + NAMES);
    }

    /** Parses a comma-separated list such as {@code f32,q8_0}; empty or repeated entries are errors. */
    public static List<KvType> parseList(String list) {
        List<KvType> out = new ArrayList<>();
        for (String part : list.split(",", -1)) {
            KvType t = parse(part);
            if (out.contains(t)) throw new IllegalArgumentException("kv type: '" + t.cliName + "' is listed twice");
            out.add(t);
        }
        return out;
    }

    /** Bytes of one row of {@code headDim} values. */
    public long rowBytes(int headDim) {
        return switch (this) {
            case F32 -> 4L * headDim;
            case F16, BF16 -> 2L * headDim;
            case Q8_0 -> (long) (headDim / QK) * Q8_0_BLOCK_BYTES;
            case Q4_0 -> (long) (headDim / QK) * Q4_0_BLOCK_BYTES;
        };
    }

    /** Throws unless rows of {@code headDim} values can be stored in this type. */
    public void checkHeadDim(int headDim) {
        if (isBlocked() && headDim % QK != 0) {
            throw new IllegalArgumentException("kv type " + cliName + " needs a head size that is a multiple of " + QK + ", the model's is " + headDim);
        }
    }

    /** True for the types stored in blocks of {@link #QK} values with a scale each. */
    public boolean isBlocked() { return this == Q8_0 || this == Q4_0; }

    /** Writes {@code n} f32 values at {@code src[srcOff]} as one row of this type at {@code dst[dstOff]}. Allocation-free. */
    public void encode(MemorySegment src, long srcOff, MemorySegment dst, long dstOff, int n) {
        switch (this) {
            case F32 -> MemorySegment.copy(src, srcOff, dst, dstOff, 4L * n);
            case F16 -> {
                for (int i = 0; i < n; i++) dst.set(HALF, dstOff + 2L * i, Float.floatToFloat16(src.get(FLOAT, srcOff + 4L * i)));
            }
            case BF16 -> {
                for (int i = 0; i < n; i++) dst.set(HALF, dstOff + 2L * i, toBf16(src.get(FLOAT, srcOff + 4L * i)));
            }
            case Q8_0 -> {
                for (int b = 0; b < n / QK; b++) {
                    long in = srcOff + 4L * QK * b, out = dstOff + (long) Q8_0_BLOCK_BYTES * b;
                    float amax = 0f;
                    for (int i = 0; i < QK; i++) amax = Math.max(amax, Math.abs(src.get(FLOAT, in + 4L * i)));
                    float d = amax / 127f;
                    float id = d != 0f ? 1f / d : 0f;
                    dst.set(HALF, out, Float.floatToFloat16(d));
                    for (int i = 0; i < QK; i++) dst.set(ValueLayout.JAVA_BYTE, out + 2 + i, (byte) Math.rint(src.get(FLOAT, in + 4L * i) * id));
                }
            }
            case Q4_0 -> {
                for (int b = 0; b < n / QK; b++) {
                    long in = srcOff + 4L * QK * b, out = dstOff + (long) Q4_0_BLOCK_BYTES * b;
                    float amax = 0f, max = 0f;
                    for (int i = 0; i < QK; i++) {
                        float x = src.get(FLOAT, in + 4L * i);
                        if (amax < Math.abs(x)) {
                            amax = Math.abs(x);
                            max = x;
                        }
                    }
                    float d = max / -8f;
                    float id = d != 0f ? 1f / d : 0f;
                    dst.set(HALF, out, Float.floatToFloat16(d));
                    for (int j = 0; j < QK / 2; j++) {
                        int lo = Math.min(15, (int) (src.get(FLOAT, in + 4L * j) * id + 8.5f));
                        int hi = Math.min(15, (int) (src.get(FLOAT, in + 4L * (j + QK / 2)) * id + 8.5f));
                        dst.set(ValueLayout.JAVA_BYTE, out + 2 + j, (byte) (lo | hi << 4));
                    }
                }
            }
        }
    }

    /** f32 → bf16 bits, round to nearest even; a NaN stays NaN (quiet), as ggml's {@code ggml_compute_fp32_to_bf16}. */
    static short toBf16(float f) {
        int u = Float.floatToRawIntBits(f);
        if ((u & 0x7fffffff) > 0x7f800000) return (short) ((u >>> 16) | 64);
        return (short) ((u + (0x7fff + ((u >>> 16) & 1))) >>> 16);
    }

    /** Value {@code i} of the row of this type at {@code row[off]}, as f32. */
    public float decode(MemorySegment row, long off, int i) {
        return switch (this) {
            case F32 -> row.get(FLOAT, off + 4L * i);
            case F16 -> Float.float16ToFloat(row.get(HALF, off + 2L * i));
            case BF16 -> Float.intBitsToFloat(row.get(HALF, off + 2L * i) << 16);
            case Q8_0 -> {
                long block = off + (long) Q8_0_BLOCK_BYTES * (i / QK);
                yield Float.float16ToFloat(row.get(HALF, block)) * row.get(ValueLayout.JAVA_BYTE, block + 2 + i % QK);
            }
            case Q4_0 -> {
                long block = off + (long) Q4_0_BLOCK_BYTES * (i / QK);
                int j = i % QK, qs = row.get(ValueLayout.JAVA_BYTE, block + 2 + j % (QK / 2)) & 0xFF;
                yield Float.float16ToFloat(row.get(HALF, block)) * ((j < QK / 2 ? qs & 0xF : qs >>> 4) - 8);
            }
        };
    }

    private static final String NAMES = "f32|f16|bf16|q8_0|q4_0";
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final ValueLayout.OfShort HALF = ValueLayout.JAVA_SHORT_UNALIGNED;
}
