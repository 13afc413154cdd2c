package dev.pyramidkv.server;

import dev.pyramidkv.engine.api.Generation;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** The server's counters, rendered in the Prometheus text format for {@code GET /metrics}. */
final class Metrics {
    private final Map<String, LongAdder> requests = new ConcurrentHashMap<>();   // "endpoint status" → count
    private final LongAdder promptTokens = new LongAdder();
    private final LongAdder completionTokens = new LongAdder();
    private final LongAdder prefillNanos = new LongAdder();
    private final LongAdder decodeTokens = new LongAdder();
    private final LongAdder decodeNanos = new LongAdder();
    private final LongAdder cancelled = new LongAdder();

    void request(String endpoint, int status) {
        requests.computeIfAbsent(endpoint + " " + status, k -> new LongAdder()).increment();
    }

    void generated(Generation g) {
        promptTokens.add(g.promptTokens());
        completionTokens.add(g.generatedTokens());
        prefillNanos.add(g.prefillNanos());
        decodeTokens.add(g.decodeTokens());
        decodeNanos.add(g.decodeNanos());
    }

    void cancelled() { cancelled.increment(); }

    /** The live values come from the caller: they belong to the admission and the running sessions. */
    String render(long liveKvBytes, long reservedKvBytes, long limitKvBytes, int sessions, int queued) {
        StringBuilder sb = new StringBuilder();
        sb.append("# HELP pyramidkv_requests_total HTTP requests by endpoint and status.\n# TYPE pyramidkv_requests_total counter\n");
        new TreeMap<>(requests).forEach((key, n) -> {
            int space = key.lastIndexOf(' ');
            sb.append("pyramidkv_requests_total{endpoint=\"").append(key, 0, space).append("\",status=\"")
                    .append(key.substring(space + 1)).append("\"} ").append(n.sum()).append('\n');
        });
        counter(sb, "pyramidkv_prompt_tokens_total", "Prompt tokens prefilled.", promptTokens.sum());
        counter(sb, "pyramidkv_completion_tokens_total", "Tokens generated.", completionTokens.sum());
        counter(sb, "pyramidkv_generations_cancelled_total", "Generations cancelled (client gone or shutdown).", cancelled.sum());
        gauge(sb, "pyramidkv_prefill_tokens_per_second", "Prompt tokens per second of prefill, over all requests so far.",
                rate(promptTokens.sum(), prefillNanos.sum()));
        gauge(sb, "pyramidkv_decode_tokens_per_second", "Decoded tokens per second of decode, over all requests so far.",
                rate(decodeTokens.sum(), decodeNanos.sum()));
        gauge(sb, "pyramidkv_kv_live_bytes", "KV cache bytes holding tokens in the running sessions.", liveKvBytes);
        gauge(sb, "pyramidkv_kv_reserved_bytes", "KV cache bytes reserved by admitted requests.", reservedKvBytes);
        gauge(sb, "pyramidkv_kv_limit_bytes", "The KV reservation limit (--max-kv-bytes).", limitKvBytes);
        gauge(sb, "pyramidkv_sessions", "Sessions generating now.", sessions);
        gauge(sb, "pyramidkv_queue_length", "Requests waiting for KV memory or a session slot.", queued);
        return sb.toString();
    }

    private static double rate(long tokens, long nanos) {
        return nanos == 0 ? 0 : tokens * 1e9 / nanos;
    }

    private static void counter(StringBuilder sb, String name, String help, long value) {
        sb.append("# HELP ").append(name).append(' ').append(help).append("\n# TYPE ").append(name).append(" counter\n")
                .append(name).append(' ').append(value).append('\n');
    }

    private static void gauge(StringBuilder sb, String name, String help, double value) {
        sb.append("# HELP ").append(name).append(' ').append(help).append("\n# TYPE ").append(name).append(" gauge\n")
                .append(name).append(' ').append(value == Math.rint(value) ? Long.toString((long) value) : String.format(Locale.ROOT, "%.3f", value)).append('\n');
    }
}
