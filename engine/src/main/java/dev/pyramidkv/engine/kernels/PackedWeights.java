package dev.pyramidkv.engine.kernels;

import dev.pyramidkv.engine.gguf.GgufTensor;

import java.lang.foreign.Arena;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * The packed copies ({@link PackedMatrix}) of a model's quantized matrices, found by their GGUF tensor.
 * Built once at load into the model's arena; {@link MatMul} uses them for single-row products.
 */
public final class PackedWeights {
    public static final PackedWeights NONE = new PackedWeights(new IdentityHashMap<>());

    private final Map<GgufTensor, PackedMatrix> byTensor;
    private final long bytes;

    private PackedWeights(Map<GgufTensor, PackedMatrix> byTensor) {
        this.byTensor = byTensor;
        long b = 0;
        for (PackedMatrix p : byTensor.values()) b += p.bytes();
        this.bytes = b;
    }

    /** Packs every tensor of a type {@link PackedMatrix#supports supports}; the others stay unpacked. */
    public static PackedWeights pack(Iterable<GgufTensor> tensors, Arena arena) {
        Map<GgufTensor, PackedMatrix> m = new IdentityHashMap<>();
        for (GgufTensor t : tensors) {
            if (PackedMatrix.supports(t.type()) && !m.containsKey(t)) m.put(t, PackedMatrix.pack(t, arena));
        }
        return new PackedWeights(m);
    }

    /** The packed copy of {@code t}, or null. Allocation-free. */
    public PackedMatrix get(GgufTensor t) {
        return byTensor.get(t);
    }

    /** Off-heap bytes of all packed copies. */
    public long bytes() { return bytes; }

    public int size() { return byTensor.size(); }
}
