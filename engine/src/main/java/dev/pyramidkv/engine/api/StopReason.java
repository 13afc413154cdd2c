package dev.pyramidkv.engine.api;

/** Why a generation ended. */
public enum StopReason {
    /** The model produced an end-of-generation token (EOS/EOT). */
    END_OF_TEXT,
    /** A stop string appeared; the text ends before it. */
    STOP_STRING,
    /** {@code maxTokens} tokens were generated. */
    MAX_TOKENS,
    /** The sequence reached the context length. */
    CONTEXT_FULL,
    /** {@link Session#cancel()} was called. */
    CANCELLED
}
