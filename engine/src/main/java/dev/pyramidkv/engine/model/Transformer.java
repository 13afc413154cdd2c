package dev.pyramidkv.engine.model;

import dev.pyramidkv.engine.gguf.GgufTensor;
import dev.pyramidkv.engine.kernels.Dequant;
import dev.pyramidkv.engine.kernels.Dot;
import dev.pyramidkv.engine.kernels.GgmlMath;
import dev.pyramidkv.engine.kernels.MatMul;
import dev.pyramidkv.engine.kernels.WorkerPool;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

/**
 * The llama forward pass of one session, as llama.cpp computes it. New tokens go through the model
 * layer by layer (each layer over all new tokens, in chunks of {@code chunk} rows for the matmuls), so
 * only one layer's new K/V is staged at a time before it joins that layer's cache.
 */
public final class Transformer {
    /** llama.cpp's default micro-batch (n_ubatch): a prompt is computed in pieces of at most this many tokens. */
    static final int UBATCH = 512;
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_256;
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    private final Llama model;
    private final LlamaConfig c;
    private final WorkerPool pool;
    private final ForwardState s;
    private final KvLayer[] cache;
    private int position;   // tokens consumed so far

    // the attention call in flight, read by the range task
    private int attLayer, attRow0, attRows;
    private boolean attBatch;
    private final WorkerPool.RangeTask attentionHeads = this::attentionHeads;

    public Transformer(Llama model, Arena arena, WorkerPool pool, int maxTokens, int cacheCapacity) {
        this.model = model;
        this.c = model.config;
        this.pool = pool;
        int chunk = Math.min(maxTokens, 64);
        this.s = new ForwardState(arena, c, pool, maxTokens, chunk, cacheCapacity);
        this.cache = new KvLayer[c.layers()];
        for (int l = 0; l < c.layers(); l++) cache[l] = new KvLayer(arena, c.kvHeads(), cacheCapacity, c.headDim());
    }

    public int position() { return position; }

    public LlamaConfig config() { return c; }

    /** Logits of the last token passed to {@link #forward}: {@code [vocab]} f32, valid until the next call. */
    public MemorySegment logits() { return s.logits; }

    /** Runs {@code n} new tokens through the model and leaves the last one's logits in {@link #logits()}. */
    public void forward(int[] tokens, int offset, int n) {
        if (n <= 0 || n > s.maxTokens) throw new IllegalArgumentException("forward takes 1.." + s.maxTokens + " tokens, got " + n);
        if (position + n > c.contextLength()) {
            throw new IllegalArgumentException("context full: " + position + " + " + n + " tokens exceed the context length " + c.contextLength());
        }
        int dim = c.dim();
        for (int i = 0; i < n; i++) {
            int t = tokens[offset + i];
            if (t < 0 || t >= c.vocab()) throw new IllegalArgumentException("token id " + t + " outside the vocabulary [0, " + c.vocab() + ")");
            Dequant.row(model.weights.tokenEmbedding, t, s.x, 4L * i * dim);
        }
        int lastLayer = c.layers() - 1;
        for (int l = 0; l <= lastLayer; l++) {
            LlamaWeights.Layer w = model.weights.layers[l];
            for (int r0 = 0; r0 < n; r0 += s.chunk) {
                int m = Math.min(s.chunk, n - r0);
                int ubatchStart = r0 / UBATCH * UBATCH;
                boolean batch = Math.min(UBATCH, n - ubatchStart) > 1;   // chunks never straddle micro-batches
                attentionBlock(l, w, r0, m, batch);
                if (l < lastLayer) feedForwardBlock(w, r0, m, batch);
            }
            cache[l].append(s.kStage, s.vStage, s.maxTokens, n);
        }
        // as llama.cpp, the last layer's feed-forward runs on the output row alone (so as a 1-token matmul)
        feedForwardBlock(model.weights.layers[lastLayer], n - 1, 1, false);
        MemorySegment last = s.x.asSlice(4L * (n - 1) * dim, 4L * dim);
        rmsNorm(s.xb, 0, last, 0, model.weights.outputNorm, dim, c.rmsEps());
        MatMul mm = s.matmul;
        mm.prepare(s.xb, 1, dim, MatMul.needsQ8(model.weights.output.type()), false);
        mm.apply(model.weights.output, s.logits);
        position += n;
    }

