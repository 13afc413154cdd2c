package dev.pyramidkv.engine.model;

import dev.pyramidkv.cache.KvCache;
import dev.pyramidkv.cache.KvType;
import dev.pyramidkv.cache.LayerRegion;
import dev.pyramidkv.cache.PrefillScores;
import dev.pyramidkv.cache.StagingBuffer;
import dev.pyramidkv.dnnl.DnnlEngine;
import dev.pyramidkv.engine.gguf.GgufTensor;
import dev.pyramidkv.engine.kernels.Dequant;
import dev.pyramidkv.engine.kernels.Dot;
import dev.pyramidkv.engine.kernels.GgmlMath;
import dev.pyramidkv.engine.kernels.MatMul;
import dev.pyramidkv.engine.kernels.QuantizedKv;
import dev.pyramidkv.engine.kernels.Rope;
import dev.pyramidkv.engine.kernels.VectorShape;
import dev.pyramidkv.engine.kernels.WorkerPool;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

/**
 * The llama-family forward pass (llama, qwen2) of one session, as llama.cpp computes it, over a
 * PyramidKV-style cache.
 * <p>
 * A prompt into an empty cache runs layer by layer over all its tokens (matmuls in chunks of rows): each
 * layer's K/V is staged in full, the last {@code window} queries' attention and every key's attention mass
 * are recorded, then the cache (and any forks) keep what their policy selects. Only one layer's full K/V
 * exists at a time. Later tokens (decode, or a new turn) are appended one at a time, each attending to its
 * KV head's live slots; a full region evicts first.
 * <p>
 * Every sum is taken in the order llama.cpp's CPU backend (b4916, AVX2) takes it, so logits are bit-identical
 * to llama.cpp's: a prompt is computed in micro-batches of {@link #UBATCH} tokens, and a micro-batch of 2+
 * tokens sums some products in another order (tinyBLAS) than a single token does.
 */
public final class Transformer {
    /** llama.cpp's default micro-batch (n_ubatch): a prompt is computed in pieces of at most this many tokens. */
    static final int UBATCH = 512;
    private static final VectorSpecies<Float> F = VectorShape.F;   // the one float shape of the kernels
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    private final Llama model;
    private final LlamaConfig c;
    private final WorkerPool pool;
    private final ForwardState s;
    private final DnnlPrefill prefill;   // null: prompts run on the Java path
    private KvCache cache;
    private final int[] one = new int[1];

    // the attention call in flight, read by the range tasks
    private int attLayer, attRow0, attRows, attN;
    private boolean attBatch, keepWindow, keepColumnSums;
    private final WorkerPool.RangeTask promptHeads = this::promptHeads;
    private final WorkerPool.RangeTask appendHeads = this::appendHeads;

    /**
     * @param maxPromptTokens the longest prompt this session prefills in one call (sizes the staging)
     */
    public Transformer(Llama model, Arena arena, WorkerPool pool, KvCache cache, int maxPromptTokens) {
        this(model, arena, pool, cache, maxPromptTokens, null, null);
    }

    /**
     * With {@code dnnl} and {@code prefillWeights} given, prompts into an empty cache run on oneDNN
     * ({@link DnnlPrefill}); everything else (decode, later turns) stays on the Java path.
     */
    public Transformer(Llama model, Arena arena, WorkerPool pool, KvCache cache, int maxPromptTokens,
                       DnnlEngine dnnl, PrefillWeights prefillWeights) {
        this.model = model;
        this.c = model.config;
        this.pool = pool;
        this.cache = cache;
        int capacity = 0;
        for (int l = 0; l < cache.layers(); l++) capacity = Math.max(capacity, cache.region(l).capacity());
        this.s = new ForwardState(arena, c, model.packed, pool, maxPromptTokens, capacity, cache.config().window());
        if ((dnnl == null) != (prefillWeights == null)) throw new IllegalArgumentException("a oneDNN prefill needs both an engine and weights");
        this.prefill = dnnl == null ? null : new DnnlPrefill(model, s, dnnl, prefillWeights, arena, pool.threads());
    }

    public LlamaConfig config() { return c; }

    public KvCache cache() { return cache; }

    /** Tokens in the sequence so far: the next token's position. */
    public int position() { return cache.tokensSeen(); }

    /** The longest prompt one {@link #forward} call takes. */
    public int maxPromptTokens() { return s.maxTokens; }

