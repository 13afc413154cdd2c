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
 * Q8_0  headDim/32 blocks of [f16 d][32 × int8 q], x ≈ d·q        34 B per 32 values (ggml's block_q8_0)
 * </pre>
 * Q8_0 as ggml quantizes it: {@code d = max|x| / 127} (stored as f16), {@code q = round-half-even(x / d)}.
 */
public enum KvType {
    F32("f32"), F16("f16"), Q8_0("q8_0");

    /** Values per Q8_0 block. */
    public static final int QK = 32;
    /** Bytes per Q8_0 block: the f16 scale, then 32 int8. */
    public static final int Q8_0_BLOCK_BYTES = 2 + QK;

    private final String cliName;

    KvType(String cliName) { this.cliName = cliName; }

    public String cliName() { return cliName; }

    /** Parses {@code f32|f16|q8_0} (case-insensitive). */
    public static KvType parse(String name) {
        if (name != null) {
            String lower = name.trim().toLowerCase(Locale.ROOT);
            for (KvType t : values()) if (t.cliName.equals(lower)) return t;
        }
        throw new IllegalArgumentException("kv type: unknown type '" + name + "'; expected one of f32|f16|q8_0");
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
            case F16 -> 2L * headDim;
            case Q8_0 -> (long) (headDim / QK) * Q8_0_BLOCK_BYTES;
        };
    }

    /** Throws unless rows of {@code headDim} values can be stored in this type. */
    public void checkHeadDim(int headDim) {
        if (this == Q8_0 && headDim % QK != 0) {
            throw new IllegalArgumentException("kv type q8_0 needs a head size that is a multiple of " + QK + ", the model's is " + headDim);
        }
    }

    /** Writes {@code n} f32 values at {@code src[srcOff]} as one row of this type at {@code dst[dstOff]}. Allocation-free. */
    public void encode(MemorySegment src, long srcOff, MemorySegment dst, long dstOff, int n) {
        switch (this) {
            case F32 -> MemorySegment.copy(src, srcOff, dst, dstOff, 4L * n);
            case F16 -> {
                for (int i = 0; i < n; i++) dst.set(HALF, dstOff + 2L * i, Float.floatToFloat16(src.get(FLOAT, srcOff + 4L * i)));
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
        }
    }

    /** Value {@code i} of the row of this type at {@code row[off]}, as f32. */
    public float decode(MemorySegment row, long off, int i) {
        return switch (this) {
            case F32 -> row.get(FLOAT, off + 4L * i);
            case F16 -> Float.float16ToFloat(row.get(HALF, off + 2L * i));
            case Q8_0 -> {
                long block = off + (long) Q8_0_BLOCK_BYTES * (i / QK);
                yield Float.float16ToFloat(row.get(HALF, block)) * row.get(ValueLayout.JAVA_BYTE, block + 2 + i % QK);
            }
        };
    }

    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final ValueLayout.OfShort HALF = ValueLayout.JAVA_SHORT_UNALIGNED;
}