    private void attentionBlock(int l, LlamaWeights.Layer w, int r0, int m, boolean batch) {
        int dim = c.dim(), hd = c.headDim(), kvDim = c.kvDim();
        for (int i = 0; i < m; i++) rmsNorm(s.xb, 4L * i * dim, s.x, 4L * (r0 + i) * dim, w.attnNorm(), dim, c.rmsEps());
        MatMul mm = s.matmul;
        mm.prepare(s.xb, m, dim, quantized(w.wq()), batch);
        mm.apply(w.wq(), s.q);        // [m][heads*hd]
        mm.apply(w.wk(), s.kRows);    // [m][kvDim]
        mm.apply(w.wv(), s.vRows);    // [m][kvDim]
        for (int i = 0; i < m; i++) {
            int pos = position + r0 + i;
            for (int h = 0; h < c.heads(); h++) rope(s.q, ((long) i * c.heads() + h) * hd * 4, pos);
            for (int h = 0; h < c.kvHeads(); h++) {
                long src = (4L * i * kvDim) + 4L * h * hd;
                long dst = (((long) h * s.maxTokens) + r0 + i) * hd * 4;
                rope(s.kRows, src, pos);
                MemorySegment.copy(s.kRows, src, s.kStage, dst, 4L * hd);
                MemorySegment.copy(s.vRows, src, s.vStage, dst, 4L * hd);
            }
        }
        attLayer = l;
        attRow0 = r0;
        attRows = m;
        attBatch = batch;
        pool.run(c.heads(), attentionHeads);
        int qDim = c.heads() * hd;
        mm.prepare(s.att, m, qDim, quantized(w.wo()), batch);
        mm.apply(w.wo(), s.proj);
        addRows(s.x, r0, s.proj, m, dim);
    }

    private void feedForwardBlock(LlamaWeights.Layer w, int r0, int m, boolean batch) {
        int dim = c.dim(), ffn = c.ffnDim();
        for (int i = 0; i < m; i++) rmsNorm(s.xb, 4L * i * dim, s.x, 4L * (r0 + i) * dim, w.ffnNorm(), dim, c.rmsEps());
        MatMul mm = s.matmul;
        mm.prepare(s.xb, m, dim, quantized(w.wGate()), batch);
        mm.apply(w.wGate(), s.gate);
        mm.apply(w.wUp(), s.up);
        for (long i = 0; i < (long) m * ffn; i++) {
            float g = s.gate.getAtIndex(JAVA_FLOAT, i);
            s.gate.setAtIndex(JAVA_FLOAT, i, GgmlMath.silu(g, (int) (i % ffn), ffn) * s.up.getAtIndex(JAVA_FLOAT, i));
        }
        mm.prepare(s.gate, m, ffn, quantized(w.wDown()), batch);
        mm.apply(w.wDown(), s.proj);
        addRows(s.x, r0, s.proj, m, dim);
    }