    /** Decodes with another cache from now on (an evaluation fork compressed from the same prefill). */
    public void useCache(KvCache other) {
        for (int l = 0; l < other.layers(); l++) {
            if (other.region(l).capacity() > s.scoreStride) {
                throw new IllegalArgumentException("cache " + other + " has regions larger than this session's attention scratch (" + s.scoreStride + ")");
            }
        }
        this.cache = other;
    }

    /** Logits of the last token passed to {@link #forward}: {@code [vocab]} f32, valid until the next call. */
    public MemorySegment logits() { return s.logits; }

    /** One decode step. Allocation-free. */
    public void forward(int token) {
        one[0] = token;
        forward(one, 0, 1, List.of());
    }

    public void forward(int[] tokens, int offset, int n) {
        forward(tokens, offset, n, List.of());
    }

    public void forward(int[] tokens, int offset, int n, List<KvCache> forks) {
        forward(tokens, offset, n, forks, NEVER);
    }

    private static final BooleanSupplier NEVER = () -> false;

    /**
     * Runs {@code n} new tokens and leaves the last one's logits in {@link #logits()}. When the cache is
     * empty this is a prompt prefill, and {@code forks} (empty caches of the same window) are compressed
     * from the same staged K/V and scores as the session's cache. A prompt prefill asks {@code stop} before
     * each layer (and each chunk of the Java path): when it answers true, the cache and the forks are emptied
     * and {@link CancellationException} is thrown. Later tokens (decode, a new turn) are not interrupted.
     */
    public void forward(int[] tokens, int offset, int n, List<KvCache> forks, BooleanSupplier stop) {
        int start = position();
        boolean prompt = start == 0;
        if (n <= 0) throw new IllegalArgumentException("forward needs at least one token");
        if (start + n > c.contextLength()) {
            throw new IllegalArgumentException("context full: " + start + " tokens + " + n + " new exceed the model's context length " + c.contextLength());
        }
        if (n > s.maxTokens) {
            throw new IllegalArgumentException("prompt of " + n + " tokens exceeds this session's limit of " + s.maxTokens + " tokens per call");
        }
        if (!forks.isEmpty()) checkForks(forks, prompt);
        int dim = c.dim();
        for (int i = 0; i < n; i++) {
            int t = tokens[offset + i];
            if (t < 0 || t >= c.vocab()) throw new IllegalArgumentException("token id " + t + " outside the vocabulary [0, " + c.vocab() + ")");
            Dequant.row(model.weights.tokenEmbedding, t, s.x, 4L * i * dim);
        }
        keepWindow = prompt && (cache.needsWindowProbs() || forks.stream().anyMatch(KvCache::needsWindowProbs));
        keepColumnSums = prompt && (cache.needsColumnSums() || forks.stream().anyMatch(KvCache::needsColumnSums));
        PrefillScores scores = prompt ? new PrefillScores(keepWindow ? s.windowProbs : null, keepColumnSums ? s.columnSums : null) : null;
        int lastLayer = c.layers() - 1;
        boolean onDnnl = prompt && prefill != null;
        if (onDnnl) prefill.begin();
        for (int l = 0; l <= lastLayer; l++) {
            LlamaWeights.Layer w = model.weights.layers[l];
            if (prompt) stopIfAsked(stop, forks, l, 0);
            if (keepColumnSums) s.columnSums.asSlice(0, 4L * c.heads() * n).fill((byte) 0);
            if (onDnnl) {
                prefill.layer(l, n, keepWindow, keepColumnSums, l < lastLayer);
            } else {
                for (int r0 = 0; r0 < n; r0 += s.chunk) {
                    if (prompt && r0 > 0) stopIfAsked(stop, forks, l, r0);
                    int m = Math.min(s.chunk, n - r0);
                    int ubatchStart = r0 / UBATCH * UBATCH;
                    boolean batch = Math.min(UBATCH, n - ubatchStart) > 1;   // chunks never straddle micro-batches
                    attentionBlock(l, w, r0, m, n, prompt, start, batch);
                    if (l < lastLayer) feedForwardBlock(w, r0, m, batch);
                }
            }
            if (prompt) {
                cache.compressPrefill(l, s.staging, n, scores);
                for (int f = 0; f < forks.size(); f++) forks.get(f).compressPrefill(l, s.staging, n, scores);
            }
        }
        // as llama.cpp, the last layer's feed-forward runs on the output row alone (a 1-token matmul)
        feedForwardBlock(model.weights.layers[lastLayer], n - 1, 1, false);
        // logits of the last row only: [vocab] = output · norm(x[n-1])
        rmsNorm(s.xb, 0, s.x, 4L * (n - 1) * dim, model.weights.outputNorm, dim, c.rmsEps());
        s.matmul.prepare(s.xb, 1, dim, quantized(model.weights.output), false);
        s.matmul.apply(model.weights.output, s.logits);
    }

