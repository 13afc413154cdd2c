package dev.pyramidkv.engine.api;

/**
 * The result of one generation: text (stop string excluded), token counts, why it stopped and how fast
 * it ran. {@code decodeTokens} counts forward passes of generated tokens (the first generated token comes
 * from the prefill's logits). {@code decodeHeapBytes} is what the decode loop allocated on the Java heap, on the
 * calling thread and the session's workers (sampling and text included). {@code decodeStepNanos} holds the
 * wall time of each of those decode steps (sampling a token and its forward pass), for latency percentiles.
 */
public record Generation(
        String text,
        int[] tokens,
        int promptTokens,
        StopReason stopReason,
        long prefillNanos,
        long decodeNanos,
        int decodeTokens,
        long decodeHeapBytes,
        long[] decodeStepNanos) {

    public int generatedTokens() { return tokens.length; }

    public double prefillTokensPerSecond() {
        return prefillNanos == 0 ? 0 : promptTokens * 1e9 / prefillNanos;
    }

    /** Heap bytes allocated per decoded token, 0 without decode steps. */
    public long decodeHeapBytesPerToken() {
        return decodeTokens == 0 ? 0 : decodeHeapBytes / decodeTokens;
    }

    public double decodeTokensPerSecond() {
        return decodeNanos == 0 ? 0 : decodeTokens * 1e9 / decodeNanos;
    }
}