    /**
     * Causal attention for query rows [attRow0, attRow0+attRows) of the new tokens, heads [from, to):
     * each query sees the cached tokens of its KV head, then the staged new tokens up to itself. As
     * llama.cpp without flash attention: kq by ggml_vec_dot_f32, softmax as ggml_soft_max_f32, and
     * kqv = V·p in the order of the matmul it uses (see {@link #weightedValues}).
     */
    private void attentionHeads(int from, int to) {
        int hd = c.headDim(), group = c.groupSize();
        float scale = 1.0f / (float) Math.sqrt(hd);
        KvLayer kv = cache[attLayer];
        long rowBytes = 4L * hd;
        for (int h = from; h < to; h++) {
            int kvh = h / group;
            long sc = (long) h * s.scoreStride * 4;
            int cached = kv.length(kvh);
            long cacheBase = (long) kvh * kv.capacity * rowBytes;
            long stageBase = (long) kvh * s.maxTokens * rowBytes;
            for (int i = 0; i < attRows; i++) {
                int row = attRow0 + i;
                long qOff = ((long) i * c.heads() + h) * rowBytes;
                int total = cached + row + 1;
                float max = Float.NEGATIVE_INFINITY;
                for (int j = 0; j < total; j++) {
                    float dot = j < cached
                            ? Dot.f32(kv.keys, cacheBase + j * rowBytes, s.q, qOff, hd)
                            : Dot.f32(s.kStage, stageBase + (j - cached) * rowBytes, s.q, qOff, hd);
                    float v = dot * scale;
                    s.scores.set(JAVA_FLOAT, sc + 4L * j, v);
                    max = Math.max(max, v);
                }
                // ggml_vec_soft_max_f32: exponentials summed 8 at a time (hsum order) into a double;
                // masked and padding cells are exact zeros
                double sum = 0;
                for (int j0 = 0; j0 < total; j0 += 8) {
                    float e0 = exp(sc, j0, total, max), e1 = exp(sc, j0 + 1, total, max), e2 = exp(sc, j0 + 2, total, max), e3 = exp(sc, j0 + 3, total, max);
                    float e4 = exp(sc, j0 + 4, total, max), e5 = exp(sc, j0 + 5, total, max), e6 = exp(sc, j0 + 6, total, max), e7 = exp(sc, j0 + 7, total, max);
                    sum += ((e0 + e4) + (e2 + e6)) + ((e1 + e5) + (e3 + e7));
                }
                float inv = (float) (1.0 / sum);
                for (int j = 0; j < total; j++) s.scores.set(JAVA_FLOAT, sc + 4L * j, s.scores.get(JAVA_FLOAT, sc + 4L * j) * inv);
                weightedValues(h, kv, cacheBase, stageBase, cached, total, sc, qOff);
            }
        }
    }

    /**
     * att[d] = Σ_j p_j·V_j[d] as llama.cpp's kqv matmul sums it: one token alone goes through
     * ggml_vec_dot_f32 (32 accumulators, j mod 32, reduced pairwise), a micro-batch of 2+ through tinyBLAS
     * (8 accumulators, j mod 8, then hsum). Accumulators are rows of {@code s.kqvAcc} for head h.
     */
    private void weightedValues(int h, KvLayer kv, long cacheBase, long stageBase, int cached, int total, long sc, long out) {
        int hd = c.headDim();
        long rowBytes = 4L * hd;
        int lanes = attBatch && hd % 4 == 0 ? 8 : 32;   // llamafile_sgemm needs rows % 4 == 0
        long acc = (long) h * 32 * rowBytes;
        for (long i = 0; i < (long) lanes * hd; i++) s.kqvAcc.set(JAVA_FLOAT, acc + 4 * i, 0f);
        for (int j = 0; j < total; j++) {
            float p = s.scores.get(JAVA_FLOAT, sc + 4L * j);
            MemorySegment vs = j < cached ? kv.values : s.vStage;
            long vOff = j < cached ? cacheBase + j * rowBytes : stageBase + (j - cached) * rowBytes;
            long a = acc + (j % lanes) * rowBytes;
            int d = 0;
            for (int upper = F.loopBound(hd); d < upper; d += F.length()) {
                FloatVector v = FloatVector.fromMemorySegment(F, vs, vOff + 4L * d, LE);
                v.fma(FloatVector.broadcast(F, p), FloatVector.fromMemorySegment(F, s.kqvAcc, a + 4L * d, LE))
                        .intoMemorySegment(s.kqvAcc, a + 4L * d, LE);
            }
            for (; d < hd; d++) {
                s.kqvAcc.set(JAVA_FLOAT, a + 4L * d, Math.fma(p, vs.get(JAVA_FLOAT, vOff + 4L * d), s.kqvAcc.get(JAVA_FLOAT, a + 4L * d)));
            }
        }
        for (int d = 0; d < hd; d++) {
            float r;
            if (lanes == 32) {   // GGML_F32x8_REDUCE: (a0+a2)+(a1+a3), halves, two hadds
                float x0 = sum4(acc, rowBytes, 0, d), x1 = sum4(acc, rowBytes, 1, d), x2 = sum4(acc, rowBytes, 2, d), x3 = sum4(acc, rowBytes, 3, d);
                float x4 = sum4(acc, rowBytes, 4, d), x5 = sum4(acc, rowBytes, 5, d), x6 = sum4(acc, rowBytes, 6, d), x7 = sum4(acc, rowBytes, 7, d);
                r = ((x0 + x4) + (x1 + x5)) + ((x2 + x6) + (x3 + x7));
            } else {             // hsum
                float x0 = lane(acc, rowBytes, 0, d), x1 = lane(acc, rowBytes, 1, d), x2 = lane(acc, rowBytes, 2, d), x3 = lane(acc, rowBytes, 3, d);
                float x4 = lane(acc, rowBytes, 4, d), x5 = lane(acc, rowBytes, 5, d), x6 = lane(acc, rowBytes, 6, d), x7 = lane(acc, rowBytes, 7, d);
                r = ((x0 + x4) + (x2 + x6)) + ((x1 + x5) + (x3 + x7));
            }
            s.att.set(JAVA_FLOAT, out + 4L * d, r);
        }
    }

