package dev.pyramidkv.engine.model;

import dev.pyramidkv.engine.gguf.GgufFormatException;
import dev.pyramidkv.engine.gguf.GgufMetadata;

/** Hyper-parameters of a llama-architecture model, read from GGUF metadata ({@code llama.*} keys). */
public record LlamaConfig(
        int dim,            // embedding length
        int layers,
        int heads,          // query heads
        int kvHeads,
        int headDim,
        int ffnDim,
        int vocab,
        int contextLength,
        float ropeTheta,
        int ropeDim,        // rotated dimensions per head (≤ headDim)
        float rmsEps) {

    public static LlamaConfig from(GgufMetadata m, int vocabFromTensors) {
        String arch = m.getString("general.architecture");
        if (!arch.equals("llama")) {
            throw new IllegalArgumentException("unsupported architecture " + GgufFormatException.quote(arch) + " (this engine runs 'llama' models)");
        }
        int dim = m.getInt("llama.embedding_length");
        int heads = m.getInt("llama.attention.head_count");
        int kvHeads = m.getInt("llama.attention.head_count_kv", heads);
        if (dim <= 0 || heads <= 0 || dim % heads != 0) {
            throw new IllegalArgumentException("llama.embedding_length " + dim + " is not a multiple of llama.attention.head_count " + heads);
        }
        if (kvHeads <= 0 || heads % kvHeads != 0) {
            throw new IllegalArgumentException("llama.attention.head_count " + heads + " is not a multiple of head_count_kv " + kvHeads);
        }
        int headDim = dim / heads;
        int ropeDim = m.getInt("llama.rope.dimension_count", headDim);
        if (ropeDim <= 0 || ropeDim > headDim || ropeDim % 2 != 0) {
            throw new IllegalArgumentException("llama.rope.dimension_count " + ropeDim + " must be even and at most the head size " + headDim);
        }
        int vocab = m.has("llama.vocab_size") ? m.getInt("llama.vocab_size") : vocabFromTensors;
        return new LlamaConfig(dim, positive(m, "llama.block_count"), heads, kvHeads, headDim,
                positive(m, "llama.feed_forward_length"), vocab, positive(m, "llama.context_length"),
                (float) m.getDouble("llama.rope.freq_base", 10000.0), ropeDim,
                (float) m.getDouble("llama.attention.layer_norm_rms_epsilon", 1e-5));
    }

    private static int positive(GgufMetadata m, String key) {
        int v = m.getInt(key);
        if (v <= 0) throw new IllegalArgumentException("GGUF metadata '" + key + "' must be positive, found " + v);
        return v;
    }

    public int kvDim() { return kvHeads * headDim; }

    /** Query heads per KV head (GQA group size). */
    public int groupSize() { return heads / kvHeads; }
}
