package dev.pyramidkv.cache;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * SnapKV and PyramidKV (the same selection; PyramidKV differs only by its {@link BudgetSchedule}).
 *
 * <p>Prefill: per KV head, the pooled and GQA-folded observation-window scores of the prefix
 * ({@link WindowScorer}); keep the top {@code slots - w} prefix tokens (ties: lower position) and the last
 * {@code w}; kept entries stay in position order.
 *
 * <p>Decode: the same idea with a sliding observation window. Every live entry remembers the
 * (GQA-folded) attention it received from each of the most recent {@code w} queries, in a ring of
 * {@code w} rows seeded with the prefill window's rows, so decode scoring continues the prefill scoring
 * without a cold start. A full head scores each entry outside its last {@code w} as the sum of its ring
 * (oldest row first), pools over slot order with the configured kernel, and evicts the lowest
 * (ties: the newer entry goes). Unlike prefill, the group is folded per row before pooling, which keeps
 * the ring at one row per KV head rather than per query head; for MAX/MAX and SUM/AVG pooling/aggregation
 * pairs the two orders agree. Entries appended during decode have zeros for the queries before them.
 */
sealed class SnapKvPolicy extends CachePolicy permits AdaKvPolicy {
    /** Per layer: f32 [kvHead][capacity][w], attention from each of the last w queries. */
    private float[][] ring;
    /** Per layer: ring row the next query writes; rows from here on (mod w) are oldest first. */
    private int[] ringNext;
    private float[] row;

    SnapKvPolicy(PolicyConfig config, KvShape shape) { super(config, shape); }

    @Override public boolean needsWindowProbs() { return true; }
    @Override public boolean needsColumnSums() { return false; }
    @Override public boolean needsDecodeProbs() { return true; }

    @Override
    void bind(LayerRegion[] regions) {
        super.bind(regions);
        ring = new float[regions.length][];
        for (int l = 0; l < regions.length; l++) ring[l] = new float[regions[l].kvHeads() * regions[l].capacity() * window];
        ringNext = new int[regions.length];
        row = new float[keep.length];
    }

    @Override
    final void prefill(int layer, LayerRegion region, StagingBuffer staging, int n, int target, PrefillScores in) {
        int rows = Math.min(window, n);
        in.requireWindowProbs(shape.qHeads(), rows, n);
        int[][] kept = new int[shape.kvHeads()][];
        int[] counts = new int[shape.kvHeads()];
        if (target >= n) {
            for (int h = 0; h < shape.kvHeads(); h++) {
                kept[h] = new int[n];
                for (int t = 0; t < n; t++) kept[h][t] = t;
                counts[h] = n;
            }
        } else {
            int prefix = n - window;
            float[][] prefixScores = new float[shape.kvHeads()][prefix];
            WindowScorer.windowScores(in, shape, n, rows, prefix, config.pooling(), config.kernel(), config.gqa(), prefixScores);
            selectPrefill(layer, region, n, target, prefixScores, kept, counts);
        }
        for (int h = 0; h < shape.kvHeads(); h++) {
            region.fillFromStaging(h, staging, kept[h], counts[h]);
            seedRing(layer, region, h, in, n, rows, kept[h], counts[h]);
        }
        ringNext[layer] = rows % window;
    }

    /**
     * Chooses each head's kept tokens (prefix winners, then the window) into {@code kept[h][0, counts[h])}.
     * SnapKV/PyramidKV: {@code target - w} prefix tokens in every head.
     */
    void selectPrefill(int layer, LayerRegion region, int n, int target, float[][] prefixScores, int[][] kept, int[] counts) {
        int prefix = n - window;
        for (int h = 0; h < shape.kvHeads(); h++) {
            kept[h] = new int[target];
            counts[h] = selectPrefixPlusWindow(prefixScores[h], prefix, target - window, n, kept[h]);
        }
    }

    /** Ring rows [0, rows) of head h := the window rows' GQA-folded probabilities at the kept tokens; the rest 0. */
    private void seedRing(int layer, LayerRegion region, int h, PrefillScores in, int n, int rows, int[] tokens, int count) {
        float[] state = ring[layer];
        int group = shape.group();
        GqaAggregation gqa = config.gqa();
        int base = h * region.capacity() * window;
        java.util.Arrays.fill(state, base, base + region.capacity() * window, 0f);
        float[] column = new float[count];
        float[] acc = new float[count];
        for (int r = 0; r < rows; r++) {
            for (int g = 0; g < group; g++) {
                int q = h * group + g;
                for (int i = 0; i < count; i++) column[i] = WindowScorer.checked(in.windowProb(q, r, rows, n, tokens[i]), "windowProbs", q, r, tokens[i]);
                gqa.fold(acc, column, count, g == 0);
            }
            gqa.finish(acc, count, group);
            for (int i = 0; i < count; i++) state[base + i * window + r] = acc[i];
        }
    }

    @Override
    final void appended(int layer, int h, int slot) {
        int from = (h * regions[layer].capacity() + slot) * window;
        java.util.Arrays.fill(ring[layer], from, from + window, 0f);
    }

    @Override
    final void observe(int layer, LayerRegion region, MemorySegment probs, long offset, int rowStride) {
        int group = shape.group();
        int r = ringNext[layer];
        float[] state = ring[layer];
        GqaAggregation gqa = config.gqa();
        for (int h = 0; h < shape.kvHeads(); h++) {
            int len = region.length(h);
            for (int g = 0; g < group; g++) {
                int q = h * group + g;
                MemorySegment.copy(probs, ValueLayout.JAVA_FLOAT, offset + (long) q * rowStride * Float.BYTES, row, 0, len);
                gqa.fold(scores, row, len, g == 0);
            }
            gqa.finish(scores, len, group);
            int base = h * region.capacity() * window + r;
            for (int s = 0; s < len; s++) state[base + s * window] = scores[s];
        }
        ringNext[layer] = r + 1 == window ? 0 : r + 1;
    }

    @Override
    final void evict(int layer, LayerRegion region, int h) {
        int len = region.length(h);
        int evict = evictCount(layer, h, len, window);
        int evictable = len - window;
        float[] state = ring[layer];
        int base = h * region.capacity() * window;
        int oldest = ringNext[layer];
        for (int s = 0; s < evictable; s++) {
            int at = base + s * window;
            float sum = 0f;
            for (int i = 0, r = oldest; i < window; i++, r = r + 1 == window ? 0 : r + 1) sum += state[at + r];
            scores[s] = sum;
        }
        config.pooling().apply(scores, evictable, config.kernel(), pooled);
        int count = keepBestAndCompact(region, h, pooled, evictable, evict);
        compactState(state, base, window, keep, count);
    }

    @Override
    final void clearState() {
        for (float[] r : ring) java.util.Arrays.fill(r, 0f);
        java.util.Arrays.fill(ringNext, 0);
    }

    @Override
    final long stateBytes() {
        long bytes = 0;
        for (float[] r : ring) bytes += (long) r.length * Float.BYTES;
        return bytes;
    }
}
