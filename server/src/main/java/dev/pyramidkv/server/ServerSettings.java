package dev.pyramidkv.server;

import dev.pyramidkv.cache.PolicyConfig;
import dev.pyramidkv.engine.api.Backend;

import java.time.Duration;

/**
 * How {@code pyramidkv serve} runs.
 *
 * @param modelId           the name clients use for the model (in {@code model} and {@code /v1/models})
 * @param policy            the KV policy of requests without a {@code kv} object
 * @param threadsPerSession worker threads of each session (the request's thread is one of them)
 * @param maxSessions       sessions generating at once; with {@code threadsPerSession} this sizes the CPU use
 * @param maxKvBytes        the sum of the KV caches of running sessions never exceeds this
 * @param queueLimit        requests that may wait for memory; beyond it, 429
 * @param maxBodyBytes      larger request bodies get 413
 * @param readTimeout       a client that sends nothing for this long is disconnected
 * @param defaultMaxTokens  for requests without {@code max_tokens}
 * @param shutdownDeadline  how long in-flight generations may run on at shutdown before they are cancelled
 */
public record ServerSettings(String host, int port, String modelId, PolicyConfig policy, Backend backend,
                             int threadsPerSession, int maxSessions, long maxKvBytes, int queueLimit,
                             long maxBodyBytes, Duration readTimeout, int defaultMaxTokens, Duration shutdownDeadline) {

    public ServerSettings {
        if (threadsPerSession < 1) throw new IllegalArgumentException("--threads must be ≥ 1, got " + threadsPerSession);
        if (maxSessions < 1) throw new IllegalArgumentException("--max-sessions must be ≥ 1, got " + maxSessions);
        if (maxKvBytes < 1) throw new IllegalArgumentException("--max-kv-bytes must be > 0, got " + maxKvBytes);
        if (queueLimit < 0) throw new IllegalArgumentException("--queue must be ≥ 0, got " + queueLimit);
        if (maxBodyBytes < 1) throw new IllegalArgumentException("--max-body must be > 0, got " + maxBodyBytes);
        if (defaultMaxTokens < 1) throw new IllegalArgumentException("--max-tokens must be ≥ 1, got " + defaultMaxTokens);
    }

    /**
     * Loopback on {@code port}, the full cache, oneDNN prefill, one thread per session and as many sessions as
     * cores, 1 GiB of KV, 32 waiting requests, 1 MiB bodies, 30 s read timeout, 256 tokens, 10 s to shut down.
     */
    public static ServerSettings defaults(String modelId, int port) {
        return new ServerSettings("127.0.0.1", port, modelId, PolicyConfig.builder("full").build(), Backend.ONEDNN,
                1, Runtime.getRuntime().availableProcessors(), 1L << 30, 32, 1L << 20, Duration.ofSeconds(30), 256,
                Duration.ofSeconds(10));
    }

    public ServerSettings withPolicy(PolicyConfig p) {
        return new ServerSettings(host, port, modelId, p, backend, threadsPerSession, maxSessions, maxKvBytes, queueLimit, maxBodyBytes, readTimeout, defaultMaxTokens, shutdownDeadline);
    }

    public ServerSettings withBackend(Backend b) {
        return new ServerSettings(host, port, modelId, policy, b, threadsPerSession, maxSessions, maxKvBytes, queueLimit, maxBodyBytes, readTimeout, defaultMaxTokens, shutdownDeadline);
    }

    public ServerSettings withSessions(int max, int threadsEach) {
        return new ServerSettings(host, port, modelId, policy, backend, threadsEach, max, maxKvBytes, queueLimit, maxBodyBytes, readTimeout, defaultMaxTokens, shutdownDeadline);
    }

    public ServerSettings withMemory(long kvBytes, int queue) {
        return new ServerSettings(host, port, modelId, policy, backend, threadsPerSession, maxSessions, kvBytes, queue, maxBodyBytes, readTimeout, defaultMaxTokens, shutdownDeadline);
    }

    public ServerSettings withLimits(long bodyBytes, Duration read, int maxTokens, Duration shutdown) {
        return new ServerSettings(host, port, modelId, policy, backend, threadsPerSession, maxSessions, maxKvBytes, queueLimit, bodyBytes, read, maxTokens, shutdown);
    }

    public ServerSettings withHost(String h) {
        return new ServerSettings(h, port, modelId, policy, backend, threadsPerSession, maxSessions, maxKvBytes, queueLimit, maxBodyBytes, readTimeout, defaultMaxTokens, shutdownDeadline);
    }
}
