package dev.pyramidkv.cache;

import java.lang.foreign.MemorySegment;

/**
 * An eviction policy bound to one {@link KvCache}: what to keep when a layer's prompt is compressed, and what
 * to evict when a KV head is full during decode. Each instance owns the per-layer score state it needs
 * (H2O's cumulative attention, SnapKV's observation window), sized once in {@link #bind}; decode calls
 * allocate nothing. Engine code reaches policies through {@link KvCache}.
 */
public abstract sealed class CachePolicy permits FullPolicy, StreamingPolicy, H2oPolicy, SnapKvPolicy {
    final PolicyConfig config;
    final KvShape shape;
    final BudgetSchedule schedule;
    final int window;
    LayerRegion[] regions;
    /** Decode scratch, sized to the largest capacity: selection output, per-slot scores, pooled scores, quickselect copy. */
    int[] keep;
    float[] scores;
    float[] pooled;
    float[] selectScratch;

    CachePolicy(PolicyConfig config, KvShape shape) {
        this.config = config;
        this.shape = shape;
        this.schedule = BudgetSchedule.forConfig(config, shape.layers());
        this.window = config.window();
    }

    /** The policy for a configuration and model shape. */
    static CachePolicy create(PolicyConfig config, KvShape shape) {
        return switch (config.kind()) {
            case FULL -> new FullPolicy(config, shape);
            case STREAMING -> new StreamingPolicy(config, shape);
            case H2O -> new H2oPolicy(config, shape);
            case SNAPKV, PYRAMID -> new SnapKvPolicy(config, shape);
            case ADAKV -> new AdaKvPolicy(config, shape);
        };
    }

    public PolicyConfig config() { return config; }
    public BudgetSchedule schedule() { return schedule; }
    /** Whether prefill needs {@link PrefillScores#windowProbs()}. */
    public abstract boolean needsWindowProbs();
    /** Whether prefill needs {@link PrefillScores#columnSums()}. */
    public abstract boolean needsColumnSums();
    /** Whether {@link KvCache#observeDecode} does anything for this policy. */
    public abstract boolean needsDecodeProbs();

    /** Per-layer slots per KV head for every prompt up to {@code contextLength} plus headroom, or the decode caps. */
    int[] capacities(int contextLength, int decodeHeadroom) {
        if (config.maxKvTokens().isPresent()) return schedule.decodeCaps(config.maxKvTokens().getAsInt());
        return schedule.capacities(contextLength, decodeHeadroom);
    }

    int[] capacitiesForPrompt(int promptLength, int decodeHeadroom) {
        if (config.maxKvTokens().isPresent()) return schedule.decodeCaps(config.maxKvTokens().getAsInt());
        return schedule.capacitiesForPrompt(promptLength, decodeHeadroom);
    }

    /** Attaches the cache's regions and sizes per-layer state and decode scratch. */
    void bind(LayerRegion[] regions) {
        this.regions = regions;
        int maxCapacity = 0;
        for (LayerRegion r : regions) maxCapacity = Math.max(maxCapacity, r.capacity());
        keep = new int[maxCapacity];
        scores = new float[maxCapacity];
        pooled = new float[maxCapacity];
        selectScratch = new float[maxCapacity];
    }

    /**
     * Compresses an {@code n}-token prompt of one layer from {@code staging} into its region, replacing the
     * region's contents. Keeps {@code min(schedule slots, capacity)} per head.
     */
    final void compressPrefill(int layer, StagingBuffer staging, int n, PrefillScores in) {
        PrefillCompressionEvent event = CacheEvents.begin(CacheEvents.prefillEnabled() ? new PrefillCompressionEvent() : null);
        LayerRegion region = regions[layer];
        int slots = schedule.slots(layer, n);
        if (slots > region.capacity() && config.maxKvTokens().isEmpty())
            throw new IllegalStateException("layer " + layer + " keeps " + slots + " slots for a " + n
                    + "-token prompt but its capacity is " + region.capacity() + "; size the cache for this prompt length");
        int target = Math.min(slots, region.capacity());
        prefill(layer, region, staging, n, target, in);
        if (event != null && event.shouldCommit()) {
            int kept = region.liveEntries();
            event.layer = layer;
            event.policy = config.label();
            event.promptTokens = n;
            event.entriesKept = kept;
            event.entriesDropped = n * shape.kvHeads() - kept;
            event.bytesKept = region.liveKvBytes();
            event.commit();
        }
    }

