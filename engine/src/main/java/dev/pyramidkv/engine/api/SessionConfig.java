package dev.pyramidkv.engine.api;

import dev.pyramidkv.cache.PolicyConfig;

/**
 * How a session is set up: the KV policy, threads, the context length (≤ the model's), and how many
 * decode tokens the cache holds beyond the compressed prompt before it starts evicting (ignored when the
 * policy sets a hard cap with maxKvTokens).
 */
public record SessionConfig(PolicyConfig policy, int threads, int contextLength, int decodeHeadroom) {

    public SessionConfig {
        if (threads < 1) throw new IllegalArgumentException("threads must be ≥ 1, got " + threads);
        if (contextLength < 0) throw new IllegalArgumentException("contextLength must be ≥ 0 (0 = the model's), got " + contextLength);
        if (decodeHeadroom < 0) throw new IllegalArgumentException("decodeHeadroom must be ≥ 0, got " + decodeHeadroom);
    }

    /** Full cache, all cores, the model's context, 1024 tokens of decode headroom. */
    public static SessionConfig defaults() {
        return new SessionConfig(PolicyConfig.builder("full").build(), Runtime.getRuntime().availableProcessors(), 0, 1024);
    }

    public SessionConfig withPolicy(PolicyConfig p) { return new SessionConfig(p, threads, contextLength, decodeHeadroom); }

    public SessionConfig withThreads(int t) { return new SessionConfig(policy, t, contextLength, decodeHeadroom); }

    public SessionConfig withContextLength(int n) { return new SessionConfig(policy, threads, n, decodeHeadroom); }

    public SessionConfig withDecodeHeadroom(int n) { return new SessionConfig(policy, threads, contextLength, n); }
}
