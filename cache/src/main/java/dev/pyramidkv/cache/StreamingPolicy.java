package dev.pyramidkv.cache;

/**
 * StreamingLLM: the first {@code sinks} tokens (attention sinks) plus the most recent ones. Prefill keeps
 * sinks + the last (slots - sinks) prompt tokens; a full head drops its oldest non-sink entries.
 * (The PyramidKV repository's StreamingLLM baseline keeps the first K - w tokens plus the window instead;
 * this follows the StreamingLLM paper.)
 */
final class StreamingPolicy extends CachePolicy {
    StreamingPolicy(PolicyConfig config, KvShape shape) { super(config, shape); }

    @Override public boolean needsWindowProbs() { return false; }
    @Override public boolean needsColumnSums() { return false; }
    @Override public boolean needsDecodeProbs() { return false; }

    @Override
    void prefill(int layer, LayerRegion region, StagingBuffer staging, int n, int target, PrefillScores in) {
        int[] tokens = new int[Math.max(n, 1)];
        if (target >= n) {
            keepAll(region, staging, n, tokens);
            return;
        }
        int sinks = Math.min(config.sinks(), target);
        int count = 0;
        for (int t = 0; t < sinks; t++) tokens[count++] = t;
        for (int t = n - (target - sinks); t < n; t++) tokens[count++] = t;
        for (int h = 0; h < region.kvHeads(); h++) region.fillFromStaging(h, staging, tokens, count);
    }

    @Override
    void evict(int layer, LayerRegion region, int h) {
        int len = region.length(h);
        int sinks = Math.min(config.sinks(), len);
        int evict = evictCount(layer, h, len, sinks);
        int count = 0;
        for (int s = 0; s < sinks; s++) keep[count++] = s;
        for (int s = sinks + evict; s < len; s++) keep[count++] = s;
        region.compact(h, keep, count);
    }
}