    /** Fills {@code region} with at most {@code target} tokens per head out of {@code n} (target &lt; n means compress). */
    abstract void prefill(int layer, LayerRegion region, StagingBuffer staging, int n, int target, PrefillScores in);

    /** Makes room in full head {@code h} of {@code layer}: evicts, compacts, reports. */
    final void makeRoom(int layer, LayerRegion region, int h) {
        DecodeEvictionEvent event = CacheEvents.begin(CacheEvents.evictionEnabled() ? new DecodeEvictionEvent() : null);
        int before = region.length(h);
        evict(layer, region, h);
        int after = region.length(h);
        if (after >= before)
            throw new IllegalStateException("policy " + config.kind().cliName() + " freed nothing in layer " + layer + " kv head " + h);
        if (event != null && event.shouldCommit()) {
            event.layer = layer;
            event.kvHead = h;
            event.entriesEvicted = before - after;
            event.entriesKept = after;
            event.bytesFreed = (before - after) * (2 * region.rowBytes() + Integer.BYTES);
            event.commit();
        }
    }

    /** Evicts at least one entry of head {@code h} (which is full) and compacts in place. */
    abstract void evict(int layer, LayerRegion region, int h);

    /** A token was appended to head {@code h} at {@code slot}: reset its score state. */
    void appended(int layer, int h, int slot) {}

    /** One decode step's attention probabilities; see {@link KvCache#observeDecode}. */
    void observe(int layer, LayerRegion region, MemorySegment probs, long offset, int rowStride) {}

    /** Forgets all score state (the cache was cleared). */
    void clearState() {}

    /** Bytes of per-layer score state this policy holds on the Java heap. */
    long stateBytes() { return 0; }

    /** Evictable count for a full head that protects its first {@code protectFront} and last {@code protectBack} entries. */
    final int evictCount(int layer, int h, int len, int protectedEntries) {
        int evictable = len - protectedEntries;
        if (evictable <= 0)
            throw new IllegalStateException("layer " + layer + " kv head " + h + ": all " + len + " entries are protected by policy "
                    + config.kind().cliName() + "; the capacity must exceed " + protectedEntries);
        return Math.min(config.evictBatchFor(regions[layer].capacity()), evictable);
    }

    /** Keeps every prompt token in every head. */
    static void keepAll(LayerRegion region, StagingBuffer staging, int n, int[] tokens) {
        for (int t = 0; t < n; t++) tokens[t] = t;
        for (int h = 0; h < region.kvHeads(); h++) region.fillFromStaging(h, staging, tokens, n);
    }

    /**
     * Writes into {@code tokens} the {@code keepPrefix} best prefix tokens of {@code prefixScores[0, prefix)}
     * followed by the window {@code [prefix, n)}; returns the count.
     */
    final int selectPrefixPlusWindow(float[] prefixScores, int prefix, int keepPrefix, int n, int[] tokens) {
        float[] scratch = new float[prefix];
        int count = Selection.keepTop(prefixScores, prefix, keepPrefix, scratch, tokens);
        for (int t = prefix; t < n; t++) tokens[count++] = t;
        return count;
    }

    /**
     * Keeps the best {@code evictable - evict} of entries {@code [0, evictable)} by {@code by} plus every
     * entry from {@code evictable} on, and compacts head {@code h}; the keep list stays in {@link #keep}.
     *
     * @return the kept count
     */
    final int keepBestAndCompact(LayerRegion region, int h, float[] by, int evictable, int evict) {
        int len = region.length(h);
        int count = Selection.keepTop(by, evictable, evictable - evict, selectScratch, keep);
        for (int s = evictable; s < len; s++) keep[count++] = s;
        region.compact(h, keep, count);
        return count;
    }

    /** Compacts a per-slot float state {@code [slot][width]} starting at {@code base} with the same keep list. */
    static void compactState(float[] state, int base, int width, int[] keep, int count) {
        for (int i = 0; i < count; i++) {
            int from = keep[i];
            if (from != i) System.arraycopy(state, base + from * width, state, base + i * width, width);
        }
    }
}
