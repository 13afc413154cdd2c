package dev.pyramidkv.engine.kernels;

import org.junit.jupiter.api.Tag;
import dev.pyramidkv.engine.gguf.GgmlType;
import dev.pyramidkv.engine.gguf.GgufFile;
import dev.pyramidkv.engine.gguf.GgufTensor;
import dev.pyramidkv.engine.testing.TestModels;
import jdk.incubator.vector.ShortVector;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/** The packed single-row GEMV against the scalar reference, and its pieces. */
@Tag("download")
class GemvTest {

    @Test
    void halfToFloatMatchesFloat16ToFloatForEveryFiniteHalf() {
        int lanes = VectorShape.LANES;
        short[] halves = new short[lanes];
        float[] got = new float[lanes];
        for (int base = 0; base < 65536; base += lanes) {
            for (int i = 0; i < lanes; i++) halves[i] = (short) (base + i);
            Gemv.half(ShortVector.fromArray(VectorShape.S_LANES, halves, 0)).intoArray(got, 0);
            for (int i = 0; i < lanes; i++) {
                if ((halves[i] & 0x7C00) == 0x7C00) continue;      // inf and NaN are refused at packing
                assertEquals(Float.floatToRawIntBits(Float.float16ToFloat(halves[i])), Float.floatToRawIntBits(got[i]), "f16 0x" + Integer.toHexString(halves[i] & 0xFFFF));
            }
        }
    }

    /**
     * Random blocks, extreme ones (q = 15 against q8 = ±127, Q8_0's −128), and a row count that leaves a
     * partial group: bit for bit the row kernels' results ({@link Dot}, llama.cpp's order), and within
     * rounding of the scalar reference.
     */
    @Test
    void packedKernelsEqualTheRowKernelsBitForBit() {
        Random rnd = new Random(11);
        int k = 320, rows = 77;   // 10 blocks, 5 groups (the last one 13 rows)
        for (GgmlType type : new GgmlType[]{GgmlType.Q4_1, GgmlType.Q8_0}) {
            for (boolean extreme : new boolean[]{false, true}) {
                byte[] bytes = new byte[(int) type.bytesFor((long) k * rows)];
                rnd.nextBytes(bytes);
                ByteBuffer bb = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
                for (int blk = 0; blk < k * rows / 32; blk++) {
                    int o = blk * type.blockBytes;
                    bb.putShort(o, Float.floatToFloat16(0.01f + rnd.nextFloat() * 0.1f));
                    if (type == GgmlType.Q4_1) bb.putShort(o + 2, Float.floatToFloat16(-rnd.nextFloat()));
                    if (extreme) {
                        int from = o + (type == GgmlType.Q4_1 ? 4 : 2);
                        for (int j = from; j < o + type.blockBytes; j++) bytes[j] = (byte) (type == GgmlType.Q8_0 ? -128 : 0xFF);
                    }
                }
                GgufTensor w = DotTest.tensor(type, k, rows, bytes);
                float[] xs = new float[k];
                for (int i = 0; i < k; i++) xs[i] = extreme ? (i % 2 == 0 ? -3f : -1.5f) : (float) (rnd.nextGaussian() * (i % 37 == 0 ? 8 : 1));
                float[] got = gemv(w, xs, 2);
                float[] rowKernels = rowKernels(w, xs);
                for (int j = 0; j < rows; j++) {
                    assertEquals(Float.floatToRawIntBits(rowKernels[j]), Float.floatToRawIntBits(got[j]), type + (extreme ? " extreme" : "") + " row " + j + ": " + rowKernels[j] + " vs " + got[j]);
                    double ref = ScalarReference.quantizedDot(w, j, xs);
                    assertEquals(ref, got[j], 1e-4 * Math.max(1, Math.abs(ref)), type + " row " + j + " vs the scalar reference");
                }
            }
        }
    }

    @Test
    void packingRefusesNonFiniteScales() {
        byte[] bytes = new byte[20 * 2];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putShort(20, (short) 0x7C00);   // block 0 of row 1: d = +inf
        GgufTensor w = DotTest.tensor(GgmlType.Q4_1, 32, 2, bytes);
        try (Arena arena = Arena.ofConfined()) {
            var e = assertThrows(IllegalArgumentException.class, () -> PackedMatrix.pack(w, arena));
            assertTrue(e.getMessage().contains("'w' row 1 block 0") && e.getMessage().contains("scale d"), e.getMessage());
        }
    }

    /** Every SmolLM2 matrix shape, packed, bit for bit the row-at-a-time kernel on the GGUF layout. */
    @Test
    void smollm2MatricesAgreeWithTheRowKernels() throws IOException {
        try (GgufFile f = GgufFile.open(TestModels.smollm2())) {
            Random rnd = new Random(5);
            for (String name : List.of("blk.0.attn_q.weight", "blk.0.attn_k.weight", "blk.7.ffn_gate.weight", "blk.7.ffn_down.weight", "token_embd.weight")) {
                GgufTensor w = f.tensor(name);
                float[] xs = new float[(int) w.rowLength()];
                for (int i = 0; i < xs.length; i++) xs[i] = (float) rnd.nextGaussian();
                float[] packed = gemv(w, xs, 2);
                float[] rows = rowKernels(w, xs);
                for (int j = 0; j < rows.length; j++) {
                    assertEquals(Float.floatToRawIntBits(rows[j]), Float.floatToRawIntBits(packed[j]), name + " row " + j + ": " + rows[j] + " vs " + packed[j]);
                }
            }
        }
    }

    static float[] gemv(GgufTensor w, float[] xs, int threads) {
        try (Arena arena = Arena.ofShared(); WorkerPool pool = new WorkerPool(threads)) {
            int k = xs.length;
            MemorySegment x = arena.allocate(4L * k, 64);
            MemorySegment.copy(xs, 0, x, ValueLayout.JAVA_FLOAT, 0, k);
            PackedWeights packed = PackedWeights.pack(List.of(w), arena);
            assertNotNull(packed.get(w));
            MemorySegment out = arena.allocate(4L * w.rows(), 64);
            MatMul mm = new MatMul(arena, pool, 1, k, packed);
            mm.prepare(x, 1, k, true, false);
            mm.apply(w, out);
            return out.toArray(ValueLayout.JAVA_FLOAT);
        }
    }

    private static float[] rowKernels(GgufTensor w, float[] xs) {
        try (Arena arena = Arena.ofShared(); WorkerPool pool = new WorkerPool(1)) {
            int k = xs.length;
            MemorySegment x = arena.allocate(4L * k, 64);
            MemorySegment.copy(xs, 0, x, ValueLayout.JAVA_FLOAT, 0, k);
            MemorySegment out = arena.allocate(4L * w.rows(), 64);
            MatMul mm = new MatMul(arena, pool, 1, k);
            mm.prepare(x, 1, k, true, false);
            mm.apply(w, out);
            return out.toArray(ValueLayout.JAVA_FLOAT);
        }
    }
}