    /** Between layers and chunks of a prompt prefill: a stop request empties the caches it was filling. */
    private void stopIfAsked(BooleanSupplier stop, List<KvCache> forks, int layer, int row) {
        if (!stop.getAsBoolean()) return;
        cache.clear();
        for (KvCache f : forks) f.clear();
        throw new CancellationException("prefill stopped at layer " + layer + ", row " + row);
    }

    private void checkForks(List<KvCache> forks, boolean prompt) {
        if (!prompt) throw new IllegalStateException("forks are compressed from a prompt prefill into an empty cache");
        for (KvCache f : forks) {
            if (f.config().window() != cache.config().window()) throw new IllegalArgumentException("fork " + f + " has a different window than " + cache);
            if (f.tokensSeen() != 0) throw new IllegalArgumentException("fork " + f + " is not empty");
        }
    }

    /** x[r0, r0+m) += wo · attention(norm(x)): rows are prompt rows of a prefill, or appended tokens. */
    private void attentionBlock(int l, LlamaWeights.Layer w, int r0, int m, int n, boolean prompt, int start, boolean batch) {
        int dim = c.dim(), hd = c.headDim(), kvDim = c.kvDim();
        for (int i = 0; i < m; i++) rmsNorm(s.xb, 4L * i * dim, s.x, 4L * (r0 + i) * dim, w.attnNorm(), dim, c.rmsEps());
        MatMul mm = s.matmul;
        mm.prepare(s.xb, m, dim, quantized(w.wq()), batch);
        mm.apply(w.wq(), s.q, w.wk(), s.kRows, w.wv(), s.vRows);   // [m][heads*hd], [m][kvHeads*hd] ×2
        if (w.bq() != null) addBias(s.q, m, w.bq());
        if (w.bk() != null) addBias(s.kRows, m, w.bk());
        if (w.bv() != null) addBias(s.vRows, m, w.bv());
        for (int i = 0; i < m; i++) {
            long table = (long) (start + r0 + i) * c.ropeDim() * 4;   // [pos][ropeDim/2][cos, sin]
            Rope.rotate(s.q, 4L * i * c.heads() * hd, c.heads(), hd, c.ropeDim(), c.ropeNeox(), model.rope, table);
            Rope.rotate(s.kRows, 4L * i * kvDim, c.kvHeads(), hd, c.ropeDim(), c.ropeNeox(), model.rope, table);
        }
        attLayer = l;
        attRow0 = r0;
        attRows = m;
        attN = n;
        attBatch = batch;
        if (prompt) {
            StagingBuffer st = s.staging;
            for (int i = 0; i < m; i++) {
                for (int h = 0; h < c.kvHeads(); h++) {
                    long src = ((long) i * kvDim + (long) h * hd) * 4;
                    MemorySegment.copy(s.kRows, src, st.keys(), st.offset(h, r0 + i), 4L * hd);
                    MemorySegment.copy(s.vRows, src, st.values(), st.offset(h, r0 + i), 4L * hd);
                }
            }
            pool.run(c.heads(), promptHeads);
        } else {
            for (int i = 0; i < m; i++) {
                long row = 4L * i * kvDim;
                cache.append(l, start + r0 + i, s.kRows, row, s.vRows, row);
                attRow0 = i;
                pool.run(c.heads(), appendHeads);
                cache.observeDecode(l, s.scores, 0, s.scoreStride);
            }
        }
        mm.prepare(s.att, m, c.heads() * hd, quantized(w.wo()), batch);
        mm.apply(w.wo(), s.proj);
        addRows(s.x, r0, s.proj, m, dim);
    }

