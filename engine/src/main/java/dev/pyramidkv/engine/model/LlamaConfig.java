package dev.pyramidkv.engine.model;

import dev.pyramidkv.engine.gguf.GgufFormatException;
import dev.pyramidkv.engine.gguf.GgufMetadata;

import java.util.Map;
import java.util.TreeSet;

/**
 * Hyper-parameters of a llama-family model, read from GGUF metadata under the architecture's prefix
 * ({@code llama.*}, {@code qwen2.*}). The family shares one forward pass; what differs between its
 * architectures is data: qwen2 has Q/K/V biases (tensors, see {@link LlamaWeights}) and rotates the two
 * halves of each head against each other (NEOX RoPE) where llama rotates adjacent pairs.
 */
public record LlamaConfig(
        String architecture, // general.architecture
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
        boolean ropeNeox,   // pairs (i, i + ropeDim/2) rather than (2i, 2i+1)
        float rmsEps) {

    /** The architectures this engine runs, and whether each uses NEOX RoPE (as llama.cpp's llama_model_rope_type). */
    private static final Map<String, Boolean> NEOX_ROPE = Map.of("llama", false, "qwen2", true);

    public static LlamaConfig from(GgufMetadata m, int vocabFromTensors) {
        String arch = m.getString("general.architecture");
        if (!NEOX_ROPE.containsKey(arch)) {
            throw new IllegalArgumentException("unsupported architecture " + GgufFormatException.quote(arch) + " (this engine runs "
                    + String.join(", ", new TreeSet<>(NEOX_ROPE.keySet())) + ")");
        }
        String p = arch + ".";
        int dim = m.getInt(p + "embedding_length");
        int heads = m.getInt(p + "attention.head_count");
        int kvHeads = m.getInt(p + "attention.head_count_kv", heads);
        if (dim <= 0 || heads <= 0 || dim % heads != 0) {
            throw new IllegalArgumentException(p + "embedding_length " + dim + " is not a multiple of " + p + "attention.head_count " + heads);
        }
        if (kvHeads <= 0 || heads % kvHeads != 0) {
            throw new IllegalArgumentException(p + "attention.head_count " + heads + " is not a multiple of head_count_kv " + kvHeads);
        }
        int headDim = dim / heads;
        int ropeDim = m.getInt(p + "rope.dimension_count", headDim);
        if (ropeDim <= 0 || ropeDim > headDim || ropeDim % 2 != 0) {
            throw new IllegalArgumentException(p + "rope.dimension_count " + ropeDim + " must be even and at most the head size " + headDim);
        }
        int vocab = m.has(p + "vocab_size") ? m.getInt(p + "vocab_size") : vocabFromTensors;
        return new LlamaConfig(arch, dim, positive(m, p + "block_count"), heads, kvHeads, headDim,
                positive(m, p + "feed_forward_length"), vocab, positive(m, p + "context_length"),
                (float) m.getDouble(p + "rope.freq_base", 10000.0), ropeDim, NEOX_ROPE.get(arch),
                (float) m.getDouble(p + "attention.layer_norm_rms_epsilon", 1e-5));
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
