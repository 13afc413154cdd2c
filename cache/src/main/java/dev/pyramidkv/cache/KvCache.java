package dev.pyramidkv.cache;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * One session's KV cache: a {@link LayerRegion} per layer, in the session's arena, and the eviction policy
 * that decides what those regions keep. This is the engine's entry point.
 *
 * <h2>Prefill, one layer at a time</h2>
 * <ol>
 *   <li>Write the layer's K and V for all {@code n} prompt tokens into a {@link StagingBuffer}.</li>
 *   <li>If {@link #needsWindowProbs()}: the attention probabilities of the last {@code min(w, n)} queries;
 *       if {@link #needsColumnSums()}: the column sums of all query rows ({@link PrefillScores}).</li>
 *   <li>{@link #compressPrefill(int, StagingBuffer, int, PrefillScores)}; several caches (policies ×
 *       budgets) may compress the same staging and scores one after another ("forking").</li>
 * </ol>
 * <h2>Decode, per token and layer</h2>
 * <ol>
 *   <li>{@link #append(int, int, MemorySegment, long, MemorySegment, long)} the new token's K/V (a full head is
 *       evicted and compacted first).</li>
 *   <li>Attention of each query head over its KV head's live slots {@code [0, region.length(h))}.</li>
 *   <li>If {@link #needsDecodeProbs()}: {@link #observeDecode(int, MemorySegment, long, int)} with those
 *       probabilities.</li>
 * </ol>
 * Decode calls allocate nothing on the Java heap. Not thread-safe: one thread at a time.
 */
public final class KvCache {
    private final KvShape shape;
    private final PolicyConfig config;
    private final CachePolicy policy;
    private final LayerRegion[] regions;
    private final int maxPromptLength;
    private int tokensSeen;
    private long evictions;

    private KvCache(KvShape shape, PolicyConfig config, CachePolicy policy, LayerRegion[] regions, int maxPromptLength) {
        this.shape = shape;
        this.config = config;
        this.policy = policy;
        this.regions = regions;
        this.maxPromptLength = maxPromptLength;
        policy.bind(regions);
    }

    /**
     * A cache for any prompt of up to {@code contextLength} tokens followed by {@code decodeHeadroom} decode
     * tokens without eviction (later tokens evict). With {@code config.maxKvTokens()} set, the regions are
     * instead the hard decode caps, and prefill keeps at most that much.
     */
    public static KvCache allocate(Arena arena, KvShape shape, PolicyConfig config, int contextLength, int decodeHeadroom) {
        config.checkContext(contextLength);
        CachePolicy policy = CachePolicy.create(config, shape);
        int[] capacity = policy.capacities(contextLength, decodeHeadroom);
        return new KvCache(shape, config, policy, allocateRegions(arena, shape, config.kvType(), capacity), contextLength);
    }

    /** A cache sized for exactly one prompt length (the smallest regions, e.g. for evaluation forks). */
    public static KvCache allocateForPrompt(Arena arena, KvShape shape, PolicyConfig config, int promptLength, int decodeHeadroom) {
        config.checkContext(promptLength);
        CachePolicy policy = CachePolicy.create(config, shape);
        int[] capacity = policy.capacitiesForPrompt(promptLength, decodeHeadroom);
        return new KvCache(shape, config, policy, allocateRegions(arena, shape, config.kvType(), capacity), promptLength);
    }

    /** The per-layer slots per KV head {@link #allocate} would reserve (for planning and reports). */
    public static int[] capacities(KvShape shape, PolicyConfig config, int contextLength, int decodeHeadroom) {
        config.checkContext(contextLength);
        return CachePolicy.create(config, shape).capacities(contextLength, decodeHeadroom);
    }

    private static LayerRegion[] allocateRegions(Arena arena, KvShape shape, KvType type, int[] capacity) {
        LayerRegion[] regions = new LayerRegion[shape.layers()];
        for (int l = 0; l < regions.length; l++) regions[l] = LayerRegion.allocate(arena, l, shape.kvHeads(), capacity[l], shape.headDim(), type);
        return regions;
    }

    public KvShape shape() { return shape; }
    public PolicyConfig config() { return config; }
    public CachePolicy policy() { return policy; }
    public BudgetSchedule schedule() { return policy.schedule(); }
    public LayerRegion region(int layer) { return regions[checkLayer(layer)]; }
    public int layers() { return regions.length; }
    /** The longest prompt this cache was sized for. */
    public int maxPromptLength() { return maxPromptLength; }
    public boolean needsWindowProbs() { return policy.needsWindowProbs(); }
    public boolean needsColumnSums() { return policy.needsColumnSums(); }
    public boolean needsDecodeProbs() { return policy.needsDecodeProbs(); }
    /** Prompt and decode tokens seen so far (highest position + 1): the length a full cache would hold. */
    public int tokensSeen() { return tokensSeen; }
    /** Entries one decode eviction frees in a full head of {@code layer} ({@link PolicyConfig#evictBatchFor}). */
    public int evictBatch(int layer) { return config.evictBatchFor(regions[checkLayer(layer)].capacity()); }

    /** Decode evictions so far (each frees up to {@link #evictBatch(int)} entries of one head). */
    public long evictions() { return evictions; }

    /**
     * Compresses layer {@code layer}'s {@code n}-token prompt from {@code staging} into its region, replacing
     * what the region held. {@code staging} and {@code scores} are only read.
     */
    public void compressPrefill(int layer, StagingBuffer staging, int n, PrefillScores scores) {
        checkLayer(layer);
        if (n <= 0 || n > maxPromptLength) throw PolicyConfig.bad("n", n, "must be in [1, " + maxPromptLength + "] (the prompt length this cache was sized for)");
        if (staging.kvHeads() != shape.kvHeads() || staging.headDim() != shape.headDim())
            throw PolicyConfig.bad("staging", staging.kvHeads() + "x" + staging.headDim(), "must have kvHeads x headDim " + shape.kvHeads() + "x" + shape.headDim());
        if (staging.maxTokens() < n) throw PolicyConfig.bad("staging.maxTokens", staging.maxTokens(), "must be >= n (" + n + ")");
        if (scores == null) throw PolicyConfig.bad("scores", null, "pass PrefillScores.none() when the policy needs none");
        policy.compressPrefill(layer, staging, n, scores);
        tokensSeen = Math.max(tokensSeen, n);
    }

    /**
     * Appends one decode token to every KV head of {@code layer}: K as f32 [kvHead][headDim] at
     * {@code k[kOffset]}, V likewise at {@code v[vOffset]}. A full head is evicted by the policy and compacted
     * in place first. Allocation-free.
     */
    public void append(int layer, int position, MemorySegment k, long kOffset, MemorySegment v, long vOffset) {
        LayerRegion region = regions[checkLayer(layer)];
        if (position < 0) throw PolicyConfig.bad("position", position, "must be >= 0");
        long rowBytes = shape.rowBytes();
        for (int h = 0; h < shape.kvHeads(); h++) {
            if (region.isFull(h)) {
                policy.makeRoom(layer, region, h);
                evictions++;
            }
            int slot = region.append(h, position, k, kOffset + h * rowBytes, v, vOffset + h * rowBytes);
            policy.appended(layer, h, slot);
        }
        if (position >= tokensSeen) tokensSeen = position + 1;
    }

    /**
     * Reports one decode step's attention of layer {@code layer}: f32 [qHead][rowStride] at
     * {@code probs[offset]}, where row q holds the softmax probabilities of query head q over the live slots
     * {@code [0, region(layer).length(q / group))} of its KV head, in slot order (the slots as they were when
     * attention ran, i.e. after this step's {@link #append}). Allocation-free; a no-op for policies that do
     * not score during decode.
     */
    public void observeDecode(int layer, MemorySegment probs, long offset, int rowStride) {
        LayerRegion region = regions[checkLayer(layer)];
        if (!policy.needsDecodeProbs()) return;
        int longest = 0;
        for (int h = 0; h < shape.kvHeads(); h++) longest = Math.max(longest, region.length(h));
        if (rowStride < longest) throw PolicyConfig.bad("rowStride", rowStride, "must be >= the longest head (" + longest + " slots)");
        long need = offset + ((long) (shape.qHeads() - 1) * rowStride + longest) * Float.BYTES;
        if (offset < 0 || probs.byteSize() < need) throw PolicyConfig.bad("probs.byteSize", probs.byteSize(), "must be >= " + need + " for [qHead=" + shape.qHeads() + "][rowStride=" + rowStride + "] f32 at offset " + offset);
        policy.observe(layer, region, probs, offset, rowStride);
    }

    /** Empties every region and forgets all scores (the memory stays reserved). */
    public void clear() {
        for (LayerRegion r : regions) r.clear();
        policy.clearState();
        tokensSeen = 0;
        evictions = 0;
    }

    /** Bytes reserved, bytes live, and what a full f32 cache of {@link #tokensSeen()} tokens would take. */
    public CacheMemory memory() {
        int layers = regions.length;
        long[] allocated = new long[layers], liveKv = new long[layers], livePositions = new long[layers];
        for (int l = 0; l < layers; l++) {
            allocated[l] = regions[l].allocatedBytes();
            liveKv[l] = regions[l].liveKvBytes();
            livePositions[l] = regions[l].livePositionBytes();
        }
        long fullPerLayer = 2L * tokensSeen * shape.kvHeads() * shape.rowBytes();
        return new CacheMemory(allocated, liveKv, livePositions, fullPerLayer, policy.stateBytes(), tokensSeen);
    }

    private int checkLayer(int layer) {
        if (layer < 0 || layer >= regions.length) throw PolicyConfig.bad("layer", layer, "must be in [0, " + regions.length + ")");
        return layer;
    }

    @Override
    public String toString() { return "KvCache[" + config.label() + ", " + shape + "]"; }
}
