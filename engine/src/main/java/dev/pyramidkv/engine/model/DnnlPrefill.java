package dev.pyramidkv.engine.model;

import dev.pyramidkv.cache.StagingBuffer;
import dev.pyramidkv.dnnl.DnnlEngine;
import dev.pyramidkv.dnnl.OpenMpThreads;
import dev.pyramidkv.engine.kernels.Rope;
import dev.pyramidkv.engine.kernels.onednn.Bf16;
import dev.pyramidkv.engine.kernels.onednn.DnnlGemm;
import dev.pyramidkv.engine.kernels.onednn.PrefillAttention;
import dev.pyramidkv.engine.kernels.onednn.PrefillRows;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * One layer of a prompt prefill on oneDNN (backend {@code onednn}), over all prompt rows in chunks of
 * {@link #CHUNK}: the same steps as {@link Transformer}'s Java path, with bf16 GEMMs (activations rounded to
 * bf16 instead of quantized to Q8 as llama.cpp does, so logits differ slightly) and blocked f32 attention.
 * <pre>
 *   xb  = bf16(rmsNorm(x))                       [m][dim]
 *   qkv = xb · [wq; wk; wv]ᵀ (+ [bq; bk; bv])    [m][qDim + 2·kvDim]   RoPE (NORM or NEOX) on q, k; k, v staged
 *   att = attention(q, staged K/V)               [m][qDim]             + window probabilities, column sums
 *   x  += bf16(att) · woᵀ
 *   gu  = bf16(rmsNorm(x)) · [w_gate; w_up]ᵀ     [m][2·ffn]
 *   x  += bf16(silu(gate) · up) · w_downᵀ
 * </pre>
 * Buffers are sized once per session. Not thread-safe (the session's thread).
 */
final class DnnlPrefill {
    /** Prompt rows per GEMM: large enough for oneDNN to reach its bf16 throughput, a multiple of the attention block. */
    static final int CHUNK = 256;

    private final Llama model;
    private final LlamaConfig c;
    private final ForwardState s;
    private final PrefillWeights weights;
    private final DnnlGemm gemm;
    private final PrefillAttention attention;
    private final int threads;
    private final int qDim, qkvDim;
    private final MemorySegment src;   // [CHUNK][max(dim, qDim, ffn)] bf16 GEMM input
    private final MemorySegment qkv;   // [CHUNK][qDim + 2·kvDim] f32
    private final MemorySegment att;   // [CHUNK][qDim] f32
    private final MemorySegment gu;    // [CHUNK][2·ffn] f32: gate, then up
    private final MemorySegment proj;  // [CHUNK][dim] f32

    DnnlPrefill(Llama model, ForwardState s, DnnlEngine engine, PrefillWeights weights, Arena arena, int threads) {
        this.model = model;
        this.c = model.config;
        this.s = s;
        this.weights = weights;
        this.threads = threads;
        this.qDim = c.heads() * c.headDim();
        this.qkvDim = qDim + 2 * c.kvDim();
        this.gemm = new DnnlGemm(engine);
        this.attention = new PrefillAttention(engine, arena, c.heads(), c.kvHeads(), c.headDim(), s.maxTokens);
        int widest = Math.max(Math.max(c.dim(), qDim), c.ffnDim());
        this.src = arena.allocate(2L * CHUNK * widest, 64);
        this.qkv = arena.allocate(4L * CHUNK * qkvDim, 64);
        this.att = arena.allocate(4L * CHUNK * qDim, 64);
        this.gu = arena.allocate(8L * CHUNK * c.ffnDim(), 64);
        this.proj = arena.allocate(4L * CHUNK * c.dim(), 64);
    }

    /** Before a prompt: oneDNN's threads are set per calling thread. */
    void begin() {
        OpenMpThreads.set(threads);
    }

    /**
     * Layer {@code l} over prompt rows {@code [0, n)} of {@code s.x}: K/V staged in {@code s.staging}; window
     * probabilities and column sums (cleared by the caller) recorded when asked. Without {@code feedForward}
     * only the attention sub-layer runs (the last layer's feed-forward is needed for the output row alone).
     */
    void layer(int l, int n, boolean keepWindow, boolean keepColumnSums, boolean feedForward) {
        PrefillWeights.Layer w = weights.layer(l);
        LlamaWeights.Layer norms = model.weights.layers[l];
        int dim = c.dim(), hd = c.headDim(), kvDim = c.kvDim(), ffn = c.ffnDim();
        float eps = c.rmsEps();
        StagingBuffer st = s.staging;
        for (int r0 = 0; r0 < n; r0 += CHUNK) {
            int m = Math.min(CHUNK, n - r0);

            for (int i = 0; i < m; i++) PrefillRows.rmsNormToBf16(s.x, 4L * (r0 + i) * dim, norms.attnNorm().data(), dim, eps, src, 2L * i * dim);
            gemm.run(src, m, w.qkv(), qkv);
            for (int i = 0; i < m; i++) {
                long row = 4L * i * qkvDim;                        // [q: qDim | k: kvDim | v: kvDim]
                addBiases(norms, row);
                long table = (long) (r0 + i) * c.ropeDim() * 4;   // [pos][ropeDim/2][cos, sin]
                Rope.rotate(qkv, row, c.heads(), hd, c.ropeDim(), c.ropeNeox(), model.rope, table);
                Rope.rotate(qkv, row + 4L * qDim, c.kvHeads(), hd, c.ropeDim(), c.ropeNeox(), model.rope, table);
                for (int h = 0; h < c.kvHeads(); h++) {
                    MemorySegment.copy(qkv, row + 4L * (qDim + h * hd), st.keys(), st.offset(h, r0 + i), 4L * hd);
                    MemorySegment.copy(qkv, row + 4L * (qDim + kvDim + h * hd), st.values(), st.offset(h, r0 + i), 4L * hd);
                }
            }
            attention.run(qkv, 0, 4L * qkvDim, r0, m, n, st, att, 4L * qDim,
                    keepWindow ? s.windowProbs : null, s.window, keepColumnSums ? s.columnSums : null);
            for (int i = 0; i < m; i++) Bf16.fromF32(att, 4L * i * qDim, src, 2L * i * qDim, qDim);
            gemm.run(src, m, w.out(), proj);
            PrefillRows.add(s.x, 4L * r0 * dim, proj, 0, m * dim);
            if (!feedForward) continue;

            for (int i = 0; i < m; i++) PrefillRows.rmsNormToBf16(s.x, 4L * (r0 + i) * dim, norms.ffnNorm().data(), dim, eps, src, 2L * i * dim);
            gemm.run(src, m, w.gateUp(), gu);
            for (int i = 0; i < m; i++) {
                long row = 8L * i * ffn;
                PrefillRows.siluMulToBf16(gu, row, gu, row + 4L * ffn, ffn, src, 2L * i * ffn);
            }
            gemm.run(src, m, w.down(), proj);
            PrefillRows.add(s.x, 4L * r0 * dim, proj, 0, m * dim);
        }
    }

    /** The Q/K/V biases (qwen2; llama has none) added to one row of {@code qkv} after the projections, before RoPE, as llama.cpp. */
    private void addBiases(LlamaWeights.Layer w, long row) {
        int kvDim = c.kvDim();
        if (w.bq() != null) PrefillRows.add(qkv, row, w.bq().data(), 0, qDim);
        if (w.bk() != null) PrefillRows.add(qkv, row + 4L * qDim, w.bk().data(), 0, kvDim);
        if (w.bv() != null) PrefillRows.add(qkv, row + 4L * (qDim + kvDim), w.bv().data(), 0, kvDim);
    }

    /** Primitives closed with the session's DnnlEngine. */
    long scratchBytes() {
        return src.byteSize() + qkv.byteSize() + att.byteSize() + gu.byteSize() + proj.byteSize() + attention.scratchBytes();
    }
}
