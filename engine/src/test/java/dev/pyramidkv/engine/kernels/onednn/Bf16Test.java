package dev.pyramidkv.engine.kernels.onednn;

import org.junit.jupiter.api.Tag;
import dev.pyramidkv.engine.api.Engine;
import dev.pyramidkv.engine.gguf.GgufTensor;
import dev.pyramidkv.engine.kernels.Dequant;
import dev.pyramidkv.engine.kernels.Fp16;
import dev.pyramidkv.engine.testing.TestModels;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Random;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;
import static org.junit.jupiter.api.Assertions.*;

@Tag("download")
class Bf16Test {

    /** The vector rounding equals ggml's scalar fp32→bf16 on every value class, tails included. */
    @Test
    void vectorRoundingIsGgmlsRoundToNearestEven() {
        float[] special = {0f, -0f, 1f, -1f, Float.MIN_VALUE, -Float.MIN_VALUE, Float.MIN_NORMAL, Float.MAX_VALUE, -Float.MAX_VALUE,
                Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN, Float.intBitsToFloat(0x7f800001), Float.intBitsToFloat(0xffc00001),
                Float.intBitsToFloat(0x3f808000),   // exactly halfway, even below: rounds down
                Float.intBitsToFloat(0x3f818000),   // exactly halfway, odd below: rounds up
                Float.intBitsToFloat(0x3f808001), Float.intBitsToFloat(0x7f7fffff)};
        Random rnd = new Random(3);
        int n = 16 * 40 + 7;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment src = arena.allocate(4L * n), dst = arena.allocate(2L * n);
            for (int i = 0; i < n; i++) {
                float v = i < special.length ? special[i] : i % 3 == 0 ? Float.intBitsToFloat(rnd.nextInt()) : (float) rnd.nextGaussian() * 100;
                src.setAtIndex(JAVA_FLOAT, i, v);
            }
            Bf16.fromF32(src, 0, dst, 0, n);
            for (int i = 0; i < n; i++) {
                float v = src.getAtIndex(JAVA_FLOAT, i);
                int expected = Float.floatToRawIntBits(Fp16.roundBf16(v)) >>> 16;
                assertEquals(expected, dst.getAtIndex(JAVA_SHORT, i) & 0xFFFF, "element " + i + " = " + v + " (0x" + Integer.toHexString(Float.floatToRawIntBits(v)) + ")");
            }
        }
    }

    /** Q4_1 rows (vectorized) and Q8_0/F32 rows (through f32) of the real SmolLM2 file: bf16 of the f32 dequantization. */
    @Test
    void dequantizedRowsAreTheF32DequantizationRounded() throws Exception {
        try (Engine engine = Engine.load(TestModels.smollm2()); Arena arena = Arena.ofConfined()) {
            check(engine.model().weights.layers[3].wGate(), 7, 5, arena);         // Q4_1 [1536][576]
            check(engine.model().weights.layers[0].wDown(), 100, 3, arena);       // Q4_1 [576][1536]
            check(engine.model().weights.tokenEmbedding, 1000, 4, arena);         // Q8_0
            check(engine.model().weights.layers[0].attnNorm(), 0, 1, arena);      // F32 [576]
        }
    }

    private static void check(GgufTensor t, long row0, long rows, Arena arena) {
        int k = (int) t.rowLength();
        MemorySegment out = arena.allocate(2L * k * rows), f32 = arena.allocate(4L * k);
        Bf16.dequantRows(t, row0, rows, out, 0, Bf16.scratch(arena, k));
        for (long r = 0; r < rows; r++) {
            Dequant.row(t, row0 + r, f32, 0);
            for (int i = 0; i < k; i++) {
                short expected = Bf16.bits(f32.getAtIndex(JAVA_FLOAT, i));
                assertEquals(expected, out.getAtIndex(JAVA_SHORT, r * k + i), t.name() + " row " + (row0 + r) + " element " + i);
            }
        }
    }
}
