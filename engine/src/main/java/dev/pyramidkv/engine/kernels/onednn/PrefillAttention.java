package dev.pyramidkv.engine.kernels.onednn;

import dev.pyramidkv.cache.StagingBuffer;
import dev.pyramidkv.dnnl.DnnlEngine;
import dev.pyramidkv.dnnl.Matmul;
import dev.pyramidkv.dnnl.MatmulSpec;
import dev.pyramidkv.dnnl.Softmax;
import dev.pyramidkv.dnnl.WeightsLayout;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

/**
 * Causal attention of prompt rows over a prompt's staged K/V, in blocks of {@code block} query rows, on
 * oneDNN: for each block and KV head, the query heads sharing that KV head are stacked into one
 * {@code [group·block][headDim]} matrix Q, then
 * <pre>
 *   S = (Q·scale) · K[0, L)ᵀ        [group·block][L]   L = block end (keys up to the block's last row)
 *   S[i][j] = -inf for j > row(i)   causal mask: only the block's own diagonal square
 *   P = softmax(S)                  oneDNN softmax, dense rows
 *   O = P · V[0, L)                 [group·block][headDim]
 * </pre>
 * Scratch is O(group · block · n): an 8k prompt needs ~25 MB with the default block, never n². The primitives depend only on L
 * (a multiple of block), so they are created once per L and reused by every layer and prompt.
 * <p>
 * The last block of a prompt may have fewer than block rows: it runs as a full block, its missing query rows
 * are zero and the staged K/V rows past the prompt are zeroed first (the staging must hold a multiple of block
 * rows); those rows' results are dropped.
 * <p>
 * For the KV policies, probabilities are kept as {@code Transformer}'s row-by-row path keeps them: the last
 * {@code window} rows of each query head into {@code windowProbs [head][window][n]} (zeros right of the
 * diagonal) and the attention mass each key received into {@code columnSums [head][n]} (added to).
 * Not thread-safe (one session's thread).
 */
public final class PrefillAttention implements AutoCloseable {
    /**
     * Query rows per block. Larger blocks make fewer oneDNN calls (each has a fixed cost of tens of µs) at the
     * price of more scratch and of the masked half of the diagonal block: measured per layer of SmolLM2 with
     * AttentionBench at n = 2048, 64 rows 48.7–50.0 ms, 128 44.1 ms, 256 41.2 ms.
     */
    public static final int DEFAULT_BLOCK = 256;

    private final int block;

    private final DnnlEngine engine;
    private final int heads, kvHeads, group, headDim, maxTokens;
    private final float scale;
    private final MemorySegment q;        // [group·block][headDim] scaled queries of one KV head, row j·block+i = head j, row i
    private final MemorySegment s;        // [group·block][L] scores, then probabilities (dense rows of the current L)
    private final MemorySegment o;        // [group·block][headDim]
    private final MemorySegment minusInf; // [block] -inf, copied over the masked part of a row
    private final Shape[] shapes;         // by L / block - 1, created on first use

    /** The three primitives of one key length L. */
    private record Shape(Matmul scores, Softmax softmax, Matmul weighted) {}

    /**
     * @param maxTokens the longest prompt; the staging must hold {@link #stagingRows}(maxTokens) rows per KV head
     */
    public PrefillAttention(DnnlEngine engine, Arena arena, int heads, int kvHeads, int headDim, int maxTokens) {
        this(engine, arena, heads, kvHeads, headDim, maxTokens, DEFAULT_BLOCK);
    }

