package dev.pyramidkv.engine.kernels;

import org.junit.jupiter.api.Tag;
import dev.pyramidkv.engine.gguf.GgmlType;
import dev.pyramidkv.engine.gguf.GgufFile;
import dev.pyramidkv.engine.gguf.GgufTensor;
import dev.pyramidkv.engine.peer.LlamaCpp;
import dev.pyramidkv.engine.testing.TestModels;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Q4_K, Q6_K and Q5_0: blocks computed by hand, then bit-for-bit agreement with the pinned llama.cpp's own
 * ggml functions (called in its library through FFM) on random blocks and on the real Qwen2.5 tensors:
 * dequantization, Q8_K / Q8_0 quantization of the activations, and the dot products.
 */
@Tag("download")
@Tag("llamacpp")
class KQuantsTest {
    private static final FunctionDescriptor VEC_DOT = FunctionDescriptor.ofVoid(JAVA_INT, ADDRESS, JAVA_LONG, ADDRESS,
            JAVA_LONG, ADDRESS, JAVA_LONG, JAVA_INT);
    private static final FunctionDescriptor ROW = FunctionDescriptor.ofVoid(ADDRESS, ADDRESS, JAVA_LONG);

    @Test
    void q5_0BlockDequantizesAsComputedByHand() {
        // d = 0.5; value j has nibble j % 16 and 5th bit set for odd j: q5 = (j%16 | 16·(j odd)) - 16.
        ByteBuffer b = ByteBuffer.allocate(22).order(ByteOrder.LITTLE_ENDIAN);
        b.putShort(Float.floatToFloat16(0.5f)).putInt(0xAAAAAAAA);
        for (int j = 0; j < 16; j++) b.put((byte) (j | (15 - j) << 4));
        float[] out = dequant(GgmlType.Q5_0, 32, b.array());
        for (int j = 0; j < 16; j++) {
            assertEquals(0.5f * ((j | (j % 2) << 4) - 16), out[j], "value " + j);
            assertEquals(0.5f * (((15 - j) | ((j + 16) % 2) << 4) - 16), out[j + 16], "value " + (j + 16));
        }
    }

    @Test
    void q4_KBlockDequantizesAsComputedByHand() {
        // d = 1, dmin = 0.5; sub-block s has scale s + 1 and min 2s (the upper four use the split 6-bit encoding);
        // every byte of qs is 0x73: low nibble 3 for the first 32 values of each 64, high nibble 7 for the next 32.
        int[] sc = {1, 2, 3, 4, 5, 6, 7, 8}, mn = {0, 2, 4, 6, 8, 10, 12, 14};
        byte[] scales = new byte[12];
        for (int j = 0; j < 4; j++) {
            scales[j] = (byte) (sc[j] | (sc[j + 4] >> 4) << 6);
            scales[j + 4] = (byte) (mn[j] | (mn[j + 4] >> 4) << 6);
            scales[j + 8] = (byte) ((sc[j + 4] & 0xF) | (mn[j + 4] & 0xF) << 4);
        }
        ByteBuffer b = ByteBuffer.allocate(144).order(ByteOrder.LITTLE_ENDIAN);
        b.putShort(Float.floatToFloat16(1f)).putShort(Float.floatToFloat16(0.5f)).put(scales);
        for (int i = 0; i < 128; i++) b.put((byte) 0x73);
        float[] out = dequant(GgmlType.Q4_K, 256, b.array());
        for (int e = 0; e < 256; e++) {
            int s = e / 32;
            int q = s % 2 == 0 ? 3 : 7;
            assertEquals(sc[s] * q - 0.5f * mn[s], out[e], "value " + e);
        }
    }

