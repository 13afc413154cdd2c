package dev.pyramidkv.cache;

import org.junit.jupiter.api.Test;

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
        assertEquals(68, KvType.Q8_0.rowBytes(DIM));
        assertTrue(KvType.Q8_0.rowBytes(DIM) <= 0.27 * KvType.F32.rowBytes(DIM));
        var e = assertThrows(IllegalArgumentException.class, () -> KvType.Q8_0.checkHeadDim(8));
        assertTrue(e.getMessage().contains("multiple of 32"), e.getMessage());
        assertEquals(KvType.Q8_0, KvType.parse(" Q8_0 "));
        var bad = assertThrows(IllegalArgumentException.class, () -> KvType.parse("q4"));
        assertEquals("kv type: unknown type 'q4'; expected one of f32|f16|q8_0", bad.getMessage());
    }

    /** q8_0: each value within half a quantization step plus 127 × the f16 rounding of the scale; f16: within 2^-11 relative. */
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

    /** A q8_0 region: appended rows decode as encoded, and compaction moves each kept row with its scales. */
    @Test
    void compactionMovesQuantizedRowsWithTheirScales() {
        SplittableRandom rnd = new SplittableRandom(7);
        try (Arena arena = Arena.ofConfined()) {
            LayerRegion r = LayerRegion.allocate(arena, 0, HEADS, CAP, DIM, KvType.Q8_0);
            assertEquals(2L * HEADS * CAP * 68 + (long) HEADS * CAP * 4, r.allocatedBytes());
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
                        assertEquals(k.getAtIndex(ValueLayout.JAVA_FLOAT, d), keys[h][s][d], (1 + s) * 0.2);
                    }
                }
            }
            assertEquals(2L * HEADS * CAP * 68, r.liveKvBytes());
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
