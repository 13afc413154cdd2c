package dev.pyramidkv.engine.api;

import dev.pyramidkv.engine.sampling.SamplerSettings;

import java.util.List;

/**
 * How to generate: a small immutable value. {@code temperature == 0} is greedy decoding; topK ≤ 0, topP ≥ 1,
 * minP ≤ 0 and repeatPenalty == 1 disable those filters. {@code ignoreEos}: an end-of-generation token does not
 * stop the generation (it is kept and fed like any other), so exactly {@code maxTokens} tokens come out unless
 * something else stops it: what benchmarks need, as llama.cpp's {@code --ignore-eos}.
 */
public record GenerationParams(
        int maxTokens,
        float temperature,
        int topK,
        float topP,
        float minP,
        float repeatPenalty,
        int repeatLastN,
        long seed,
        List<String> stop,
        boolean ignoreEos) {

    public GenerationParams {
        if (maxTokens < 0) throw new IllegalArgumentException("maxTokens must be ≥ 0, got " + maxTokens);
        if (!(temperature >= 0)) throw new IllegalArgumentException("temperature must be ≥ 0, got " + temperature);
        if (!(topP > 0 && topP <= 1)) throw new IllegalArgumentException("topP must be in (0, 1], got " + topP);
        if (!(minP >= 0 && minP < 1)) throw new IllegalArgumentException("minP must be in [0, 1), got " + minP);
        if (!(repeatPenalty > 0)) throw new IllegalArgumentException("repeatPenalty must be > 0, got " + repeatPenalty);
        if (repeatLastN < 0) throw new IllegalArgumentException("repeatLastN must be ≥ 0, got " + repeatLastN);
        stop = List.copyOf(stop);
    }

    /** The part of these parameters the sampler uses. */
    public SamplerSettings samplerSettings() {
        return new SamplerSettings(temperature, topK, topP, minP, repeatPenalty, repeatLastN, seed);
    }

    /** Greedy decoding of up to 256 tokens. */
    public static GenerationParams greedy() {
        return new GenerationParams(256, 0f, 0, 1f, 0f, 1f, 64, 0, List.of(), false);
    }

    /** Common sampling defaults: temperature 0.8, top-k 40, top-p 0.95, min-p 0.05. */
    public static GenerationParams sampling(long seed) {
        return new GenerationParams(256, 0.8f, 40, 0.95f, 0.05f, 1f, 64, seed, List.of(), false);
    }

    public GenerationParams withMaxTokens(int n) {
        return new GenerationParams(n, temperature, topK, topP, minP, repeatPenalty, repeatLastN, seed, stop, ignoreEos);
    }

    public GenerationParams withTemperature(float t) {
        return new GenerationParams(maxTokens, t, topK, topP, minP, repeatPenalty, repeatLastN, seed, stop, ignoreEos);
    }

    public GenerationParams withTopK(int k) {
        return new GenerationParams(maxTokens, temperature, k, topP, minP, repeatPenalty, repeatLastN, seed, stop, ignoreEos);
    }

    public GenerationParams withTopP(float p) {
        return new GenerationParams(maxTokens, temperature, topK, p, minP, repeatPenalty, repeatLastN, seed, stop, ignoreEos);
    }

    public GenerationParams withMinP(float p) {
        return new GenerationParams(maxTokens, temperature, topK, topP, p, repeatPenalty, repeatLastN, seed, stop, ignoreEos);
    }

    public GenerationParams withRepeatPenalty(float penalty, int lastN) {
        return new GenerationParams(maxTokens, temperature, topK, topP, minP, penalty, lastN, seed, stop, ignoreEos);
    }

    public GenerationParams withSeed(long s) {
        return new GenerationParams(maxTokens, temperature, topK, topP, minP, repeatPenalty, repeatLastN, s, stop, ignoreEos);
    }

    public GenerationParams withStop(List<String> stops) {
        return new GenerationParams(maxTokens, temperature, topK, topP, minP, repeatPenalty, repeatLastN, seed, stops, ignoreEos);
    }

    public GenerationParams withIgnoreEos(boolean ignore) {
        return new GenerationParams(maxTokens, temperature, topK, topP, minP, repeatPenalty, repeatLastN, seed, stop, ignore);
    }
}
