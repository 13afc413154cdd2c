package dev.pyramidkv.engine.kernels;

import dev.pyramidkv.engine.gguf.GgmlType;
import dev.pyramidkv.engine.gguf.GgufTensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * {@code out[m][n] = Σ_k W[n][k]·x[m][k]} for a GGUF weight W ({@code [N][K]}, any computable type) and
 * {@code M} activation rows, split over the worker pool by output rows. Quantized weights use the
 * activations quantized once by {@link #prepare} (several matmuls of the same input share it).
 * Nothing is allocated per call.
 */
public final class MatMul {
    private final WorkerPool pool;
    private final Q8Activations q8;

    // the current call, read by the range task
    private GgufTensor w;
    private MemorySegment x;
    private MemorySegment out;
    private int m;
    private int k;
    private int n;
    private boolean batch;
    private final WorkerPool.RangeTask rows = this::rows;

    public MatMul(Arena arena, WorkerPool pool, int maxRows, int maxK) {
        this.pool = pool;
        this.q8 = new Q8Activations(arena, maxRows, maxK);
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
    }

    /** {@code out [m][N]} = the prepared input times {@code w}ᵀ. */
    public void apply(GgufTensor w, MemorySegment out) {
        if (w.rowLength() != k) throw new IllegalArgumentException("tensor '" + w.name() + "' has rows of " + w.rowLength() + ", input has " + k);
        if (needsQ8(w.type()) && q8.rows != m) throw new IllegalStateException("input was prepared without quantization for " + w.name());
        this.w = w;
        this.out = out;
        this.n = (int) w.rows();
        pool.run(n, rows);
        this.w = null;
    }

    public static boolean needsQ8(GgmlType t) {
        return t == GgmlType.Q4_0 || t == GgmlType.Q4_1 || t == GgmlType.Q8_0;
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
