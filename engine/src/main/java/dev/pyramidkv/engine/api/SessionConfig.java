package dev.pyramidkv.engine.api;

import dev.pyramidkv.cache.PolicyConfig;

/**
 * How a session is set up: the KV policy, threads, the context length (≤ the model's), how many
 * decode tokens the cache holds beyond the compressed prompt before it starts evicting (ignored when the
 * policy sets a hard cap with maxKvTokens), and what runs prompt prefills.
 */
public record SessionConfig(PolicyConfig policy, int threads, int contextLength, int decodeHeadroom, Backend backend) {

    public SessionConfig {
        if (policy == null) throw new IllegalArgumentException("policy must be given");
        if (threads < 1) throw new IllegalArgumentException("threads must be ≥ 1, got " + threads);
        if (contextLength < 0) throw new IllegalArgumentException("contextLength must be ≥ 0 (0 = the model's), got " + contextLength);
        if (decodeHeadroom < 0) throw new IllegalArgumentException("decodeHeadroom must be ≥ 0, got " + decodeHeadroom);
        if (backend == null) throw new IllegalArgumentException("backend must be given (onednn or java)");
    }

    /** The default backend, {@link Backend#ONEDNN} (Java where oneDNN is missing). */
    public SessionConfig(PolicyConfig policy, int threads, int contextLength, int decodeHeadroom) {
        this(policy, threads, contextLength, decodeHeadroom, Backend.ONEDNN);
    }

    /** Full cache, all cores, the model's context, 1024 tokens of decode headroom, oneDNN prefill. */
    public static SessionConfig defaults() {
        return new SessionConfig(PolicyConfig.builder("full").build(), Runtime.getRuntime().availableProcessors(), 0, 1024, Backend.ONEDNN);
    }

    public SessionConfig withPolicy(PolicyConfig p) { return new SessionConfig(p, threads, contextLength, decodeHeadroom, backend); }

    public SessionConfig withThreads(int t) { return new SessionConfig(policy, t, contextLength, decodeHeadroom, backend); }

    public SessionConfig withContextLength(int n) { return new SessionConfig(policy, threads, n, decodeHeadroom, backend); }

    public SessionConfig withDecodeHeadroom(int n) { return new SessionConfig(policy, threads, contextLength, n, backend); }

    public SessionConfig withBackend(Backend b) { return new SessionConfig(policy, threads, contextLength, decodeHeadroom, b); }
}
