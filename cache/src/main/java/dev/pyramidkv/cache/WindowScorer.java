package dev.pyramidkv.cache;

/**
 * Prefill token scores per KV head, as SnapKV and PyramidKV compute them, and H2O's cumulative scores.
 *
 * <p>Window scores (SnapKV/PyramidKV/AdaKV), for every query head q and prefix column j in [0, n - w):
 * {@code s_q[j] = sum over the window rows r of A[q][r][j]} (rows in ascending order), then
 * {@code p_q = pool(s_q)} (kernel k, padding k/2), then the KV head's score is the GQA fold
 * (sum/mean/max, query heads ascending) of the {@code p_q} of its group.
 *
 * <p>H2O scores: {@code c_q[j] = columnSums[q][j]} (no pooling, as the reference H2O), folded the same way.
 */
final class WindowScorer {
    private WindowScorer() {}

    /** Fills {@code out[h][0, prefix)} for every KV head with pooled, GQA-folded window scores. */
    static void windowScores(PrefillScores scores, KvShape shape, int n, int rows, int prefix,
                             Pooling pooling, int kernel, GqaAggregation gqa, float[][] out) {
        float[] rowSum = new float[prefix];
        float[] pooled = new float[prefix];
        int group = shape.group();
        for (int h = 0; h < shape.kvHeads(); h++) {
            for (int g = 0; g < group; g++) {
                int q = h * group + g;
                java.util.Arrays.fill(rowSum, 0f);
                for (int r = 0; r < rows; r++)
                    for (int j = 0; j < prefix; j++) rowSum[j] += checked(scores.windowProb(q, r, rows, n, j), "windowProbs", q, r, j);
                pooling.apply(rowSum, prefix, kernel, pooled);
                gqa.fold(out[h], pooled, prefix, g == 0);
            }
            gqa.finish(out[h], prefix, group);
        }
    }

    /** Fills {@code out[h][0, columns)} with GQA-folded column sums (cumulative attention). */
    static void columnScores(PrefillScores scores, KvShape shape, int n, int columns, GqaAggregation gqa, float[][] out) {
        float[] row = new float[columns];
        int group = shape.group();
        for (int h = 0; h < shape.kvHeads(); h++) {
            for (int g = 0; g < group; g++) {
                int q = h * group + g;
                for (int j = 0; j < columns; j++) row[j] = checked(scores.columnSum(q, n, j), "columnSums", q, -1, j);
                gqa.fold(out[h], row, columns, g == 0);
            }
            gqa.finish(out[h], columns, group);
        }
    }

    static float checked(float x, String what, int q, int row, int column) {
        if (!(x >= 0) || x == Float.POSITIVE_INFINITY)
            throw new IllegalArgumentException("scores." + what + "[qHead=" + q + (row >= 0 ? "][row=" + row : "") + "][" + column + "]=" + x + ": probabilities must be finite and >= 0");
        return x;
    }
}
