package dev.pyramidkv.engine.model;

import dev.pyramidkv.engine.gguf.GgmlType;
import dev.pyramidkv.engine.gguf.GgufFile;
import dev.pyramidkv.engine.gguf.GgufTensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** The tensors of a llama-family model, checked for shape and type; slices of the mapped file. */
public final class LlamaWeights {
    public final GgufTensor tokenEmbedding;   // [vocab][dim]
    public final GgufTensor outputNorm;       // [dim]
    public final GgufTensor output;           // [vocab][dim], token_embd when tied
    public final Layer[] layers;

    public record Layer(
            GgufTensor attnNorm,   // [dim]
            GgufTensor wq,         // [heads*headDim][dim]
            GgufTensor wk,         // [kvHeads*headDim][dim]
            GgufTensor wv,         // [kvHeads*headDim][dim]
            GgufTensor bq,         // [heads*headDim], or null (llama has no Q/K/V biases, qwen2 has)
            GgufTensor bk,         // [kvHeads*headDim], or null
            GgufTensor bv,         // [kvHeads*headDim], or null
            GgufTensor wo,         // [dim][heads*headDim]
            GgufTensor ffnNorm,    // [dim]
            GgufTensor wGate,      // [ffn][dim]
            GgufTensor wUp,        // [ffn][dim]
            GgufTensor wDown) {}   // [dim][ffn]

    public LlamaWeights(GgufFile f, LlamaConfig c) {
        tokenEmbedding = matrix(f, "token_embd.weight", c.vocab(), c.dim());
        outputNorm = vector(f, "output_norm.weight", c.dim());
        output = f.hasTensor("output.weight") ? matrix(f, "output.weight", c.vocab(), c.dim()) : tokenEmbedding;
        layers = new Layer[c.layers()];
        for (int l = 0; l < c.layers(); l++) {
            String p = "blk." + l + ".";
            layers[l] = new Layer(
                    vector(f, p + "attn_norm.weight", c.dim()),
                    matrix(f, p + "attn_q.weight", c.heads() * c.headDim(), c.dim()),
                    matrix(f, p + "attn_k.weight", c.kvDim(), c.dim()),
                    matrix(f, p + "attn_v.weight", c.kvDim(), c.dim()),
                    optionalVector(f, p + "attn_q.bias", c.heads() * c.headDim()),
                    optionalVector(f, p + "attn_k.bias", c.kvDim()),
                    optionalVector(f, p + "attn_v.bias", c.kvDim()),
                    matrix(f, p + "attn_output.weight", c.dim(), c.heads() * c.headDim()),
                    vector(f, p + "ffn_norm.weight", c.dim()),
                    matrix(f, p + "ffn_gate.weight", c.ffnDim(), c.dim()),
                    matrix(f, p + "ffn_up.weight", c.ffnDim(), c.dim()),
                    matrix(f, p + "ffn_down.weight", c.dim(), c.ffnDim()));
        }
    }

    /** Every matrix of the model (the output once, even when tied to the embedding). */
    public List<GgufTensor> matrices() {
        List<GgufTensor> all = new ArrayList<>();
        for (Layer l : layers) all.addAll(List.of(l.wq(), l.wk(), l.wv(), l.wo(), l.wGate(), l.wUp(), l.wDown()));
        all.add(output);
        return all;
    }

    private static GgufTensor matrix(GgufFile f, String name, long rows, long cols) {
        GgufTensor t = f.tensor(name);
        if (t.dims().length != 2 || t.rows() != rows || t.rowLength() != cols) {
            throw new IllegalArgumentException("tensor '" + name + "' has shape " + t.shape()
                    + ", expected [" + cols + ", " + rows + "] (row length, rows)");
        }
        if (!t.type().computable) {
            throw new IllegalArgumentException("tensor '" + name + "' has type " + t.type()
                    + ", which this engine cannot compute with yet (supported: " + supportedTypes() + ")");
        }
        return t;
    }

    private static String supportedTypes() {
        return String.join(", ", Arrays.stream(GgmlType.values()).filter(t -> t.computable).map(Enum::name).toList());
    }

    private static GgufTensor optionalVector(GgufFile f, String name, long n) {
        return f.hasTensor(name) ? vector(f, name, n) : null;
    }

    private static GgufTensor vector(GgufFile f, String name, long n) {
        GgufTensor t = f.tensor(name);
        if (t.elements() != n || t.type() != GgmlType.F32) {
            throw new IllegalArgumentException("tensor '" + name + "' is " + t.type() + " " + t.shape() + ", expected F32 [" + n + "]");
        }
        return t;
    }
}
