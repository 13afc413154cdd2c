package dev.pyramidkv.engine.model;

import dev.pyramidkv.engine.gguf.GgufFile;
import dev.pyramidkv.engine.kernels.CMath;
import dev.pyramidkv.engine.kernels.PackedWeights;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * An immutable llama-architecture model: config, weight slices of the mapped GGUF file, and the RoPE
 * table. Shared by every session; all per-request state lives in {@link ForwardState}.
 */
public final class Llama {
    public final LlamaConfig config;
    public final LlamaWeights weights;
    /** The quantized matrices repacked for decode (one more copy of their bytes, off-heap in the arena). */
    public final PackedWeights packed;
    /** RoPE cos/sin per position and rotated pair: {@code [contextLength][ropeDim/2][2]} f32. */
    final MemorySegment rope;

    public Llama(GgufFile file, Arena arena) {
        int vocab = (int) file.tensor("token_embd.weight").rows();
        this.config = LlamaConfig.from(file.metadata(), vocab);
        this.weights = new LlamaWeights(file, config);
        this.packed = PackedWeights.pack(weights.matrices(), arena);
        this.rope = ropeTable(arena, config);
    }

    /**
     * As ggml_rope_cache_init (mode NORM, no scaling): theta starts at the position and is multiplied by
     * base^(-2/ropeDim) in float for each pair; powf and sincosf come from the C library, as in llama.cpp.
     */
    private static MemorySegment ropeTable(Arena arena, LlamaConfig c) {
        int pairs = c.ropeDim() / 2;
        MemorySegment t = arena.allocate((long) c.contextLength() * pairs * 8, 64);
        float thetaScale = CMath.powf(c.ropeTheta(), -2.0f / c.ropeDim());
        for (int p = 0; p < c.contextLength(); p++) {
            float theta = p;
            for (int i = 0; i < pairs; i++) {
                long o = ((long) p * pairs + i) * 8;
                CMath.sincosf(theta, t, o, o + 4);
                theta *= thetaScale;
            }
        }
        return t;
    }
}
