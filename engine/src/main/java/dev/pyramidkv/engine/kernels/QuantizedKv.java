package dev.pyramidkv.engine.kernels;

import dev.pyramidkv.cache.KvType;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

import static jdk.incubator.vector.VectorOperators.ADD;
import static jdk.incubator.vector.VectorOperators.B2F;
import static jdk.incubator.vector.VectorOperators.FMA;
import static jdk.incubator.vector.VectorOperators.LSHL;
import static jdk.incubator.vector.VectorOperators.LSHR;
import static jdk.incubator.vector.VectorOperators.S2I;

/**
 * Decode attention over K/V rows stored as f16, bf16, q8_0 or q4_0 ({@link KvType}), read in place: no dequantized copy of
 * the cache. Scores {@code s_j = scale · Σ_d q[d]·k_j[d]}; values {@code out[d] = Σ_j p_j·v_j[d]}. Lanes run over
 * d. A row's lanes are summed in a fixed order (never {@code reduceLanes(ADD)}, whose order depends on the JIT),
 * so results do not depend on what C2 has compiled; with 512-bit vectors the two halves are added first, which
 * makes the bits depend on the vector width (quantized caches have no llama.cpp order to follow).
 * <p>
 * Each method spells out its vector code instead of calling helpers that take or return vectors: C2 may compile
 * such a helper on its own and then box at the call (see {@link GgmlMath}).
 */
public final class QuantizedKv {
    private QuantizedKv() {}

    static final VectorSpecies<Float> F = VectorShape.F;
    static final VectorSpecies<Integer> I = VectorShape.I;
    static final VectorSpecies<Short> SL = VectorShape.S_LANES;
    static final VectorSpecies<Byte> BL = VectorShape.B_LANES;
    static final int L = VectorShape.LANES;
    static final boolean WIDE = L == 16;
    private static final VectorShuffle<Float> SWAP_HALVES = VectorShuffle.fromOp(F, i -> i ^ (L / 2));
    static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    static final ValueLayout.OfShort HALF = ValueLayout.JAVA_SHORT_UNALIGNED;
    static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED;
    /**
     * 16-bit floats widen as {@code ((int) bits << shift & mask) as f32 × mul}: f16 as {@link Gemv#half} does
     * (shift 13, keep sign/exponent/mantissa, rebias by 2^112); bf16 is the top half of an f32 (shift 16, mask
     * and factor that change nothing), so one kernel serves both.
     */
    static final int F16_SHIFT = 13, BF16_SHIFT = 16;
    static final int QK = KvType.QK, BLOCK = KvType.Q8_0_BLOCK_BYTES, BLOCK4 = KvType.Q4_0_BLOCK_BYTES;

    /** {@code out[j] = scale · q·k_j} for rows {@code k_j} of {@code type} at {@code base + j·rowBytes}; q is f32 at {@code qOff}. */
    public static void scores(KvType type, MemorySegment keys, long base, long rowBytes, int rows, MemorySegment q, long qOff, int hd,
                              float scale, MemorySegment out, long outOff) {
        switch (type) {
            case Q8_0 -> scoresBlocks(false, keys, base, rowBytes, rows, q, qOff, hd, scale, out, outOff);
            case Q4_0 -> scoresBlocks(true, keys, base, rowBytes, rows, q, qOff, hd, scale, out, outOff);
            case F16 -> scoresHalf(KvType.F16, F16_SHIFT, Gemv.HALF_BITS, Gemv.HALF_SCALE, keys, base, rowBytes, rows, q, qOff, hd, scale, out, outOff);
            case BF16 -> scoresHalf(KvType.BF16, BF16_SHIFT, -1, 1f, keys, base, rowBytes, rows, q, qOff, hd, scale, out, outOff);
            default -> throw new IllegalArgumentException("no quantized kernel for kv type " + type.cliName());
        }
    }

    /** {@code out[d] = Σ_j p_j·v_j[d]} for rows {@code v_j} of {@code type} at {@code base + j·rowBytes}; p is f32 at {@code pOff}. */
    public static void weightedValues(KvType type, MemorySegment values, long base, long rowBytes, int count, MemorySegment p, long pOff,
                                      int hd, MemorySegment out, long outOff) {
        switch (type) {
            case Q8_0 -> valuesBlocks(false, values, base, rowBytes, count, p, pOff, hd, out, outOff);
            case Q4_0 -> valuesBlocks(true, values, base, rowBytes, count, p, pOff, hd, out, outOff);
            case F16 -> valuesHalf(KvType.F16, F16_SHIFT, Gemv.HALF_BITS, Gemv.HALF_SCALE, values, base, rowBytes, count, p, pOff, hd, out, outOff);
            case BF16 -> valuesHalf(KvType.BF16, BF16_SHIFT, -1, 1f, values, base, rowBytes, count, p, pOff, hd, out, outOff);
            default -> throw new IllegalArgumentException("no quantized kernel for kv type " + type.cliName());
        }
    }