    @Test
    void q6_KBlockDequantizesAsComputedByHand() {
        // d = 0.25, scale of run r (16 values) = r - 8; value e = (e % 64) - 32 stored as low 4 bits + high 2 bits.
        ByteBuffer b = ByteBuffer.allocate(210).order(ByteOrder.LITTLE_ENDIAN);
        byte[] ql = new byte[128], qh = new byte[64];
        for (int e = 0; e < 256; e++) {
            int q = e % 64, half = e / 128, r = e % 128, chunk = r / 32, t = r % 32;
            int qlIndex = 64 * half + (chunk & 1) * 32 + t;
            ql[qlIndex] |= (byte) (chunk < 2 ? q & 0xF : (q & 0xF) << 4);
            qh[32 * half + t] |= (byte) ((q >> 4) << (2 * chunk));
        }
        b.put(ql).put(qh);
        for (int r = 0; r < 16; r++) b.put((byte) (r - 8));
        b.putShort(Float.floatToFloat16(0.25f));
        float[] out = dequant(GgmlType.Q6_K, 256, b.array());
        for (int e = 0; e < 256; e++) {
            assertEquals(0.25f * (e / 16 - 8) * (e % 64 - 32), out[e], "value " + e);
        }
    }

    @Test
    void randomBlocksMatchTheLlamaCppKernelsBitForBit() throws Throwable {
        Random rnd = new Random(11);
        for (int trial = 0; trial < 20; trial++) {
            int k = 256 * (1 + rnd.nextInt(20));
            for (GgmlType type : new GgmlType[]{GgmlType.Q4_K, GgmlType.Q6_K, GgmlType.Q5_0}) {
                byte[] row = randomRow(type, k, rnd);
                float[] x = new float[k];
                for (int i = 0; i < k; i++) x[i] = (float) (rnd.nextGaussian() * (i % 97 == 0 ? 30 : 1));
                try (Arena arena = Arena.ofConfined()) {
                    MemorySegment w = arena.allocate(row.length, 64);
                    w.copyFrom(MemorySegment.ofArray(row));
                    assertAgreesWithLlamaCpp(type, w, 0, k, x, arena, type + " k=" + k + " trial " + trial);
                }
            }
        }
    }

    @Test
    void realQwenTensorsMatchTheLlamaCppKernelsBitForBit() throws Throwable {
        try (GgufFile f = GgufFile.open(TestModels.qwen25Coder05b()); Arena arena = Arena.ofConfined()) {
            Random rnd = new Random(5);
            int checked = 0;
            for (GgufTensor t : f.tensorList()) {
                GgmlType type = t.type();
                if (type != GgmlType.Q4_K && type != GgmlType.Q6_K && type != GgmlType.Q5_0) continue;
                if (!t.name().startsWith("blk.0.") && !t.name().startsWith("blk.23.") && !t.name().startsWith("token_embd")) continue;
                int k = (int) t.rowLength();
                float[] x = new float[k];
                for (int i = 0; i < k; i++) x[i] = (float) rnd.nextGaussian();
                for (long row = 0; row < t.rows(); row += 1 + t.rows() / 7) {
                    assertAgreesWithLlamaCpp(type, t.data(), row * t.rowBytes(), k, x, arena, t.name() + " row " + row);
                    checked++;
                }
            }
            assertEquals(true, checked > 50, "checked " + checked + " rows");
        }
    }