    /** x[r0, r0+m) += w_down · (silu(w_gate · norm(x)) ⊙ (w_up · norm(x))). */
    private void feedForwardBlock(LlamaWeights.Layer w, int r0, int m, boolean batch) {
        int dim = c.dim(), ffn = c.ffnDim();
        for (int i = 0; i < m; i++) rmsNorm(s.xb, 4L * i * dim, s.x, 4L * (r0 + i) * dim, w.ffnNorm(), dim, c.rmsEps());
        MatMul mm = s.matmul;
        mm.prepare(s.xb, m, dim, quantized(w.wGate()), batch);
        mm.apply(w.wGate(), s.gate, w.wUp(), s.up);
        GgmlMath.siluMul(s.gate, 0, s.up, 0, m * ffn, ffn);
        mm.prepare(s.gate, m, ffn, quantized(w.wDown()), batch);
        mm.apply(w.wDown(), s.proj);
        addRows(s.x, r0, s.proj, m, dim);
    }

    /** Prompt rows [attRow0, attRow0+attRows), query heads [from, to): causal attention over the staged K/V. */
    private void promptHeads(int from, int to) {
        long rowBytes = 4L * c.headDim();
        StagingBuffer st = s.staging;
        int n = attN;
        int windowRows = Math.min(s.window, n);
        int firstWindowRow = n - windowRows;
        for (int h = from; h < to; h++) {
            int kvh = h / c.groupSize();
            long base = st.offset(kvh, 0);
            long sc = (long) h * s.scoreStride * 4;
            for (int i = 0; i < attRows; i++) {
                int row = attRow0 + i;
                attendRow(h, i, KvType.F32, st.keys(), st.values(), base, rowBytes, row + 1);
                if (keepWindow && row >= firstWindowRow) {
                    long dst = (((long) h * windowRows + (row - firstWindowRow)) * n) * 4;
                    MemorySegment.copy(s.scores, sc, s.windowProbs, dst, 4L * (row + 1));
                    s.windowProbs.asSlice(dst + 4L * (row + 1), 4L * (n - row - 1)).fill((byte) 0);
                }
                if (keepColumnSums) {
                    long cs = (long) h * n * 4;
                    for (int j = 0; j <= row; j++) {
                        long o = cs + 4L * j;
                        s.columnSums.set(JAVA_FLOAT, o, s.columnSums.get(JAVA_FLOAT, o) + s.scores.get(JAVA_FLOAT, sc + 4L * j));
                    }
                }
            }
        }
    }

    /** Appended row attRow0, query heads [from, to): attention over the KV head's live slots (itself included). */
    private void appendHeads(int from, int to) {
        LayerRegion region = cache.region(attLayer);
        for (int h = from; h < to; h++) {
            int kvh = h / c.groupSize();
            attendRow(h, attRow0, region.type(), region.keys(), region.values(), region.offset(kvh, 0), region.rowBytes(), region.length(kvh));
        }
    }

    /**
     * One query row of head {@code h} (row {@code i} of the chunk) over {@code count} K/V rows at
     * {@code base + j·rowBytes}, as llama.cpp without flash attention: kq by ggml_vec_dot_f32 scaled after
     * the dot, softmax as ggml_soft_max_f32 (ggml's exp, sums of 8 into a double), then kqv = Σ p_j V_j in
     * the order of the matmul llama.cpp uses ({@link #weightedValues}). Leaves the probabilities in
     * scores[h][0, count). K/V rows of a quantized cache ({@code type} f16, bf16, q8_0, q4_0) go through {@link QuantizedKv}.
     */
    private void attendRow(int h, int i, KvType type, MemorySegment keys, MemorySegment values, long base, long rowBytes, int count) {
        int hd = c.headDim();
        float scale = 1.0f / (float) Math.sqrt(hd);
        long qOff = ((long) i * c.heads() + h) * hd * 4L;
        long sc = (long) h * s.scoreStride * 4;
        if (type == KvType.F32) Dot.f32Rows(keys, base, rowBytes, count, s.q, qOff, hd, scale, s.scores, sc);
        else QuantizedKv.scores(type, keys, base, rowBytes, count, s.q, qOff, hd, scale, s.scores, sc);
        float max = Float.NEGATIVE_INFINITY;
        for (int j = 0; j < count; j++) max = Math.max(max, s.scores.get(JAVA_FLOAT, sc + 4L * j));
        double sum = 0;
        int vectorized = GgmlMath.expGroups(s.scores, sc, count, max);   // the same bits as exp() below, 16 at a time
        int j0 = 0;
        for (; j0 < vectorized; j0 += 8) {
            float e0 = score(sc, j0), e1 = score(sc, j0 + 1), e2 = score(sc, j0 + 2), e3 = score(sc, j0 + 3);
            float e4 = score(sc, j0 + 4), e5 = score(sc, j0 + 5), e6 = score(sc, j0 + 6), e7 = score(sc, j0 + 7);
            sum += ((e0 + e4) + (e2 + e6)) + ((e1 + e5) + (e3 + e7));
        }
        for (; j0 < count; j0 += 8) {
            float e0 = exp(sc, j0, count, max), e1 = exp(sc, j0 + 1, count, max), e2 = exp(sc, j0 + 2, count, max), e3 = exp(sc, j0 + 3, count, max);
            float e4 = exp(sc, j0 + 4, count, max), e5 = exp(sc, j0 + 5, count, max), e6 = exp(sc, j0 + 6, count, max), e7 = exp(sc, j0 + 7, count, max);
            sum += ((e0 + e4) + (e2 + e6)) + ((e1 + e5) + (e3 + e7));
        }
        float inv = (float) (1.0 / sum);
        for (int j = 0; j < count; j++) s.scores.set(JAVA_FLOAT, sc + 4L * j, s.scores.get(JAVA_FLOAT, sc + 4L * j) * inv);
        // att has q's [row][head][hd] layout
        if (type == KvType.F32) weightedValues(h, values, base, rowBytes, count, sc, qOff);
        else QuantizedKv.weightedValues(type, values, base, rowBytes, count, s.scores, sc, hd, s.att, qOff);
    }

