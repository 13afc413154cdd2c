package dev.pyramidkv.engine.model;

import dev.pyramidkv.engine.gguf.GgufTensor;
import dev.pyramidkv.engine.kernels.Dequant;
import dev.pyramidkv.engine.kernels.Dot;
import dev.pyramidkv.engine.kernels.MatMul;
import dev.pyramidkv.engine.kernels.WorkerPool;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

/**
 * The llama forward pass of one session, as llama.cpp computes it. New tokens go through the model
 * layer by layer (each layer over all new tokens, in chunks of {@code chunk} rows for the matmuls), so
 * only one layer's new K/V is staged at a time before it joins that layer's cache.
 */
public final class Transformer {
    private final Llama model;
    private final LlamaConfig c;
    private final WorkerPool pool;
    private final ForwardState s;
    private final KvLayer[] cache;
    private int position;   // tokens consumed so far

    // the attention call in flight, read by the range task
    private int attLayer, attRow0, attRows, attStart;
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
        for (int l = 0; l < c.layers(); l++) {
            LlamaWeights.Layer w = model.weights.layers[l];
            for (int r0 = 0; r0 < n; r0 += s.chunk) {
                int m = Math.min(s.chunk, n - r0);
                attentionBlock(l, w, r0, m);
                feedForwardBlock(w, r0, m);
            }
            cache[l].append(s.kStage, s.vStage, s.maxTokens, n);
        }
        // logits of the last row only
        MemorySegment last = s.x.asSlice(4L * (n - 1) * dim, 4L * dim);
        rmsNorm(s.xb, 0, last, 0, model.weights.outputNorm, dim, c.rmsEps());
        MatMul mm = s.matmul;
        mm.prepare(s.xb, 1, dim, MatMul.needsQ8(model.weights.output.type()));
        mm.apply(model.weights.output, s.logits);
        position += n;
    }

    private void attentionBlock(int l, LlamaWeights.Layer w, int r0, int m) {
        int dim = c.dim(), hd = c.headDim(), kvDim = c.kvDim();
        for (int i = 0; i < m; i++) rmsNorm(s.xb, 4L * i * dim, s.x, 4L * (r0 + i) * dim, w.attnNorm(), dim, c.rmsEps());
        MatMul mm = s.matmul;
        mm.prepare(s.xb, m, dim, quantized(w.wq()));
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
        attStart = position;
        pool.run(c.heads(), attentionHeads);
        int qDim = c.heads() * hd;
        mm.prepare(s.att, m, qDim, quantized(w.wo()));
        mm.apply(w.wo(), s.proj);
        addRows(s.x, r0, s.proj, m, dim);
    }

    private void feedForwardBlock(LlamaWeights.Layer w, int r0, int m) {
        int dim = c.dim(), ffn = c.ffnDim();
        for (int i = 0; i < m; i++) rmsNorm(s.xb, 4L * i * dim, s.x, 4L * (r0 + i) * dim, w.ffnNorm(), dim, c.rmsEps());
        MatMul mm = s.matmul;
        mm.prepare(s.xb, m, dim, quantized(w.wGate()));
        mm.apply(w.wGate(), s.gate);
        mm.apply(w.wUp(), s.up);
        for (long i = 0; i < (long) m * ffn; i++) {
            float g = s.gate.getAtIndex(JAVA_FLOAT, i);
            float silu = g / (1.0f + (float) Math.exp(-g));
            s.gate.setAtIndex(JAVA_FLOAT, i, silu * s.up.getAtIndex(JAVA_FLOAT, i));
        }
        mm.prepare(s.gate, m, ffn, quantized(w.wDown()));
        mm.apply(w.wDown(), s.proj);
        addRows(s.x, r0, s.proj, m, dim);
    }

    /**
     * Causal attention for query rows [attRow0, attRow0+attRows) of the new tokens, heads [from, to):
     * each query sees the cached tokens of its KV head, then the staged new tokens up to itself.
     */
    private void attentionHeads(int from, int to) {
        int hd = c.headDim(), group = c.groupSize();
        float scale = (float) (1.0 / Math.sqrt(hd));
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
                double sum = 0;
                for (int j = 0; j < total; j++) {
                    float e = (float) Math.exp(s.scores.get(JAVA_FLOAT, sc + 4L * j) - max);
                    s.scores.set(JAVA_FLOAT, sc + 4L * j, e);
                    sum += e;
                }
                float inv = (float) (1.0 / sum);
                long out = qOff; // att has the same [row][head][hd] layout as q
                for (int d = 0; d < hd; d++) s.att.set(JAVA_FLOAT, out + 4L * d, 0f);
                for (int j = 0; j < total; j++) {
                    float p = s.scores.get(JAVA_FLOAT, sc + 4L * j) * inv;
                    s.scores.set(JAVA_FLOAT, sc + 4L * j, p);
                    MemorySegment vs = j < cached ? kv.values : s.vStage;
                    long vOff = j < cached ? cacheBase + j * rowBytes : stageBase + (j - cached) * rowBytes;
                    for (int d = 0; d < hd; d++) {
                        float acc = s.att.get(JAVA_FLOAT, out + 4L * d);
                        s.att.set(JAVA_FLOAT, out + 4L * d, acc + p * vs.get(JAVA_FLOAT, vOff + 4L * d));
                    }
                }
            }
        }
    }

    private boolean quantized(GgufTensor w) {
        return MatMul.needsQ8(w.type());
    }

    /** Rotates pairs (2i, 2i+1) of one head vector at byte offset {@code off} (RoPE mode NORM). */
    private void rope(MemorySegment v, long off, int pos) {
        int pairs = c.ropeDim() / 2;
        long t = (long) pos * pairs * 8;
        for (int i = 0; i < pairs; i++) {
            float cos = model.rope.get(JAVA_FLOAT, t + 8L * i);
            float sin = model.rope.get(JAVA_FLOAT, t + 8L * i + 4);
            long o = off + 8L * i;
            float x0 = v.get(JAVA_FLOAT, o), x1 = v.get(JAVA_FLOAT, o + 4);
            v.set(JAVA_FLOAT, o, x0 * cos - x1 * sin);
            v.set(JAVA_FLOAT, o + 4, x0 * sin + x1 * cos);
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
