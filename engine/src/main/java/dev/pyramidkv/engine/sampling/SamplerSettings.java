package dev.pyramidkv.engine.sampling;

/**
 * What the {@link Sampler} does with logits: {@code temperature == 0} is greedy; topK ≤ 0, topP ≥ 1, minP ≤ 0
 * and repeatPenalty == 1 disable those filters; the penalty looks at the last {@code repeatLastN} tokens.
 */
public record SamplerSettings(float temperature, int topK, float topP, float minP, float repeatPenalty, int repeatLastN, long seed) {}
