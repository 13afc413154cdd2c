package dev.pyramidkv.engine.model;

import dev.pyramidkv.dnnl.DnnlEngine;
import dev.pyramidkv.engine.kernels.onednn.Bf16;
import dev.pyramidkv.engine.kernels.onednn.Bf16Matrix;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * The weights of a oneDNN prefill, per layer: {@code qkv = [wq; wk; wv]} (one GEMM for the three projections),
 * {@code out = wo}, {@code gateUp = [w_gate; w_up]}, {@code down = w_down}, all bf16. Two ways to get them:
 * <ul>
 *   <li>{@link #packed}: every layer dequantized once and reordered into oneDNN's blocked layout, shared by all
 *       sessions of an engine; costs 2 bytes per weight (SmolLM2-135M: 212 MB) per layout oneDNN asks for;</li>
 *   <li>{@link #dequantizedPerLayer}: one layer's worth of plain {@code [n][k]} bf16 scratch per session,
 *       refilled from the GGUF blocks whenever the prefill moves to the next layer.</li>
 * </ul>
 */
public abstract sealed class PrefillWeights {

    /** One layer's four GEMM weights. */
    public record Layer(Bf16Matrix qkv, Bf16Matrix out, Bf16Matrix gateUp, Bf16Matrix down) {
        long bytes() { return qkv.byteSize() + out.byteSize() + gateUp.byteSize() + down.byteSize(); }
    }

    /** Layer {@code l}'s matrices, valid until the next call (for per-layer dequantization). */
    abstract Layer layer(int l);

    /** Bytes of bf16 weights held. */
    public abstract long bytes();

    /**
     * Packs every layer of {@code model} in the layout oneDNN chooses for a full chunk; a matmul of another row
     * count that wants another layout gets its own copy on first use ({@link Bf16Matrix#data}). Lives in
     * {@code arena}, which must be shared: the engine's sessions may run on any thread.
     */
    public static PrefillWeights packed(Llama model, DnnlEngine engine, Arena arena) {
        LlamaWeights.Layer[] src = model.weights.layers;
        Layer[] layers = new Layer[src.length];
        int m = DnnlPrefill.CHUNK;
        for (int l = 0; l < src.length; l++) {
            LlamaWeights.Layer w = src[l];
            layers[l] = new Layer(
                    Bf16Matrix.pack(engine, arena, m, w.wq(), w.wk(), w.wv()),
                    Bf16Matrix.pack(engine, arena, m, w.wo()),
                    Bf16Matrix.pack(engine, arena, m, w.wGate(), w.wUp()),
                    Bf16Matrix.pack(engine, arena, m, w.wDown()));
        }
        return new Packed(layers);
    }

    /** A per-session scratch of one layer, refilled per layer; lives in {@code arena}. */
    public static PrefillWeights dequantizedPerLayer(Llama model, Arena arena) {
        return new PerLayer(model, arena);
    }

    private static final class Packed extends PrefillWeights {
        private final Layer[] layers;

        Packed(Layer[] layers) {
            this.layers = layers;
        }

        @Override
        Layer layer(int l) { return layers[l]; }

        @Override
        public long bytes() {
            long b = 0;
            for (Layer l : layers) b += l.bytes();
            return b;
        }

        @Override
        public String toString() { return "packed bf16 weights (" + bytes() / (1 << 20) + " MiB)"; }
    }

    private static final class PerLayer extends PrefillWeights {
        private final Llama model;
        private final Layer scratch;
        private final MemorySegment row;
        private int current = -1;

        PerLayer(Llama model, Arena arena) {
            this.model = model;
            LlamaConfig c = model.config;
            int qkv = c.heads() * c.headDim() + 2 * c.kvDim();
            this.scratch = new Layer(
                    Bf16Matrix.plain(arena, c.dim(), qkv),
                    Bf16Matrix.plain(arena, c.heads() * c.headDim(), c.dim()),
                    Bf16Matrix.plain(arena, c.dim(), 2 * c.ffnDim()),
                    Bf16Matrix.plain(arena, c.ffnDim(), c.dim()));
            this.row = Bf16.scratch(arena, Math.max(c.ffnDim(), Math.max(c.dim(), c.heads() * c.headDim())));
        }

        @Override
        Layer layer(int l) {
            if (l != current) {
                LlamaWeights.Layer w = model.weights.layers[l];
                scratch.qkv().dequantize(row, w.wq(), w.wk(), w.wv());
                scratch.out().dequantize(row, w.wo());
                scratch.gateUp().dequantize(row, w.wGate(), w.wUp());
                scratch.down().dequantize(row, w.wDown());
                current = l;
            }
            return scratch;
        }

        @Override
        public long bytes() { return scratch.bytes(); }

        @Override
        public String toString() { return "bf16 weights dequantized per layer (" + bytes() / (1 << 20) + " MiB scratch)"; }
    }
}
