package dev.pyramidkv.cache;

import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Selection, pooling and GQA folding on hand-made scores whose answers are worked out by hand. */
class SelectionTest {

    @Test
    void maxPoolingAtTheEdgesIgnoresPadding() {
        float[] in = {1, 0, 0, 0, 0, 0, 0, 0, 0, 2}, out = new float[10];
        Pooling.MAX.apply(in, 10, 7, out);
        assertArrayEquals(new float[] {1, 1, 1, 1, 0, 0, 2, 2, 2, 2}, out);
    }

    @Test
    void avgPoolingCountsPaddingAsZerosLikePyTorchDefault() {
        float[] out = new float[5];
        Pooling.AVG.apply(new float[] {1, 1, 1, 1, 1}, 5, 7, out);   // F.avg_pool1d(ones(5), 7, 1, 3) = [4,5,5,5,4]/7
        assertArrayEquals(new float[] {4f / 7, 5f / 7, 5f / 7, 5f / 7, 4f / 7}, out, 1e-7f);
        float[] edge = new float[10];
        Pooling.AVG.apply(new float[] {1, 0, 0, 0, 0, 0, 0, 0, 0, 2}, 10, 7, edge);
        assertArrayEquals(new float[] {1f / 7, 1f / 7, 1f / 7, 1f / 7, 0, 0, 2f / 7, 2f / 7, 2f / 7, 2f / 7}, edge, 1e-7f);
    }

    @Test
    void keepTopBreaksTiesTowardTheLowerPosition() {
        float[] s = {3, 5, 5, 1, 5, 2};
        int[] out = new int[6];
        float[] scratch = new float[6];
        assertEquals(2, Selection.keepTop(s, 6, 2, scratch, out));
        assertArrayEquals(new int[] {1, 2}, java.util.Arrays.copyOf(out, 2));
        assertEquals(4, Selection.keepTop(s, 6, 4, scratch, out));
        assertArrayEquals(new int[] {0, 1, 2, 4}, java.util.Arrays.copyOf(out, 4));
        assertEquals(0, Selection.keepTop(s, 6, 0, scratch, out));
        assertEquals(6, Selection.keepTop(s, 6, 9, scratch, out));
        float[] flat = new float[1000];                               // all equal: the first k
        assertEquals(10, Selection.keepTop(flat, 1000, 10, new float[1000], new int[1000]));
    }

    @Test
    void orderStatisticMatchesSorting() {
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(3);
        for (int trial = 0; trial < 200; trial++) {
            int n = 1 + rnd.nextInt(300);
            float[] a = new float[n];
            for (int i = 0; i < n; i++) a[i] = rnd.nextInt(1 + rnd.nextInt(20));   // many duplicates
            float[] sorted = a.clone();
            java.util.Arrays.sort(sorted);
            int m = rnd.nextInt(n);
            assertEquals(sorted[m], Selection.orderStatistic(a.clone(), n, m));
        }
    }

    // ------------------------------------------------------------------ through a cache

    /** One layer, 2 query heads sharing 1 KV head, head dim 2, window 2, a 10-token prompt. */
    private static List<Integer> keptPositions(PolicyConfig cfg, float[][] prefixSums) {
        KvShape shape = new KvShape(1, 2, 1, 2);
        int n = 10, w = 2;
        try (Arena arena = Arena.ofConfined()) {
            KvCache cache = KvCache.allocate(arena, shape, cfg, 16, 0);
            StagingBuffer staging = StagingBuffer.allocate(arena, shape, 16);
            for (int t = 0; t < n; t++)
                for (int d = 0; d < 2; d++) {
                    staging.keys().set(ValueLayout.JAVA_FLOAT, staging.offset(0, t) + 4 * d, 100 * t + d);
                    staging.values().set(ValueLayout.JAVA_FLOAT, staging.offset(0, t) + 4 * d, -100 * t - d);
                }
            // window rows: row 0 carries the hand-made prefix sums, row 1 zeros on the prefix; window columns 1/4
            MemorySegment a = arena.allocate(2L * w * n * 4);
            for (int q = 0; q < 2; q++)
                for (int r = 0; r < w; r++)
                    for (int j = 0; j < n; j++) {
                        float p = j >= n - w ? (j <= n - w + r ? 0.25f : 0f) : (r == 0 ? prefixSums[q][j] : 0f);
                        a.setAtIndex(ValueLayout.JAVA_FLOAT, ((long) q * w + r) * n + j, p);
                    }
            MemorySegment c = arena.allocate(2L * n * 4);
            for (int q = 0; q < 2; q++) for (int j = 0; j < n; j++) c.setAtIndex(ValueLayout.JAVA_FLOAT, (long) q * n + j, prefixSums[q][j < n - w ? j : 0]);
            cache.compressPrefill(0, staging, n, new PrefillScores(a, c));
            LayerRegion r = cache.region(0);
            List<Integer> kept = new ArrayList<>();
            for (int s = 0; s < r.length(0); s++) {
                int pos = r.position(0, s);
                kept.add(pos);
                assertEquals(100f * pos + 1, r.key(0, s, 1), "K row of position " + pos);
                assertEquals((float) (-100 * pos), r.value(0, s, 0), "V row of position " + pos);
            }
            return kept;
        }
    }