    /** Dequantization, activation quantization and the dot product of one row at {@code off}, against the peer. */
    private static void assertAgreesWithLlamaCpp(GgmlType type, MemorySegment w, long off, int k, float[] x, Arena arena,
                                                 String what) throws Throwable {
        MemorySegment row = arena.allocate(type.bytesFor(k), 64);
        MemorySegment.copy(w, off, row, 0, row.byteSize());
        MemorySegment xs = arena.allocateFrom(JAVA_FLOAT, x);

        // dequantization
        MemorySegment ours = arena.allocate(4L * k, 64), theirs = arena.allocate(4L * k, 64);
        switch (type) {
            case Q4_K -> KQuants.dequantizeQ4K(row, 0, k, ours, 0);
            case Q6_K -> KQuants.dequantizeQ6K(row, 0, k, ours, 0);
            default -> KQuants.dequantizeQ5_0(row, 0, k, ours, 0);
        }
        String dequant = switch (type) { case Q4_K -> "dequantize_row_q4_K"; case Q6_K -> "dequantize_row_q6_K"; default -> "dequantize_row_q5_0"; };
        LlamaCpp.ggml(dequant, ROW).invokeExact(row, theirs, (long) k);
        assertArrayEquals(theirs.toArray(JAVA_FLOAT), ours.toArray(JAVA_FLOAT), what + ": " + dequant);

        // activations, quantized by both, and the dot product
        MemorySegment result = arena.allocate(JAVA_FLOAT);
        float ourDot;
        if (type == GgmlType.Q5_0) {
            MemorySegment q8 = arena.allocate(34L * (k / 32), 64);
            LlamaCpp.ggml("quantize_row_q8_0", ROW).invokeExact(xs, q8, (long) k);
            Q8Activations a = new Q8Activations(arena, 1, k);
            a.quantize(xs, 1, k);
            for (int b = 0; b < k / 32; b++) {
                assertEquals(Fp16.half(q8, 34L * b), a.d.getAtIndex(JAVA_FLOAT, b), what + ": q8_0 d of block " + b);
                assertArrayEquals(q8.asSlice(34L * b + 2, 32).toArray(ValueLayout.JAVA_BYTE),
                        a.qs.asSlice(32L * b, 32).toArray(ValueLayout.JAVA_BYTE), what + ": q8_0 values of block " + b);
            }
            LlamaCpp.ggml("ggml_vec_dot_q5_0_q8_0", VEC_DOT).invokeExact(k, result, 0L, row, 0L, q8, 0L, 1);
            ourDot = KQuants.dotQ5_0(row, 0, a, 0, k);
        } else {
            MemorySegment q8 = arena.allocate(292L * (k / 256), 64);
            LlamaCpp.ggml("quantize_row_q8_K", ROW).invokeExact(xs, q8, (long) k);
            Q8KActivations a = new Q8KActivations(arena, 1, k);
            a.quantize(xs, 1, k);
            for (int b = 0; b < k / 256; b++) {
                long o = 292L * b;
                assertEquals(q8.get(JAVA_FLOAT, o), a.d.getAtIndex(JAVA_FLOAT, b), what + ": q8_K d of block " + b);
                assertArrayEquals(q8.asSlice(o + 4, 256).toArray(ValueLayout.JAVA_BYTE),
                        a.qs.asSlice(256L * b, 256).toArray(ValueLayout.JAVA_BYTE), what + ": q8_K values of block " + b);
                assertArrayEquals(q8.asSlice(o + 260, 32).toArray(ValueLayout.JAVA_SHORT),
                        a.bsums.asSlice(32L * b, 32).toArray(ValueLayout.JAVA_SHORT), what + ": q8_K sums of block " + b);
            }
            String dot = type == GgmlType.Q4_K ? "ggml_vec_dot_q4_K_q8_K" : "ggml_vec_dot_q6_K_q8_K";
            LlamaCpp.ggml(dot, VEC_DOT).invokeExact(k, result, 0L, row, 0L, q8, 0L, 1);
            ourDot = type == GgmlType.Q4_K ? KQuants.dotQ4K(row, 0, a, 0, k) : KQuants.dotQ6K(row, 0, a, 0, k);
        }
        float theirDot = result.get(JAVA_FLOAT, 0);
        assertEquals(Float.floatToRawIntBits(theirDot), Float.floatToRawIntBits(ourDot),
                what + ": dot " + ourDot + ", llama.cpp " + theirDot);
    }

    /** A row of random blocks with sane f16 scales (random bits could be NaN or huge). */
    private static byte[] randomRow(GgmlType type, int k, Random rnd) {
        byte[] bytes = new byte[(int) type.bytesFor(k)];
        rnd.nextBytes(bytes);
        ByteBuffer bb = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        for (int blk = 0; blk < k / type.blockSize; blk++) {
            int o = blk * type.blockBytes;
            switch (type) {
                case Q4_K -> bb.putShort(o, Float.floatToFloat16(rnd.nextFloat() * 0.01f))
                        .putShort(o + 2, Float.floatToFloat16(rnd.nextFloat() * 0.01f));
                case Q6_K -> bb.putShort(o + 208, Float.floatToFloat16(rnd.nextFloat() * 0.01f));
                default -> bb.putShort(o, Float.floatToFloat16(rnd.nextFloat() * 0.05f));
            }
        }
        return bytes;
    }

    private static float[] dequant(GgmlType type, int k, byte[] block) {
        GgufTensor t = DotTest.tensor(type, k, 1, block);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(4L * k);
            Dequant.row(t, 0, out, 0);
            return out.toArray(JAVA_FLOAT);
        }
    }
}
