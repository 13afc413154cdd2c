package dev.pyramidkv.cache;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * H2O: heavy hitters by cumulative attention plus the recent window.
 *
 * <p>Prefill (as the PyramidKV repository's H2O baseline): a prefix token's score is the GQA fold of its
 * column sums over all prompt queries; keep the top {@code slots - w} prefix tokens and the last {@code w}.
 * Decode: every kept entry carries its cumulative score (prefill column sum, plus each step's GQA-folded
 * probability); a full head evicts its lowest-scoring entries outside the last {@code w} (ties: the newer
 * entry goes). The recent window is the observation window {@code w} (H2O's paper splits the budget
 * half/half; here the budget beyond the window is all heavy hitters, as in the reference baseline).
 */
final class H2oPolicy extends CachePolicy {
    /** Per layer: f32 [kvHead][capacity] cumulative attention of each live slot. */
    private float[][] cumulative;
    private float[] row;

    H2oPolicy(PolicyConfig config, KvShape shape) { super(config, shape); }

    @Override public boolean needsWindowProbs() { return false; }
    @Override public boolean needsColumnSums() { return true; }
    @Override public boolean needsDecodeProbs() { return true; }

    @Override
    void bind(LayerRegion[] regions) {
        super.bind(regions);
        cumulative = new float[regions.length][];
        for (int l = 0; l < regions.length; l++) cumulative[l] = new float[regions[l].kvHeads() * regions[l].capacity()];
        row = new float[keep.length];
    }

    @Override
    void prefill(int layer, LayerRegion region, StagingBuffer staging, int n, int target, PrefillScores in) {
        in.requireColumnSums(shape.qHeads(), n);
        float[][] folded = new float[shape.kvHeads()][n];
        WindowScorer.columnScores(in, shape, n, n, config.gqa(), folded);
        int[] tokens = new int[n];
        int prefix = n - window;
        int capacity = region.capacity();
        for (int h = 0; h < shape.kvHeads(); h++) {
            int count;
            if (target >= n) {
                for (int t = 0; t < n; t++) tokens[t] = t;
                count = n;
            } else {
                count = selectPrefixPlusWindow(folded[h], prefix, target - window, n, tokens);
            }
            region.fillFromStaging(h, staging, tokens, count);
            for (int i = 0; i < count; i++) cumulative[layer][h * capacity + i] = folded[h][tokens[i]];
        }
    }

    @Override
    void appended(int layer, int h, int slot) {
        cumulative[layer][h * regions[layer].capacity() + slot] = 0f;
    }

    @Override
    void observe(int layer, LayerRegion region, MemorySegment probs, long offset, int rowStride) {
        int group = shape.group();
        int capacity = region.capacity();
        float[] acc = cumulative[layer];
        for (int h = 0; h < shape.kvHeads(); h++) {
            int len = region.length(h);
            for (int g = 0; g < group; g++) {
                int q = h * group + g;
                MemorySegment.copy(probs, ValueLayout.JAVA_FLOAT, offset + (long) q * rowStride * Float.BYTES, row, 0, len);
                config.gqa().fold(scores, row, len, g == 0);
            }
            config.gqa().finish(scores, len, group);
            int base = h * capacity;
            for (int s = 0; s < len; s++) acc[base + s] += scores[s];
        }
    }

    @Override
    void evict(int layer, LayerRegion region, int h) {
        int len = region.length(h);
        int evict = evictCount(layer, h, len, window);
        int evictable = len - window;
        int base = h * region.capacity();
        System.arraycopy(cumulative[layer], base, scores, 0, evictable);
        int count = keepBestAndCompact(region, h, scores, evictable, evict);
        compactState(cumulative[layer], base, 1, keep, count);
    }

    @Override
    void clearState() {
        for (float[] c : cumulative) java.util.Arrays.fill(c, 0f);
    }

    @Override
    long stateBytes() {
        long bytes = 0;
        for (float[] c : cumulative) bytes += (long) c.length * Float.BYTES;
        return bytes;
    }
}