    /**
     * Per block of 32: the f32 dot of its values with q, times its scale d, accumulated lane-wise. q8_0 reads int8
     * L at a time; q4_0 ({@code nibbles}) reads its 16 bytes L at a time, the low nibbles being values
     * {@code c..c+L} and the high nibbles values {@code 16+c..16+c+L}, both minus 8. {@code nibbles} is
     * loop-invariant, so C2 unswitches it.
     */
    static void scoresBlocks(boolean nibbles, MemorySegment keys, long base, long rowBytes, int rows, MemorySegment q, long qOff, int hd,
                             float scale, MemorySegment out, long outOff) {
        long blockBytes = nibbles ? BLOCK4 : BLOCK;
        for (int j = 0; j < rows; j++) {
            long row = base + j * rowBytes;
            FloatVector acc = FloatVector.zero(F);
            for (int b = 0; b < hd / QK; b++) {
                long blk = row + blockBytes * b, qb = qOff + 4L * QK * b;
                FloatVector dot = FloatVector.zero(F);
                if (nibbles) {
                    for (int c = 0; c < QK / 2; c += L) {
                        ByteVector nib = ByteVector.fromMemorySegment(BL, keys, blk + 2 + c, LE);
                        FloatVector lo = (FloatVector) nib.and((byte) 0x0F).sub((byte) 8).convertShape(B2F, F, 0);
                        FloatVector hi = (FloatVector) nib.lanewise(LSHR, 4).sub((byte) 8).convertShape(B2F, F, 0);
                        dot = lo.lanewise(FMA, FloatVector.fromMemorySegment(F, q, qb + 4L * c, LE), dot);
                        dot = hi.lanewise(FMA, FloatVector.fromMemorySegment(F, q, qb + 4L * (QK / 2 + c), LE), dot);
                    }
                } else {
                    for (int i = 0; i < QK; i += L) {
                        FloatVector k = (FloatVector) ByteVector.fromMemorySegment(BL, keys, blk + 2 + i, LE).convertShape(B2F, F, 0);
                        dot = k.lanewise(FMA, FloatVector.fromMemorySegment(F, q, qb + 4L * i, LE), dot);
                    }
                }
                acc = dot.lanewise(FMA, FloatVector.broadcast(F, Float.float16ToFloat(keys.get(HALF, blk))), acc);
            }
            FloatVector t = WIDE ? acc.lanewise(ADD, acc.rearrange(SWAP_HALVES)) : acc;
            float sum = ((t.lane(0) + t.lane(4)) + (t.lane(2) + t.lane(6))) + ((t.lane(1) + t.lane(5)) + (t.lane(3) + t.lane(7)));
            out.set(FLOAT, outOff + 4L * j, sum * scale);
        }
    }

    /** f16 or bf16 lanes widened with integer arithmetic ({@link #F16_SHIFT}), whole vectors, then the tail in sequence. */
    static void scoresHalf(KvType type, int shift, int mask, float mul, MemorySegment keys, long base, long rowBytes, int rows,
                           MemorySegment q, long qOff, int hd, float scale, MemorySegment out, long outOff) {
        int main = hd - hd % L;
        for (int j = 0; j < rows; j++) {
            long row = base + j * rowBytes;
            FloatVector acc = FloatVector.zero(F);
            for (int d = 0; d < main; d += L) {
                FloatVector k = ((IntVector) ShortVector.fromMemorySegment(SL, keys, row + 2L * d, LE).convertShape(S2I, I, 0))
                        .lanewise(LSHL, shift).and(mask).viewAsFloatingLanes().mul(mul);
                acc = k.lanewise(FMA, FloatVector.fromMemorySegment(F, q, qOff + 4L * d, LE), acc);
            }
            FloatVector t = WIDE ? acc.lanewise(ADD, acc.rearrange(SWAP_HALVES)) : acc;
            float sum = ((t.lane(0) + t.lane(4)) + (t.lane(2) + t.lane(6))) + ((t.lane(1) + t.lane(5)) + (t.lane(3) + t.lane(7)));
            for (int d = main; d < hd; d++) sum = Math.fma(type.decode(keys, row, d), q.get(FLOAT, qOff + 4L * d), sum);
            out.set(FLOAT, outOff + 4L * j, sum * scale);
        }
    }

