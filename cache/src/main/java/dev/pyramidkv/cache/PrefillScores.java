package dev.pyramidkv.cache;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The attention statistics of one layer's prefill that the policies score with. Both are f32, contiguous
 * for the actual prompt length {@code n} (row stride {@code n}), read-only for the cache:
 * <pre>
 * windowProbs: [qHead][rows][n], rows = min(window, n): softmax probabilities of the last rows queries
 *              (query i of the window is prompt position n - rows + i) over all n keys, causal mask applied
 *              (entries right of the diagonal are 0). Needed by snapkv, pyramid, adakv.
 * columnSums:  [qHead][n]: for every key column, the sum over ALL n query rows of the causal attention
 *              probabilities. Needed by h2o only (may be null otherwise).
 * </pre>
 * Either may be null when the policy does not need it ({@link KvCache#needsWindowProbs()},
 * {@link KvCache#needsColumnSums()}). Probabilities must be finite and non-negative.
 */
public record PrefillScores(MemorySegment windowProbs, MemorySegment columnSums) {

    public static PrefillScores none() { return new PrefillScores(null, null); }

    float windowProb(int qHead, int row, int rows, int n, int column) {
        return windowProbs.getAtIndex(ValueLayout.JAVA_FLOAT, ((long) qHead * rows + row) * n + column);
    }

    float columnSum(int qHead, int n, int column) {
        return columnSums.getAtIndex(ValueLayout.JAVA_FLOAT, (long) qHead * n + column);
    }

    void requireWindowProbs(int qHeads, int rows, int n) {
        long need = (long) qHeads * rows * n * Float.BYTES;
        if (windowProbs == null) throw PolicyConfig.bad("scores.windowProbs", null, "this policy scores with the observation window: pass [qHead][" + rows + "][" + n + "] f32");
        if (windowProbs.byteSize() < need) throw PolicyConfig.bad("scores.windowProbs.byteSize", windowProbs.byteSize(), "must be >= " + need + " ([qHead=" + qHeads + "][rows=" + rows + "][n=" + n + "] f32)");
    }

    void requireColumnSums(int qHeads, int n) {
        long need = (long) qHeads * n * Float.BYTES;
        if (columnSums == null) throw PolicyConfig.bad("scores.columnSums", null, "h2o scores with cumulative attention: pass [qHead][" + n + "] f32");
        if (columnSums.byteSize() < need) throw PolicyConfig.bad("scores.columnSums.byteSize", columnSums.byteSize(), "must be >= " + need + " ([qHead=" + qHeads + "][n=" + n + "] f32)");
    }
}
