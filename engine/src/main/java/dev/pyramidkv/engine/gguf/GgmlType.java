package dev.pyramidkv.engine.gguf;

/**
 * ggml tensor types as numbered in ggml.h: block size (elements) and block bytes. Sizes of every type are
 * known so any well-formed file validates; {@link #computable} marks the ones our kernels read.
 */
public enum GgmlType {
    F32(0, 1, 4, true),
    F16(1, 1, 2, true),
    Q4_0(2, 32, 18, true),   // f16 d, 16 B of nibbles
    Q4_1(3, 32, 20, true),   // f16 d, f16 m, 16 B of nibbles
    Q5_0(6, 32, 22, true),   // f16 d, 4 B of 5th bits, 16 B of nibbles
    Q5_1(7, 32, 24, false),
    Q8_0(8, 32, 34, true),   // f16 d, 32 int8
    Q8_1(9, 32, 36, false),  // f16 d, f16 s, 32 int8 (activation type only)
    Q2_K(10, 256, 84, false),
    Q3_K(11, 256, 110, false),
    Q4_K(12, 256, 144, true), // f16 d, f16 dmin, 12 B of 6-bit scales and mins, 128 B of nibbles
    Q5_K(13, 256, 176, false),
    Q6_K(14, 256, 210, true), // 128 B low nibbles, 64 B high 2 bits, 16 int8 scales, f16 d
    Q8_K(15, 256, 292, false), // f32 d, 256 int8, 16 int16 sums (activation type only)
    IQ2_XXS(16, 256, 66, false),
    IQ2_XS(17, 256, 74, false),
    IQ3_XXS(18, 256, 98, false),
    IQ1_S(19, 256, 50, false),
    IQ4_NL(20, 32, 18, false),
    IQ3_S(21, 256, 110, false),
    IQ2_S(22, 256, 82, false),
    IQ4_XS(23, 256, 136, false),
    I8(24, 1, 1, false),
    I16(25, 1, 2, false),
    I32(26, 1, 4, false),
    I64(27, 1, 8, false),
    F64(28, 1, 8, false),
    IQ1_M(29, 256, 56, false),
    BF16(30, 1, 2, true),
    TQ1_0(34, 256, 54, false),
    TQ2_0(35, 256, 66, false);

    public final int id;
    public final int blockSize;
    public final int blockBytes;
    public final boolean computable;

    GgmlType(int id, int blockSize, int blockBytes, boolean computable) {
        this.id = id;
        this.blockSize = blockSize;
        this.blockBytes = blockBytes;
        this.computable = computable;
    }

    private static final GgmlType[] BY_ID = new GgmlType[64];
    static {
        for (GgmlType t : values()) BY_ID[t.id] = t;
    }

    /** The type with this id, or null when ggml has no such type (or we do not know it). */
    public static GgmlType byId(long id) {
        return id >= 0 && id < BY_ID.length ? BY_ID[(int) id] : null;
    }

    /** Bytes of {@code elements} values; elements must be a multiple of the block size. */
    public long bytesFor(long elements) {
        return Math.multiplyExact(elements / blockSize, (long) blockBytes);
    }
}
