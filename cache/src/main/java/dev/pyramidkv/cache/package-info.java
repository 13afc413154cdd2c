/**
 * The KV cache: per-layer off-heap regions, budget schedules, token scoring, eviction policies and in-place
 * compaction. JDK only; knows nothing of models or oneDNN. Keys, values and attention probabilities come in;
 * kept slots come out.
 *
 * <ul>
 *   <li>{@link dev.pyramidkv.cache.PolicyConfig}: which policy, its budget and knobs (validated).</li>
 *   <li>{@link dev.pyramidkv.cache.BudgetSchedule}: slots per layer for a prompt length; region capacities;
 *       the JSON report for {@code pyramidkv schedule}.</li>
 *   <li>{@link dev.pyramidkv.cache.KvCache}: one session's cache, the engine's entry point (prefill
 *       compression, decode append with eviction, decode attention feedback, memory accounting).</li>
 *   <li>{@link dev.pyramidkv.cache.LayerRegion}: one layer's K/V/positions, {@code [kvHead][capacity][headDim]}.</li>
 *   <li>{@link dev.pyramidkv.cache.StagingBuffer}: one layer's full prompt K/V before compression.</li>
 *   <li>{@link dev.pyramidkv.cache.PrefillScores}: the window probabilities and column sums policies score with.</li>
 *   <li>JFR events: {@code dev.pyramidkv.cache.PrefillCompression}, {@code .DecodeEviction}, {@code .Compaction}.</li>
 * </ul>
 */
package dev.pyramidkv.cache;