    /**
     * att[d] = Σ_j p_j·V_j[d] as llama.cpp's kqv matmul sums it: one token alone goes through
     * ggml_vec_dot_f32 (32 accumulators, j mod 32, reduced pairwise), a micro-batch of 2+ through tinyBLAS
     * (8 accumulators, j mod 8, then hsum). Accumulators are rows of {@code s.kqvAcc} for head h.
     */
    private void weightedValues(int h, MemorySegment values, long base, long rowBytes, int count, long sc, long out) {
        int hd = c.headDim();
        int lanes = attBatch && hd % 4 == 0 ? 8 : 32;   // llamafile_sgemm needs rows % 4 == 0
        long acc = (long) h * 32 * rowBytes;
        // Accumulator l sums p_j·V_j over j ≡ l (mod lanes), j increasing, as ggml does. Taking one accumulator
        // at a time keeps 32 of its elements in registers over all its keys, instead of a load and a store per key.
        for (int l = 0; l < lanes; l++) {
            long a = acc + l * rowBytes;
            int d = 0;
            long vb = F.vectorByteSize();
            for (; d + 4 * F.length() <= hd; d += 4 * F.length()) {
                FloatVector r0 = FloatVector.zero(F), r1 = r0, r2 = r0, r3 = r0;
                for (int j = l; j < count; j += lanes) {
                    FloatVector p = FloatVector.broadcast(F, s.scores.get(JAVA_FLOAT, sc + 4L * j));
                    long vOff = base + j * rowBytes + 4L * d;
                    r0 = FloatVector.fromMemorySegment(F, values, vOff, LE).fma(p, r0);
                    r1 = FloatVector.fromMemorySegment(F, values, vOff + vb, LE).fma(p, r1);
                    r2 = FloatVector.fromMemorySegment(F, values, vOff + 2 * vb, LE).fma(p, r2);
                    r3 = FloatVector.fromMemorySegment(F, values, vOff + 3 * vb, LE).fma(p, r3);
                }
                r0.intoMemorySegment(s.kqvAcc, a + 4L * d, LE);
                r1.intoMemorySegment(s.kqvAcc, a + 4L * d + vb, LE);
                r2.intoMemorySegment(s.kqvAcc, a + 4L * d + 2 * vb, LE);
                r3.intoMemorySegment(s.kqvAcc, a + 4L * d + 3 * vb, LE);
            }
            for (; d + F.length() <= hd; d += F.length()) {
                FloatVector r = FloatVector.zero(F);
                for (int j = l; j < count; j += lanes) {
                    r = FloatVector.fromMemorySegment(F, values, base + j * rowBytes + 4L * d, LE).fma(FloatVector.broadcast(F, s.scores.get(JAVA_FLOAT, sc + 4L * j)), r);
                }
                r.intoMemorySegment(s.kqvAcc, a + 4L * d, LE);
            }
            for (; d < hd; d++) {   // head sizes that are not a multiple of 32
                float r = 0f;
                for (int j = l; j < count; j += lanes) r = Math.fma(s.scores.get(JAVA_FLOAT, sc + 4L * j), values.get(JAVA_FLOAT, base + j * rowBytes + 4L * d), r);
                s.kqvAcc.set(JAVA_FLOAT, a + 4L * d, r);
            }
        }
        int d = 0;
        for (; d + F.length() <= hd; d += F.length()) {   // the same sums as below, a vector of elements d at a time
            long col = acc + 4L * d;
            if (lanes == 32) {   // x_l = sum4(l), kept in accumulator l
                for (int l = 0; l < 8; l++) {
                    long o = col + l * rowBytes;
                    FloatVector a0 = FloatVector.fromMemorySegment(F, s.kqvAcc, o, LE), a16 = FloatVector.fromMemorySegment(F, s.kqvAcc, o + 16 * rowBytes, LE);
                    FloatVector a8 = FloatVector.fromMemorySegment(F, s.kqvAcc, o + 8 * rowBytes, LE), a24 = FloatVector.fromMemorySegment(F, s.kqvAcc, o + 24 * rowBytes, LE);
                    a0.add(a16).add(a8.add(a24)).intoMemorySegment(s.kqvAcc, o, LE);
                }
            }
            FloatVector x0 = FloatVector.fromMemorySegment(F, s.kqvAcc, col, LE), x1 = FloatVector.fromMemorySegment(F, s.kqvAcc, col + rowBytes, LE);
            FloatVector x2 = FloatVector.fromMemorySegment(F, s.kqvAcc, col + 2 * rowBytes, LE), x3 = FloatVector.fromMemorySegment(F, s.kqvAcc, col + 3 * rowBytes, LE);
            FloatVector x4 = FloatVector.fromMemorySegment(F, s.kqvAcc, col + 4 * rowBytes, LE), x5 = FloatVector.fromMemorySegment(F, s.kqvAcc, col + 5 * rowBytes, LE);
            FloatVector x6 = FloatVector.fromMemorySegment(F, s.kqvAcc, col + 6 * rowBytes, LE), x7 = FloatVector.fromMemorySegment(F, s.kqvAcc, col + 7 * rowBytes, LE);
            FloatVector r = lanes == 32 ? x0.add(x4).add(x1.add(x5)).add(x2.add(x6).add(x3.add(x7)))
                                        : x0.add(x4).add(x2.add(x6)).add(x1.add(x5).add(x3.add(x7)));
            r.intoMemorySegment(s.att, out + 4L * d, LE);
        }
        for (; d < hd; d++) {
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

    private float lane(long acc, long rowBytes, int lane, int d) {
        return s.kqvAcc.get(JAVA_FLOAT, acc + lane * rowBytes + 4L * d);
    }

    private float score(long sc, int j) {
        return s.scores.get(JAVA_FLOAT, sc + 4L * j);
    }

    /** e^(score_j − max) stored over score j, or 0 past the last visible token (a masked cell). */
    private float exp(long sc, int j, int count, float max) {
        if (j >= count) return 0f;
        float e = GgmlMath.expf(s.scores.get(JAVA_FLOAT, sc + 4L * j) - max);
        s.scores.set(JAVA_FLOAT, sc + 4L * j, e);
        return e;
    }

    private static boolean quantized(GgufTensor w) {
        return MatMul.needsQ8(w.type());
    }

    /** rows[i][j] += bias[j] for the m rows of {@code rows} ({@code [m][bias length]} f32), as ggml_add. */
    private static void addBias(MemorySegment rows, int m, GgufTensor bias) {
        int n = (int) bias.elements();
        MemorySegment b = bias.data();
        for (int i = 0; i < m; i++) {
            long row = 4L * i * n;
            for (int j = 0; j < n; j++) {
                rows.set(JAVA_FLOAT, row + 4L * j, rows.get(JAVA_FLOAT, row + 4L * j) + b.get(JAVA_FLOAT, 4L * j));
            }
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
        long base = 4L * r0 * dim, n = (long) m * dim, i = 0;
        for (; i + F.length() <= n; i += F.length()) {
            long o = base + 4 * i;
            FloatVector.fromMemorySegment(F, x, o, LE).add(FloatVector.fromMemorySegment(F, y, 4 * i, LE)).intoMemorySegment(x, o, LE);
        }
        for (; i < n; i++) x.set(JAVA_FLOAT, base + 4 * i, x.get(JAVA_FLOAT, base + 4 * i) + y.getAtIndex(JAVA_FLOAT, i));
    }
}
