package dev.pyramidkv.cache;

import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

class LayerRegionTest {
    static final int HEADS = 3, CAP = 50, DIM = 5;

    private static LayerRegion filled(Arena arena, SplittableRandom rnd, float[][][] k, float[][][] v) {
        LayerRegion r = LayerRegion.allocate(arena, 0, HEADS, CAP, DIM);
        MemorySegment kb = arena.allocate(DIM * 4L), vb = arena.allocate(DIM * 4L);
        for (int h = 0; h < HEADS; h++)
            for (int s = 0; s < CAP; s++) {
                for (int d = 0; d < DIM; d++) {
                    k[h][s][d] = (float) rnd.nextDouble();
                    v[h][s][d] = (float) rnd.nextDouble();
                    kb.setAtIndex(ValueLayout.JAVA_FLOAT, d, k[h][s][d]);
                    vb.setAtIndex(ValueLayout.JAVA_FLOAT, d, v[h][s][d]);
                }
                assertEquals(s, r.append(h, 1000 * h + 3 * s, kb, 0, vb, 0));
            }
        return r;
    }

    @Test
    void layoutAndOffsetsAreTheDocumentedOnes() {
        try (Arena arena = Arena.ofConfined()) {
            LayerRegion r = LayerRegion.allocate(arena, 7, HEADS, CAP, DIM);
            assertEquals(((2L * CAP + 9) * DIM) * 4, r.offset(2, 9));
            assertEquals((long) CAP * DIM * 4, r.headStrideBytes());
            assertEquals(2L * HEADS * CAP * DIM * 4 + (long) HEADS * CAP * 4, r.allocatedBytes());
            assertEquals(0, r.offset(0, 0) % 4);
            assertEquals(0, r.keys().address() % 64, "64-byte aligned for vector loads");
            MemorySegment kb = arena.allocate(DIM * 4L);
            kb.setAtIndex(ValueLayout.JAVA_FLOAT, 4, 42f);
            r.append(1, 99, kb, 0, kb, 0);
            assertEquals(42f, r.keys().get(ValueLayout.JAVA_FLOAT, r.offset(1, 0) + 16));
            assertEquals(99, r.positions().getAtIndex(ValueLayout.JAVA_INT, CAP));
            assertEquals(1, r.length(1));
            assertEquals(0, r.length(0));
        }
    }

    @Test
    void compactionKeepsKeysValuesAndPositionsInOrder() {
        SplittableRandom rnd = new SplittableRandom(11);
        for (int trial = 0; trial < 300; trial++) {
            try (Arena arena = Arena.ofConfined()) {
                float[][][] k = new float[HEADS][CAP][DIM], v = new float[HEADS][CAP][DIM];
                LayerRegion r = filled(arena, rnd, k, v);
                int h = rnd.nextInt(HEADS);
                double p = rnd.nextDouble();          // from keep-nearly-none to keep-nearly-all, runs and gaps
                List<Integer> keep = new ArrayList<>();
                for (int s = 0; s < CAP; s++) if (rnd.nextDouble() < p) keep.add(s);
                int[] keepArr = keep.stream().mapToInt(Integer::intValue).toArray();
                r.compact(h, keepArr, keepArr.length);
                assertEquals(keep.size(), r.length(h));
                for (int i = 0; i < keep.size(); i++) {
                    int src = keep.get(i);
                    assertEquals(1000 * h + 3 * src, r.position(h, i), "position of kept slot " + i);
                    for (int d = 0; d < DIM; d++) {
                        assertEquals(k[h][src][d], r.key(h, i, d));
                        assertEquals(v[h][src][d], r.value(h, i, d));
                    }
                }
                for (int o = 0; o < HEADS; o++) {       // other heads untouched
                    if (o == h) continue;
                    assertEquals(CAP, r.length(o));
                    for (int s = 0; s < CAP; s++) {
                        assertEquals(1000 * o + 3 * s, r.position(o, s));
                        assertEquals(k[o][s][DIM - 1], r.key(o, s, DIM - 1));
                    }
                }
            }
        }
    }

    @Test
    void compactionRejectsBadKeepLists() {
        try (Arena arena = Arena.ofConfined()) {
            LayerRegion r = filled(arena, new SplittableRandom(1), new float[HEADS][CAP][DIM], new float[HEADS][CAP][DIM]);
            assertThrows(IllegalArgumentException.class, () -> r.compact(0, new int[] {3, 2}, 2));
            assertThrows(IllegalArgumentException.class, () -> r.compact(0, new int[] {48, 49, 50}, 3));
            assertThrows(IllegalArgumentException.class, () -> r.compact(0, new int[] {1}, 51));
            IllegalStateException full = assertThrows(IllegalStateException.class,
                    () -> r.append(0, 1, arena.allocate(DIM * 4L), 0, arena.allocate(DIM * 4L), 0));
            assertTrue(full.getMessage().contains("capacity 50"), full.getMessage());
        }
    }
}