    private static PolicyConfig.Builder snap(int budget) {
        return PolicyConfig.builder("snapkv").budget(budget).window(2).kernel(1);
    }

    @Test
    void topScoresWinTiesGoLowAndTheWindowIsAlwaysKept() {
        float[] s = {0.125f, 0.875f, 0.25f, 0.5f, 0.5f, 0f, 0.375f, 0.5f};
        // budget 5 = 3 prefix + window: 0.875 (1), then the 0.5s at 3, 4, 7 -> lower positions 3 and 4
        assertEquals(List.of(1, 3, 4, 8, 9), keptPositions(snap(5).build(), new float[][] {s, new float[8]}));
    }

    @Test
    void gqaAggregationDecidesWhichKvTokenSurvives() {
        float[] q0 = {0, 0.5f, 0, 0, 0, 0, 0.375f, 0}, q1 = {0, 0, 0, 0, 0, 0, 0.375f, 0};
        float[][] both = {q0, q1};
        // sum/mean: token 6 (0.75 vs 0.5); max: token 1 (0.5 vs 0.375)
        assertEquals(List.of(6, 8, 9), keptPositions(snap(3).gqa(GqaAggregation.SUM).build(), both));
        assertEquals(List.of(6, 8, 9), keptPositions(snap(3).gqa(GqaAggregation.MEAN).build(), both));
        assertEquals(List.of(1, 8, 9), keptPositions(snap(3).gqa(GqaAggregation.MAX).build(), both));
    }

    @Test
    void poolingSpreadsScoresToNeighboursWithPyTorchEdges() {
        float[] s = {0.5f, 0, 0, 0, 0.375f, 0.375f, 0, 0};
        float[][] one = {s, new float[8]};
        // max k3: [.5,.5,0,.375,.375,.375,.375,0]; keep 3 -> 0,1 then the first .375 (3)
        assertEquals(List.of(0, 1, 3, 8, 9), keptPositions(snap(5).kernel(3).build(), one));
        // avg k3 with padding counted: p0=.5/3 < p4=p5=.75/3; keep 1 -> 4 (without counting padding p0=.25 would tie and win)
        assertEquals(List.of(4, 8, 9), keptPositions(snap(3).kernel(3).pooling(Pooling.AVG).build(), one));
    }

    @Test
    void h2oKeepsTheHeaviestColumnsAndStreamingKeepsSinksAndTail() {
        float[] s = {0.25f, 0.125f, 0.75f, 0, 0.5f, 0, 0.0625f, 0.625f};
        assertEquals(List.of(2, 4, 7, 8, 9), keptPositions(PolicyConfig.builder("h2o").budget(5).window(2).build(), new float[][] {s, new float[8]}));
        assertEquals(List.of(0, 1, 7, 8, 9), keptPositions(PolicyConfig.builder("streaming").budget(5).window(2).sinks(2).build(), new float[][] {s, new float[8]}));
        assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9), keptPositions(PolicyConfig.builder("full").build(), new float[][] {s, new float[8]}));
    }

    @Test
    void adaKvMovesBudgetToTheHeadThatNeedsIt() {
        // 2 KV heads (1 query head each), b = 2 per head, floor 0: head 0 has 4 strong tokens, head 1 none
        KvShape shape = new KvShape(1, 2, 2, 1);
        int n = 8, w = 2;
        float[][] sums = {{0.9f, 0.8f, 0.7f, 0.6f, 0, 0}, {0.05f, 0, 0, 0.01f, 0, 0}};
        try (Arena arena = Arena.ofConfined()) {
            PolicyConfig cfg = PolicyConfig.builder("adakv").budget(4).window(w).kernel(1).headFloor(0).schedule(ScheduleMode.UNIFORM).build();
            KvCache cache = KvCache.allocate(arena, shape, cfg, 16, 0);
            assertEquals(2 * 2 + w, cache.region(0).capacity(), "a head may take the whole layer budget");
            MemorySegment a = arena.allocate(2L * w * n * 4);
            for (int q = 0; q < 2; q++) for (int j = 0; j < n - w; j++) a.setAtIndex(ValueLayout.JAVA_FLOAT, ((long) q * w) * n + j, sums[q][j]);
            cache.compressPrefill(0, StagingBuffer.allocate(arena, shape, 16), n, new PrefillScores(a, null));
            LayerRegion r = cache.region(0);
            assertEquals(6, r.length(0));
            assertEquals(2, r.length(1));
            assertEquals(List.of(0, 1, 2, 3, 6, 7), positions(r, 0));
            assertEquals(List.of(6, 7), positions(r, 1));
        }
    }

    static List<Integer> positions(LayerRegion r, int h) {
        List<Integer> p = new ArrayList<>();
        for (int s = 0; s < r.length(h); s++) p.add(r.position(h, s));
        return p;
    }
}