    /** With blocks of {@code block} query rows, a divisor of {@link #DEFAULT_BLOCK} (so {@link #stagingRows} fits it). */
    public PrefillAttention(DnnlEngine engine, Arena arena, int heads, int kvHeads, int headDim, int maxTokens, int block) {
        if (block <= 0 || DEFAULT_BLOCK % block != 0) throw new IllegalArgumentException("block must divide " + DEFAULT_BLOCK + ", got " + block);
        this.block = block;
        if (heads <= 0 || kvHeads <= 0 || heads % kvHeads != 0) {
            throw new IllegalArgumentException("heads (" + heads + ") must be a positive multiple of kvHeads (" + kvHeads + ")");
        }
        this.engine = engine;
        this.heads = heads;
        this.kvHeads = kvHeads;
        this.group = heads / kvHeads;
        this.headDim = headDim;
        this.maxTokens = maxTokens;
        this.scale = (float) (1.0 / Math.sqrt(headDim));
        int rows = group * block;
        this.q = arena.allocate(4L * rows * headDim, 64);
        this.s = arena.allocate(4L * rows * stagingRows(maxTokens), 64);
        this.o = arena.allocate(4L * rows * headDim, 64);
        this.minusInf = arena.allocate(4L * block, 64);
        for (int i = 0; i < block; i++) minusInf.setAtIndex(JAVA_FLOAT, i, Float.NEGATIVE_INFINITY);
        this.shapes = new Shape[stagingRows(maxTokens) / block];
    }

    /** Staged rows per KV head that prompts of up to {@code maxTokens} need: a whole number of default blocks. */
    public static int stagingRows(int maxTokens) {
        return (maxTokens + DEFAULT_BLOCK - 1) / DEFAULT_BLOCK * DEFAULT_BLOCK;
    }

    /** Staged rows an {@code n}-token prompt needs with this attention's blocks. */
    private int rowsFor(int n) {
        return (n + block - 1) / block * block;
    }

    /** Bytes of scratch this attention holds (excluding primitives). */
    public long scratchBytes() {
        return q.byteSize() + s.byteSize() + o.byteSize() + minusInf.byteSize();
    }

    /**
     * Attention of prompt rows {@code [row0, row0 + m)} of an {@code n}-token prompt (row0 a multiple of block;
     * keys {@code [0, row0 + m)} staged in {@code kv}).
     *
     * @param qRows       queries f32, row i at byte {@code qOff + i·qStride}, heads then headDim within a row
     * @param att         output f32 in the same layout as the queries: row i at byte {@code i·attStride}
     * @param windowProbs {@code [heads][window][n]} f32 or null
     * @param columnSums  {@code [heads][n]} f32 or null
     */
    public void run(MemorySegment qRows, long qOff, long qStride, int row0, int m, int n, StagingBuffer kv,
                    MemorySegment att, long attStride, MemorySegment windowProbs, int window, MemorySegment columnSums) {
        if (row0 % block != 0) throw new IllegalArgumentException("row0 must be a multiple of " + block + ", got " + row0);
        if (m <= 0 || row0 + m > n || n > maxTokens) {
            throw new IllegalArgumentException("rows [" + row0 + ", " + (row0 + m) + ") of a " + n + "-token prompt (limit " + maxTokens + ")");
        }
        if (kv.maxTokens() < rowsFor(n) || kv.kvHeads() != kvHeads || kv.headDim() != headDim) {
            throw new IllegalArgumentException("staging [" + kv.kvHeads() + "][" + kv.maxTokens() + "][" + kv.headDim() + "] does not fit ["
                    + kvHeads + "][" + rowsFor(n) + "][" + headDim + "]");
        }
        int windowRows = Math.min(window, n);
        for (int b0 = row0; b0 < row0 + m; b0 += block) {
            int rows = Math.min(block, row0 + m - b0);
            int keys = b0 + block;
            if (rows < block) zeroStagedRows(kv, b0 + rows, keys);
            Shape shape = shape(keys);
            for (int g = 0; g < kvHeads; g++) {
                gatherQueries(qRows, qOff + (b0 - row0) * qStride, qStride, g, rows);
                shape.scores.execute(q, kv.keys().asSlice(kv.offset(g, 0)), s);
                maskDiagonal(keys);
                shape.softmax.execute(s, s);
                keepScores(g, b0, rows, keys, n, windowRows, windowProbs, columnSums);
                shape.weighted.execute(s, kv.values().asSlice(kv.offset(g, 0)), o);
                scatterOutputs(att, (long) (b0 - row0) * attStride, attStride, g, rows);
            }
        }
    }

