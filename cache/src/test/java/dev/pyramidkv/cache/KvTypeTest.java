package dev.pyramidkv.cache;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

/** Quantized K/V rows: their bytes, how close they decode, and compaction moving rows with their scales. */
class KvTypeTest {
    static final int DIM = 64, HEADS = 2, CAP = 40;

    @Test
    void rowBytesAreTheDocumentedOnes() {
        assertEquals(256, KvType.F32.rowBytes(DIM));
        assertEquals(128, KvType.F16.rowBytes(DIM));
        assertEquals(128, KvType.BF16.rowBytes(DIM));
        assertEquals(68, KvType.Q8_0.rowBytes(DIM));
        assertEquals(36, KvType.Q4_0.rowBytes(DIM));
        assertTrue(KvType.Q8_0.rowBytes(DIM) <= 0.27 * KvType.F32.rowBytes(DIM));
        assertTrue(KvType.Q4_0.rowBytes(DIM) <= 0.15 * KvType.F32.rowBytes(DIM));
        var e = assertThrows(IllegalArgumentException.class, () -> KvType.Q8_0.checkHeadDim(8));
        assertTrue(e.getMessage().contains("multiple of 32"), e.getMessage());
        var e4 = assertThrows(IllegalArgumentException.class, () -> KvType.Q4_0.checkHeadDim(48));
        assertEquals("kv type q4_0 needs a head size that is a multiple of 32, the model's is 48", e4.getMessage());
        KvType.BF16.checkHeadDim(8);
        assertEquals(KvType.Q8_0, KvType.parse(" Q8_0 "));
        assertEquals(KvType.BF16, KvType.parse("bf16"));
        assertEquals(KvType.Q4_0, KvType.parse("q4_0"));
        var bad = assertThrows(IllegalArgumentException.class, () -> KvType.parse("q4"));
        assertEquals("kv type: unknown type 'q4'; expected one of f32|f16|bf16|q8_0|q4_0", bad.getMessage());
    }

