package dev.pyramidkv.cache;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;

/** Random prompts and their off-heap staging, shared by the tests. */
final class TestInputs {
    private TestInputs() {}

    /**
     * A random prompt. With {@code quantized}, probabilities are multiples of 1/16 (exact float sums, many
     * exact ties); otherwise continuous.
     */
    static PlainReference.Prompt randomPrompt(SplittableRandom rnd, KvShape shape, int n, int window, boolean quantized) {
        int rows = Math.min(window, n);
        float[][][] k = new float[shape.kvHeads()][n][shape.headDim()];
        float[][][] v = new float[shape.kvHeads()][n][shape.headDim()];
        for (int h = 0; h < shape.kvHeads(); h++)
            for (int t = 0; t < n; t++)
                for (int d = 0; d < shape.headDim(); d++) {
                    k[h][t][d] = (float) rnd.nextDouble(-1, 1);
                    v[h][t][d] = (float) rnd.nextDouble(-1, 1);
                }
        float[][][] a = new float[shape.qHeads()][rows][n];
        float[][] c = new float[shape.qHeads()][n];
        for (int q = 0; q < shape.qHeads(); q++) {
            for (int r = 0; r < rows; r++)
                for (int j = 0; j <= n - rows + r; j++) a[q][r][j] = prob(rnd, quantized);   // causal: 0 right of the diagonal
            for (int j = 0; j < n; j++) c[q][j] = quantized ? rnd.nextInt(64) / 16f : (float) rnd.nextDouble(0, 4);
        }
        return new PlainReference.Prompt(k, v, a, c);
    }

    private static float prob(SplittableRandom rnd, boolean quantized) {
        return quantized ? rnd.nextInt(17) / 16f : (float) rnd.nextDouble();
    }

    static StagingBuffer stage(Arena arena, PlainReference.Prompt p, int maxTokens) {
        int heads = p.k().length, n = p.n(), dim = p.k()[0][0].length;
        StagingBuffer s = StagingBuffer.allocate(arena, heads, maxTokens, dim);
        for (int h = 0; h < heads; h++)
            for (int t = 0; t < n; t++)
                for (int d = 0; d < dim; d++) {
                    s.keys().set(ValueLayout.JAVA_FLOAT, s.offset(h, t) + 4L * d, p.k()[h][t][d]);
                    s.values().set(ValueLayout.JAVA_FLOAT, s.offset(h, t) + 4L * d, p.v()[h][t][d]);
                }
        return s;
    }

    static PrefillScores scores(Arena arena, PlainReference.Prompt p) {
        int qHeads = p.windowProbs().length, rows = p.windowProbs()[0].length, n = p.n();
        MemorySegment a = arena.allocate((long) qHeads * rows * n * 4, 4);
        MemorySegment c = arena.allocate((long) qHeads * n * 4, 4);
        for (int q = 0; q < qHeads; q++) {
            for (int r = 0; r < rows; r++)
                for (int j = 0; j < n; j++) a.setAtIndex(ValueLayout.JAVA_FLOAT, ((long) q * rows + r) * n + j, p.windowProbs()[q][r][j]);
            for (int j = 0; j < n; j++) c.setAtIndex(ValueLayout.JAVA_FLOAT, (long) q * n + j, p.columnSums()[q][j]);
        }
        return new PrefillScores(a, c);
    }

    /** K or V of decode token {@code position} in {@code layer}, head h, dim d: deterministic. */
    static float decodeValue(int layer, int position, int h, int d, boolean isValue) {
        int x = layer * 1_000_003 + position * 7919 + h * 131 + d * 17 + (isValue ? 5 : 0);
        x ^= x >>> 13;
        x *= 0x5bd1e995;
        x ^= x >>> 15;
        return ((x & 0xffff) - 32768) / 32768f;
    }

    /** Decode attention probability of query head q at step `position` for the entry at `entryPosition`. */
    static float decodeProb(int position, int q, int entryPosition, boolean quantized) {
        int x = position * 92821 + q * 6151 + entryPosition * 389;
        x ^= x >>> 16;
        x *= 0x45d9f3b;
        x ^= x >>> 16;
        return quantized ? (x & 15) / 16f : (x & 0xffffff) / (float) 0x1000000;
    }
}
