package dev.pyramidkv.engine.kernels.onednn;

import dev.pyramidkv.engine.gguf.GgmlType;
import dev.pyramidkv.engine.gguf.GgufTensor;
import dev.pyramidkv.engine.kernels.Dequant;
import dev.pyramidkv.engine.kernels.Fp16;
import dev.pyramidkv.engine.kernels.VectorShape;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * bfloat16, the element type of oneDNN's fast prefill GEMMs here ({@code avx512_core_bf16}): f32 rows rounded
 * to bf16 (round to nearest even, NaN kept quiet, as {@link Fp16#roundBf16}), and GGUF weight rows
 * dequantized straight to bf16. A bf16 value is the top 16 bits of the f32 with the same value.
 */
public final class Bf16 {
    private Bf16() {}

    static final VectorSpecies<Float> F = VectorShape.F;
    static final VectorSpecies<Short> S = VectorShape.S_LANES;   // as many lanes as F
    static final VectorSpecies<Byte> B = VectorShape.B_LANES;
    static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    static final ValueLayout.OfShort BF16 = ValueLayout.JAVA_SHORT_UNALIGNED;

    /** The bf16 bits of {@code x}. */
    public static short bits(float x) {
        return (short) (Float.floatToRawIntBits(Fp16.roundBf16(x)) >>> 16);
    }

    /** {@code dst[i] = bf16(src[i])} for i in [0, n): f32 at byte offset srcOff, bf16 at byte offset dstOff. */
    public static void fromF32(MemorySegment src, long srcOff, MemorySegment dst, long dstOff, int n) {
        int i = 0;
        for (int upper = F.loopBound(n); i < upper; i += F.length()) {
            store(FloatVector.fromMemorySegment(F, src, srcOff + 4L * i, LE), dst, dstOff + 2L * i);
        }
        for (; i < n; i++) dst.set(BF16, dstOff + 2L * i, bits(src.get(ValueLayout.JAVA_FLOAT_UNALIGNED, srcOff + 4L * i)));
    }

    /** Rounds a vector of floats to bf16 and stores them at byte offset {@code off}. */
    static void store(FloatVector v, MemorySegment dst, long off) {
        IntVector u = v.viewAsIntegralLanes();
        IntVector rounded = u.add(u.lanewise(VectorOperators.LSHR, 16).and(1).add(0x7fff)).lanewise(VectorOperators.LSHR, 16);
        VectorMask<Integer> nan = u.and(0x7fffffff).compare(VectorOperators.GT, 0x7f800000);
        IntVector quiet = u.lanewise(VectorOperators.LSHR, 16).or(0x40);
        ((ShortVector) rounded.blend(quiet, nan).convertShape(VectorOperators.I2S, S, 0)).intoMemorySegment(dst, off, LE);
    }

    /**
     * Rows {@code [row0, row0 + rows)} of a GGUF matrix ({@code [rows][k]}), dequantized and rounded to bf16,
     * into {@code dst} as dense rows of {@code k} bf16 from byte offset {@code dstOff}. Q4_1 is vectorized
     * (the prefill weights of the Q4_1 models); other types go through f32 rows in {@code scratch}
     * ({@code k} floats).
     */
    public static void dequantRows(GgufTensor t, long row0, long rows, MemorySegment dst, long dstOff, MemorySegment scratch) {
        int k = (int) t.rowLength();
        for (long r = 0; r < rows; r++) {
            long out = dstOff + 2L * k * r;
            if (t.type() == GgmlType.Q4_1) {
                q4_1Row(t.data(), (row0 + r) * t.rowBytes(), k, dst, out);
            } else {
                Dequant.row(t, row0 + r, scratch, 0);
                fromF32(scratch, 0, dst, out, k);
            }
        }
    }

    /** One Q4_1 row (blocks of f16 d, f16 m, 16 bytes of nibbles: value j = d·lo(j) + m, value 16+j = d·hi(j) + m). */
    private static void q4_1Row(MemorySegment w, long off, int k, MemorySegment dst, long dstOff) {
        for (int b = 0; b < k / 32; b++) {
            long o = off + 20L * b;
            FloatVector d = FloatVector.broadcast(F, Fp16.half(w, o));
            FloatVector m = FloatVector.broadcast(F, Fp16.half(w, o + 2));
            for (int j = 0; j < 16; j += F.length()) {   // bytes j.. hold values j.. (low nibbles) and 16+j.. (high)
                ByteVector nib = ByteVector.fromMemorySegment(B, w, o + 4 + j, LE);
                FloatVector lo = (FloatVector) nib.and((byte) 0x0F).convertShape(VectorOperators.B2F, F, 0);
                FloatVector hi = (FloatVector) nib.lanewise(VectorOperators.LSHR, 4).and((byte) 0x0F).convertShape(VectorOperators.B2F, F, 0);
                store(lo.mul(d).add(m), dst, dstOff + 64L * b + 2L * j);
                store(hi.mul(d).add(m), dst, dstOff + 64L * b + 32 + 2L * j);
            }
        }
    }

    /** A scratch row for {@link #dequantRows} of tensors with rows of up to {@code k} values. */
    public static MemorySegment scratch(Arena arena, int k) {
        return arena.allocate(4L * k, 64);
    }
}