    /**
     * q8_0: each value within half a quantization step plus 127 × the f16 rounding of the scale; q4_0: half a
     * step (a whole one for the clipped nibble 15) plus 8 × the scale's rounding; f16 within 2^-11, bf16 within
     * 2^-8 relative.
     */
    @Test
    void rowsDecodeWithinTheirTypesRounding() {
        SplittableRandom rnd = new SplittableRandom(5);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment src = arena.allocate(4L * DIM), row = arena.allocate(KvType.F32.rowBytes(DIM));
            for (int trial = 0; trial < 200; trial++) {
                double scale = Math.pow(10, rnd.nextInt(-3, 4));
                float[] x = new float[DIM];
                for (int i = 0; i < DIM; i++) src.setAtIndex(ValueLayout.JAVA_FLOAT, i, x[i] = (float) (rnd.nextGaussian() * scale));
                if (trial == 0) {   // an all-zero row: scale 0, values 0
                    src.fill((byte) 0);
                    java.util.Arrays.fill(x, 0f);
                }
                KvType.F16.encode(src, 0, row, 0, DIM);
                for (int i = 0; i < DIM; i++) assertEquals(x[i], KvType.F16.decode(row, 0, i), Math.abs(x[i]) * 0x1p-11 + 1e-7, "f16 " + i);
                KvType.BF16.encode(src, 0, row, 0, DIM);
                for (int i = 0; i < DIM; i++) assertEquals(x[i], KvType.BF16.decode(row, 0, i), Math.abs(x[i]) * 0x1p-8, "bf16 " + i);
                KvType.Q4_0.encode(src, 0, row, 0, DIM);
                for (int b = 0; b < DIM / 32; b++) {
                    float m = 0;
                    for (int i = 32 * b; i < 32 * b + 32; i++) if (Math.abs(x[i]) > Math.abs(m)) m = x[i];
                    float d = m / -8f, stored = Float.float16ToFloat(Float.floatToFloat16(d));
                    for (int i = 32 * b; i < 32 * b + 32; i++) {
                        double step = d != 0 && x[i] / d > 7.5 ? Math.abs(d) : Math.abs(d) * 0.5;
                        double bound = step + 8.0 * Math.abs(stored - d) + Math.ulp(Math.abs(m));
                        assertEquals(x[i], KvType.Q4_0.decode(row, 0, i), bound, "q4_0 " + i + " of trial " + trial);
                    }
                }
                KvType.Q8_0.encode(src, 0, row, 0, DIM);
                for (int b = 0; b < DIM / 32; b++) {
                    float amax = 0;
                    for (int i = 32 * b; i < 32 * b + 32; i++) amax = Math.max(amax, Math.abs(x[i]));
                    float d = amax / 127f, stored = Float.float16ToFloat(Float.floatToFloat16(d));
                    double bound = d * 0.5 + 127.0 * Math.abs(stored - d) + Math.ulp(amax);
                    for (int i = 32 * b; i < 32 * b + 32; i++) {
                        assertEquals(x[i], KvType.Q8_0.decode(row, 0, i), bound, "q8_0 " + i + " of trial " + trial);
                    }
                }
                KvType.F32.encode(src, 0, row, 0, DIM);
                for (int i = 0; i < DIM; i++) assertEquals(x[i], KvType.F32.decode(row, 0, i));
            }
        }
    }

    /**
     * ggml's quantize_row_q4_0_ref on hand-worked blocks: the value of largest magnitude keeps its sign in d and
     * maps to nibble 0 exactly; its negation would be nibble 16 and clips to 15.
     */
    @Test
    void q4_0QuantizesAsGgml() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment src = arena.allocate(4L * 32), row = arena.allocate(KvType.Q4_0_BLOCK_BYTES);
            float[] x = new float[32];
            x[0] = -4f; x[1] = 2f; x[2] = 1f; x[3] = 0.3f; x[16] = 3.9f; x[17] = -1.1f;
            for (int i = 0; i < 32; i++) src.setAtIndex(ValueLayout.JAVA_FLOAT, i, x[i]);
            KvType.Q4_0.encode(src, 0, row, 0, 32);
            // d = -4 / -8 = 0.5; nibble = trunc(x/d + 8.5): -4 → 0, 2 → 12, 1 → 10, 0.3 → 9, 3.9 → 16 → 15, -1.1 → 6, 0 → 8
            assertEquals(0.5f, Float.float16ToFloat(row.get(ValueLayout.JAVA_SHORT_UNALIGNED, 0)));
            int[] lo = {0, 12, 10, 9}, hi = {15, 6, 8, 8};
            for (int j = 0; j < 4; j++) assertEquals(lo[j] | hi[j] << 4, row.get(ValueLayout.JAVA_BYTE, 2 + j) & 0xFF, "byte " + j);
            assertEquals(0x88, row.get(ValueLayout.JAVA_BYTE, 2 + 15) & 0xFF);
            assertEquals(-4f, KvType.Q4_0.decode(row, 0, 0));
            assertEquals(3.5f, KvType.Q4_0.decode(row, 0, 16));
            assertEquals(0.5f, KvType.Q4_0.decode(row, 0, 3));

            x[0] = 4f; x[1] = -4f;   // the first of equal magnitudes wins: d = -0.5, so -4 clips to -3.5
            for (int i = 0; i < 32; i++) src.setAtIndex(ValueLayout.JAVA_FLOAT, i, x[i]);
            KvType.Q4_0.encode(src, 0, row, 0, 32);
            assertEquals(-0.5f, Float.float16ToFloat(row.get(ValueLayout.JAVA_SHORT_UNALIGNED, 0)));
            assertEquals(4f, KvType.Q4_0.decode(row, 0, 0));
            assertEquals(-3.5f, KvType.Q4_0.decode(row, 0, 1));
        }
    }

    /** bf16 as ggml rounds it: to nearest, ties to even; values with 8 significant bits are exact. */
    @Test
    void bf16RoundsToNearestEven() {
        assertEquals((short) 0x3F80, KvType.toBf16(1f));
        assertEquals((short) 0x3F80, KvType.toBf16(Float.intBitsToFloat(0x3F808000)));   // tie, even below
        assertEquals((short) 0x3F82, KvType.toBf16(Float.intBitsToFloat(0x3F818000)));   // tie, even above
        assertEquals((short) 0x3F81, KvType.toBf16(Float.intBitsToFloat(0x3F808001)));
        assertEquals((short) 0xC2F7, KvType.toBf16(-123.5f));
        assertTrue(Float.isNaN(Float.intBitsToFloat(KvType.toBf16(Float.NaN) << 16)));
        assertEquals(Float.POSITIVE_INFINITY, Float.intBitsToFloat(KvType.toBf16(Float.POSITIVE_INFINITY) << 16));
    }

    /** A block-quantized region: appended rows decode as encoded, and compaction moves each kept row with its scales. */
    @ParameterizedTest
    @EnumSource(value = KvType.class, names = {"Q8_0", "Q4_0", "BF16"})
    void compactionMovesQuantizedRowsWithTheirScales(KvType type) {
        SplittableRandom rnd = new SplittableRandom(7);
        try (Arena arena = Arena.ofConfined()) {
            LayerRegion r = LayerRegion.allocate(arena, 0, HEADS, CAP, DIM, type);
            long rowBytes = type.rowBytes(DIM);
            assertEquals(2L * HEADS * CAP * rowBytes + (long) HEADS * CAP * 4, r.allocatedBytes());
            MemorySegment k = arena.allocate(4L * DIM), v = arena.allocate(4L * DIM);
            float[][][] keys = new float[HEADS][CAP][DIM], values = new float[HEADS][CAP][DIM];
            for (int h = 0; h < HEADS; h++) {
                for (int s = 0; s < CAP; s++) {
                    for (int d = 0; d < DIM; d++) {
                        k.setAtIndex(ValueLayout.JAVA_FLOAT, d, (float) (rnd.nextGaussian() * (1 + s)));
                        v.setAtIndex(ValueLayout.JAVA_FLOAT, d, (float) rnd.nextGaussian());
                    }
                    r.append(h, s, k, 0, v, 0);
                    for (int d = 0; d < DIM; d++) {
                        keys[h][s][d] = r.key(h, s, d);
                        values[h][s][d] = r.value(h, s, d);
                        assertEquals(k.getAtIndex(ValueLayout.JAVA_FLOAT, d), keys[h][s][d], (1 + s) * (type == KvType.Q4_0 ? 0.8 : 0.2));
                    }
                }
            }
            assertEquals(2L * HEADS * CAP * rowBytes, r.liveKvBytes());
            int[] keep = {0, 3, 4, 5, 17, 30, 39};
            r.compact(1, keep, keep.length);
            for (int i = 0; i < keep.length; i++) {
                assertEquals(keep[i], r.position(1, i));
                for (int d = 0; d < DIM; d++) {
                    assertEquals(keys[1][keep[i]][d], r.key(1, i, d), "key " + keep[i] + " moved to " + i);
                    assertEquals(values[1][keep[i]][d], r.value(1, i, d), "value " + keep[i] + " moved to " + i);
                }
            }
            for (int s = 0; s < CAP; s++) assertEquals(keys[0][s][5], r.key(0, s, 5), "head 0 untouched");
        }
    }
}
