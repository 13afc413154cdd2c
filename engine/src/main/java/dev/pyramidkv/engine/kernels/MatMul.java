package dev.pyramidkv.engine.kernels;

import dev.pyramidkv.engine.gguf.GgmlType;
import dev.pyramidkv.engine.gguf.GgufTensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * {@code out[m][n] = Σ_k W[n][k]·x[m][k]} for a GGUF weight W ({@code [N][K]}, any computable type) and
 * {@code M} activation rows, split over the worker pool by output rows. Quantized weights use the
 * activations quantized once by {@link #prepare} (several matmuls of the same input share it).
 * Quantized activations with a packed copy of W go to {@link Gemv} (the same bits as the row kernels), split
 * by groups of weight rows; each group's weights stay in cache while all activation rows pass over them.
 * Nothing is allocated per call.
 */
public final class MatMul {
    private final WorkerPool pool;
    private final Q8Activations q8;
    private final Q8KActivations q8k;   // for K-quant weights, quantized on first use per input
    private final PackedWeights packed;

    // the current call, read by the range task
    private GgufTensor w;
    private MemorySegment x;
    private MemorySegment out;
    private int m;
    private int k;
    private int n;
    private boolean batch;
    // the packed single-row call in flight: up to 3 matrices sharing the input, their groups numbered in sequence
    private final PackedMatrix[] gemv = new PackedMatrix[3];
    private final MemorySegment[] gemvOut = new MemorySegment[3];
    private final int[] gemvStart = new int[4];
    private int gemvCount;
    private final MemorySegment[] scratch;   // per thread: Gemv's block sums of one row group
    private final WorkerPool.RangeTask rows = this::rows;
    private final WorkerPool.ThreadRangeTask gemvGroups = this::gemvGroups;

    public MatMul(Arena arena, WorkerPool pool, int maxRows, int maxK) {
        this(arena, pool, maxRows, maxK, PackedWeights.NONE);
    }

    /** @param packed packed copies of the weights, used when the input is a single row */
    public MatMul(Arena arena, WorkerPool pool, int maxRows, int maxK, PackedWeights packed) {
        this.pool = pool;
        this.q8 = new Q8Activations(arena, maxRows, maxK);
        this.q8k = new Q8KActivations(arena, maxRows, maxK);
        this.packed = packed;
        this.scratch = new MemorySegment[pool.threads()];
        for (int t = 0; t < scratch.length; t++) scratch[t] = arena.allocate(Gemv.SCRATCH_BYTES, 64);
    }

    /**
     * Sets the input {@code x [m][k]} f32 for the following {@link #apply} calls, quantizing it once.
     * {@code batch}: the rows belong to a llama.cpp micro-batch of 2+ tokens, where it multiplies F32
     * weights with llamafile's tiled sgemm (another summation order) instead of row dot products.
     */
    public void prepare(MemorySegment x, int m, int k, boolean quantize, boolean batch) {
        this.x = x;
        this.m = m;
        this.k = k;
        this.batch = batch;
        if (quantize) q8.quantize(x, m, k);
        else q8.rows = -1;
        q8k.invalidate();
    }

    /** {@code out [m][N]} = the prepared input times {@code w}ᵀ. */
    public void apply(GgufTensor w, MemorySegment out) {
        if (w.rowLength() != k) throw new IllegalArgumentException("tensor '" + w.name() + "' has rows of " + w.rowLength() + ", input has " + k);
        if (needsQ8(w.type()) && q8.rows != m) throw new IllegalStateException("input was prepared without quantization for " + w.name());
        if (needsQ8K(w.type()) && q8k.rows != m) q8k.quantize(x, m, k);
        this.w = w;
        this.out = out;
        this.n = (int) w.rows();
        PackedMatrix p = packedRow(w);
        if (p != null) {
            gemvCount = 0;
            addGemv(p, out);
            runGemv();
        } else {
            pool.run(n, rows);
        }
        this.w = null;
    }

    /**
     * {@code out1 = x·w1ᵀ}, {@code out2 = x·w2ᵀ}: two weights with the prepared input, e.g. gate and up. On packed
     * weights this is one pool call for both (decode makes ~200 calls per token, each a wake-up and a wait).
     */
    public void apply(GgufTensor w1, MemorySegment out1, GgufTensor w2, MemorySegment out2) {
        PackedMatrix p1 = packedRow(w1), p2 = packedRow(w2);
        if (p1 == null || p2 == null) {
            apply(w1, out1);
            apply(w2, out2);
            return;
        }
        gemvCount = 0;
        addGemv(p1, out1);
        addGemv(p2, out2);
        runGemv();
    }

    /** As {@link #apply(GgufTensor, MemorySegment, GgufTensor, MemorySegment)} for three weights, e.g. q, k and v. */
    public void apply(GgufTensor w1, MemorySegment out1, GgufTensor w2, MemorySegment out2, GgufTensor w3, MemorySegment out3) {
        PackedMatrix p1 = packedRow(w1), p2 = packedRow(w2), p3 = packedRow(w3);
        if (p1 == null || p2 == null || p3 == null) {
            apply(w1, out1);
            apply(w2, out2);
            apply(w3, out3);
            return;
        }
        gemvCount = 0;
        addGemv(p1, out1);
        addGemv(p2, out2);
        addGemv(p3, out3);
        runGemv();
    }

    /** The packed copy of w when the prepared input is quantized and matches it, else null. */
    private PackedMatrix packedRow(GgufTensor w) {
        if (q8.rows != m || w.rowLength() != k) return null;
        return packed.get(w);
    }

    private void addGemv(PackedMatrix p, MemorySegment out) {
        gemv[gemvCount] = p;
        gemvOut[gemvCount] = out;
        gemvStart[gemvCount + 1] = gemvStart[gemvCount] + p.groups;
        gemvCount++;
    }

    private void runGemv() {
        pool.run(gemvStart[gemvCount], 1, gemvGroups);
        for (int i = 0; i < gemvCount; i++) {
            gemv[i] = null;
            gemvOut[i] = null;
        }
    }

    /** Groups [from, to) of the matrices in flight, numbered in sequence; each group over all activation rows. */
    private void gemvGroups(int thread, int from, int to) {
        for (int i = 0; i < gemvCount; i++) {
            int start = gemvStart[i], end = gemvStart[i + 1];
            int lo = Math.max(from, start), hi = Math.min(to, end);
            if (lo >= hi) continue;
            PackedMatrix p = gemv[i];
            if (m == 1) {
                Gemv.apply(p, q8, gemvOut[i], lo - start, hi - start, scratch[thread]);
            } else {
                for (int g = lo - start; g < hi - start; g++) {
                    for (int r = 0; r < m; r++) Gemv.apply(p, q8, r, gemvOut[i], 4L * r * p.rows, g, g + 1, scratch[thread]);
                }
            }
        }
    }

    /** Whether a weight type needs the activations quantized ({@link #prepare}'s {@code quantize}). */
    public static boolean needsQ8(GgmlType t) {
        return t == GgmlType.Q4_0 || t == GgmlType.Q4_1 || t == GgmlType.Q8_0 || t == GgmlType.Q5_0 || needsQ8K(t);
    }

    /** K-quant weights pair with Q8_K activations (blocks of 256) instead of Q8_0. */
    private static boolean needsQ8K(GgmlType t) {
        return t == GgmlType.Q4_K || t == GgmlType.Q6_K;
    }

    private void rows(int from, int to) {
        MemorySegment data = w.data();
        long rowBytes = w.rowBytes();
        GgmlType type = w.type();
        boolean tiled = batch && k % 8 == 0 && n % 4 == 0;   // when llamafile_sgemm takes an F32 matmul
        for (int j = from; j < to; j++) {
            long wOff = j * rowBytes;
            for (int r = 0; r < m; r++) {
                long xOff = (long) r * k * 4;
                float v = switch (type) {
                    case Q4_1 -> Dot.q4_1(data, wOff, q8, r, k);
                    case Q4_0 -> Dot.q4_0(data, wOff, q8, r, k);
                    case Q8_0 -> Dot.q8_0(data, wOff, q8, r, k);
                    case Q5_0 -> KQuants.dotQ5_0(data, wOff, q8, r, k);
                    case Q4_K -> KQuants.dotQ4K(data, wOff, q8k, r, k);
                    case Q6_K -> KQuants.dotQ6K(data, wOff, q8k, r, k);
                    case F32 -> tiled ? Dot.f32Tiled(data, wOff, x, xOff, k) : Dot.f32(data, wOff, x, xOff, k);
                    case F16 -> Dot.f16(data, wOff, x, xOff, k);
                    case BF16 -> Dot.bf16(data, wOff, x, xOff, k);
                    default -> throw new IllegalArgumentException("no kernel for " + type + " (tensor '" + w.name() + "')");
                };
                out.setAtIndex(java.lang.foreign.ValueLayout.JAVA_FLOAT, (long) r * n + j, v);
            }
        }
    }
}