    /**
     * Vectors of L elements d (each inside one block), the 32 elements of a block's chunks at a time over all rows.
     * r0..r3 hold a block's values in order. q8_0: int8 at bytes 2, 2+L, ...; q4_0 ({@code nibbles}): with L = 8
     * the low nibbles of bytes 0..7 and 8..15, then their high nibbles; with L = 16 the low, then the high nibbles
     * of all 16 bytes. One method for both: {@code nibbles} is loop-invariant, so C2 unswitches it.
     */
    static void valuesBlocks(boolean nibbles, MemorySegment values, long base, long rowBytes, int count, MemorySegment p, long pOff,
                             int hd, MemorySegment out, long outOff) {
        long blockBytes = nibbles ? BLOCK4 : BLOCK;
        for (int b = 0; b < hd / QK; b++) {
            FloatVector r0 = FloatVector.zero(F), r1 = r0, r2 = r0, r3 = r0;   // L = 16 uses r0, r1
            for (int j = 0; j < count; j++) {
                long blk = base + j * rowBytes + blockBytes * b;
                FloatVector c = FloatVector.broadcast(F, p.get(FLOAT, pOff + 4L * j) * Float.float16ToFloat(values.get(HALF, blk)));
                if (nibbles) {
                    ByteVector n0 = ByteVector.fromMemorySegment(BL, values, blk + 2, LE);
                    r0 = ((FloatVector) n0.and((byte) 0x0F).sub((byte) 8).convertShape(B2F, F, 0)).lanewise(FMA, c, r0);
                    if (WIDE) {
                        r1 = ((FloatVector) n0.lanewise(LSHR, 4).sub((byte) 8).convertShape(B2F, F, 0)).lanewise(FMA, c, r1);
                    } else {
                        ByteVector n1 = ByteVector.fromMemorySegment(BL, values, blk + 2 + L, LE);
                        r1 = ((FloatVector) n1.and((byte) 0x0F).sub((byte) 8).convertShape(B2F, F, 0)).lanewise(FMA, c, r1);
                        r2 = ((FloatVector) n0.lanewise(LSHR, 4).sub((byte) 8).convertShape(B2F, F, 0)).lanewise(FMA, c, r2);
                        r3 = ((FloatVector) n1.lanewise(LSHR, 4).sub((byte) 8).convertShape(B2F, F, 0)).lanewise(FMA, c, r3);
                    }
                } else {
                    r0 = ((FloatVector) ByteVector.fromMemorySegment(BL, values, blk + 2, LE).convertShape(B2F, F, 0)).lanewise(FMA, c, r0);
                    r1 = ((FloatVector) ByteVector.fromMemorySegment(BL, values, blk + 2 + L, LE).convertShape(B2F, F, 0)).lanewise(FMA, c, r1);
                    if (!WIDE) {
                        r2 = ((FloatVector) ByteVector.fromMemorySegment(BL, values, blk + 2 + 2 * L, LE).convertShape(B2F, F, 0)).lanewise(FMA, c, r2);
                        r3 = ((FloatVector) ByteVector.fromMemorySegment(BL, values, blk + 2 + 3 * L, LE).convertShape(B2F, F, 0)).lanewise(FMA, c, r3);
                    }
                }
            }
            long o = outOff + 4L * QK * b;
            r0.intoMemorySegment(out, o, LE);
            r1.intoMemorySegment(out, o + 4L * L, LE);
            if (!WIDE) {
                r2.intoMemorySegment(out, o + 8L * L, LE);
                r3.intoMemorySegment(out, o + 12L * L, LE);
            }
        }
    }

    static void valuesHalf(KvType type, int shift, int mask, float mul, MemorySegment values, long base, long rowBytes, int count,
                           MemorySegment p, long pOff, int hd, MemorySegment out, long outOff) {
        int d = 0;
        for (; d + 2 * L <= hd; d += 2 * L) {
            FloatVector r0 = FloatVector.zero(F), r1 = r0;
            for (int j = 0; j < count; j++) {
                long row = base + j * rowBytes + 2L * d;
                FloatVector c = FloatVector.broadcast(F, p.get(FLOAT, pOff + 4L * j));
                FloatVector v0 = ((IntVector) ShortVector.fromMemorySegment(SL, values, row, LE).convertShape(S2I, I, 0))
                        .lanewise(LSHL, shift).and(mask).viewAsFloatingLanes().mul(mul);
                FloatVector v1 = ((IntVector) ShortVector.fromMemorySegment(SL, values, row + 2L * L, LE).convertShape(S2I, I, 0))
                        .lanewise(LSHL, shift).and(mask).viewAsFloatingLanes().mul(mul);
                r0 = v0.lanewise(FMA, c, r0);
                r1 = v1.lanewise(FMA, c, r1);
            }
            r0.intoMemorySegment(out, outOff + 4L * d, LE);
            r1.intoMemorySegment(out, outOff + 4L * (d + L), LE);
        }
        for (; d < hd; d++) {   // head sizes that are not a multiple of 2L
            float r = 0f;
            for (int j = 0; j < count; j++) r = Math.fma(type.decode(values, base + j * rowBytes, d), p.get(FLOAT, pOff + 4L * j), r);
            out.set(FLOAT, outOff + 4L * d, r);
        }
    }
}