    /** Lane l of the four 8-lane accumulators added as (a0 + a2) + (a1 + a3). */
    private float sum4(long acc, long rowBytes, int l, int d) {
        return (lane(acc, rowBytes, l, d) + lane(acc, rowBytes, l + 16, d)) + (lane(acc, rowBytes, l + 8, d) + lane(acc, rowBytes, l + 24, d));
    }

    /** e^(score_j − max) stored over score j, or 0 past the last visible token (a masked cell). */
    private float exp(long sc, int j, int total, float max) {
        if (j >= total) return 0f;
        float e = GgmlMath.expf(s.scores.get(JAVA_FLOAT, sc + 4L * j) - max);
        s.scores.set(JAVA_FLOAT, sc + 4L * j, e);
        return e;
    }

    private float lane(long acc, long rowBytes, int lane, int d) {
        return s.kqvAcc.get(JAVA_FLOAT, acc + lane * rowBytes + 4L * d);
    }

    private boolean quantized(GgufTensor w) {
        return MatMul.needsQ8(w.type());
    }

    /**
     * Rotates pairs (2i, 2i+1) of one head vector at byte offset {@code off} (RoPE mode NORM), with the
     * multiply-adds fused where llama.cpp's compiler fused them.
     */
    private void rope(MemorySegment v, long off, int pos) {
        int pairs = c.ropeDim() / 2;
        long t = (long) pos * pairs * 8;
        for (int i = 0; i < pairs; i++) {
            float cos = model.rope.get(JAVA_FLOAT, t + 8L * i);
            float sin = model.rope.get(JAVA_FLOAT, t + 8L * i + 4);
            long o = off + 8L * i;
            float x0 = v.get(JAVA_FLOAT, o), x1 = v.get(JAVA_FLOAT, o + 4);
            v.set(JAVA_FLOAT, o, Math.fma(x0, cos, -(x1 * sin)));
            v.set(JAVA_FLOAT, o + 4, Math.fma(x0, sin, x1 * cos));
        }
    }

    /** As ggml_rms_norm then ggml_mul: the sum of squares in double, y = (x·scale)·w. */
    static void rmsNorm(MemorySegment out, long outOff, MemorySegment x, long xOff, GgufTensor weight, int n, float eps) {
        double sum = 0;
        for (int i = 0; i < n; i++) {
            float v = x.get(JAVA_FLOAT, xOff + 4L * i);
            sum += v * v;
        }
        float mean = (float) (sum / n);
        float scale = 1.0f / (float) Math.sqrt(mean + eps);
        MemorySegment w = weight.data();
        for (int i = 0; i < n; i++) {
            float y = x.get(JAVA_FLOAT, xOff + 4L * i) * scale;
            out.set(JAVA_FLOAT, outOff + 4L * i, y * w.get(JAVA_FLOAT, 4L * i));
        }
    }

    private static void addRows(MemorySegment x, int r0, MemorySegment y, int m, int dim) {
        long base = (long) r0 * dim;
        for (long i = 0; i < (long) m * dim; i++) {
            x.setAtIndex(JAVA_FLOAT, base + i, x.getAtIndex(JAVA_FLOAT, base + i) + y.getAtIndex(JAVA_FLOAT, i));
        }
    }
}
