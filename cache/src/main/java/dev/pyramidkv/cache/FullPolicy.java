package dev.pyramidkv.cache;

/** Keeps every token and never evicts: the quality ceiling, and the memory the others are compared with. */
final class FullPolicy extends CachePolicy {
    FullPolicy(PolicyConfig config, KvShape shape) { super(config, shape); }

    @Override public boolean needsWindowProbs() { return false; }
    @Override public boolean needsColumnSums() { return false; }
    @Override public boolean needsDecodeProbs() { return false; }

    @Override
    void prefill(int layer, LayerRegion region, StagingBuffer staging, int n, int target, PrefillScores in) {
        keepAll(region, staging, n, new int[n]);
    }

    @Override
    void evict(int layer, LayerRegion region, int h) {
        throw new IllegalStateException("layer " + layer + " kv head " + h + " is full (capacity " + region.capacity()
                + ") and policy full never evicts; allocate the cache with more decode headroom");
    }
}