    private Shape shape(int keys) {
        int i = keys / block - 1;
        Shape sh = shapes[i];
        if (sh == null) {
            int rows = group * block;
            Matmul scores = Matmul.create(engine, MatmulSpec.f32(rows, headDim, keys, WeightsLayout.NK));           // K rows are [key][headDim]
            Softmax softmax = Softmax.create(engine, rows, keys);
            Matmul weighted = Matmul.create(engine, MatmulSpec.f32(rows, keys, headDim, WeightsLayout.KN));         // V rows are [key][headDim]
            sh = shapes[i] = new Shape(scores, softmax, weighted);
        }
        return sh;
    }

    /** Keys [from, to) of every KV head set to zero: K/V past the prompt that a padded block reads. */
    private static void zeroStagedRows(StagingBuffer kv, int from, int to) {
        long bytes = 4L * (to - from) * kv.headDim();
        for (int h = 0; h < kv.kvHeads(); h++) {
            kv.keys().asSlice(kv.offset(h, from), bytes).fill((byte) 0);
            kv.values().asSlice(kv.offset(h, from), bytes).fill((byte) 0);
        }
    }

    /** q[j·block + i] = scale · query of head g·group + j, block row i; missing rows zero. */
    private void gatherQueries(MemorySegment src, long off, long stride, int g, int rows) {
        long rowBytes = 4L * headDim;
        for (int j = 0; j < group; j++) {
            long head = off + (long) (g * group + j) * rowBytes;
            for (int i = 0; i < block; i++) {
                long dst = (long) (j * block + i) * rowBytes;
                if (i < rows) {
                    for (int d = 0; d < headDim; d++) q.set(JAVA_FLOAT, dst + 4L * d, src.get(JAVA_FLOAT, head + i * stride + 4L * d) * scale);
                } else {
                    q.asSlice(dst, rowBytes).fill((byte) 0);
                }
            }
        }
    }

    /** Row i of the block (query b0+i) sees keys [0, b0+i]: keys b0+i+1 .. keys-1 are masked, in each head's rows. */
    private void maskDiagonal(int keys) {
        for (int r = 0; r < group * block; r++) {
            int i = r % block;
            int masked = block - 1 - i;
            if (masked > 0) MemorySegment.copy(minusInf, 0, s, 4L * ((long) r * keys + keys - masked), 4L * masked);
        }
    }

    /** Window probabilities and column sums of the block's valid rows of KV head g's query heads. */
    private void keepScores(int g, int b0, int rows, int keys, int n, int windowRows, MemorySegment windowProbs, MemorySegment columnSums) {
        int firstWindowRow = n - windowRows;
        for (int j = 0; j < group; j++) {
            int h = g * group + j;
            for (int i = 0; i < rows; i++) {
                int row = b0 + i;
                long p = 4L * ((long) (j * block + i) * keys);
                if (windowProbs != null && row >= firstWindowRow) {
                    long dst = 4L * (((long) h * windowRows + (row - firstWindowRow)) * n);
                    MemorySegment.copy(s, p, windowProbs, dst, 4L * (row + 1));
                    windowProbs.asSlice(dst + 4L * (row + 1), 4L * (n - row - 1)).fill((byte) 0);
                }
                if (columnSums != null) PrefillRows.add(columnSums, 4L * h * n, s, p, row + 1);
            }
        }
    }

    /** att row i, head g·group + j = o[j·block + i], for the block's valid rows. */
    private void scatterOutputs(MemorySegment att, long off, long stride, int g, int rows) {
        long rowBytes = 4L * headDim;
        for (int j = 0; j < group; j++) {
            for (int i = 0; i < rows; i++) {
                MemorySegment.copy(o, (long) (j * block + i) * rowBytes, att, off + i * stride + (long) (g * group + j) * rowBytes, rowBytes);
            }
        }
    }

    @Override
    public void close() {
        for (int i = 0; i < shapes.length; i++) {
            Shape sh = shapes[i];
            if (sh == null) continue;
            sh.scores.close();
            sh.softmax.close();
            sh.weighted.close();
            shapes[i] = null;
        }
    }
}
