package dev.pyramidkv.cache;

/**
 * Top-k selection that keeps original order: the k highest scores win, ties go to the lower index, and the
 * winners come out as ascending indices. O(count) on average (quickselect for the threshold), no allocation:
 * the caller passes the scratch and output arrays.
 */
final class Selection {
    private Selection() {}

    /**
     * Writes to {@code out} the ascending indices of the {@code k} highest of {@code scores[0, count)}
     * (ties: lower index first). {@code scratch} needs {@code count} entries; scores must not be NaN.
     *
     * @return the number written, {@code max(0, min(k, count))}
     */
    static int keepTop(float[] scores, int count, int k, float[] scratch, int[] out) {
        if (k >= count) {
            for (int i = 0; i < count; i++) out[i] = i;
            return Math.max(count, 0);
        }
        if (k <= 0) return 0;
        System.arraycopy(scores, 0, scratch, 0, count);
        float threshold = orderStatistic(scratch, count, count - k);   // the k-th highest value
        int above = 0;
        for (int i = 0; i < count; i++) if (scores[i] > threshold) above++;
        int tiesLeft = k - above;                                       // how many equal to the threshold fit
        int written = 0;
        for (int i = 0; i < count; i++) {
            float s = scores[i];
            if (s > threshold) out[written++] = i;
            else if (s == threshold && tiesLeft > 0) {
                out[written++] = i;
                tiesLeft--;
            }
        }
        return written;
    }

    /** The {@code m}-th smallest (0-based) of {@code a[0, n)}; reorders {@code a}. Hoare partition, median-of-3 pivot. */
    static float orderStatistic(float[] a, int n, int m) {
        int lo = 0, hi = n - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            float pivot = medianOf3(a[lo], a[mid], a[hi]);
            int i = lo, j = hi;
            while (i <= j) {
                while (a[i] < pivot) i++;
                while (a[j] > pivot) j--;
                if (i <= j) {
                    float t = a[i];
                    a[i] = a[j];
                    a[j] = t;
                    i++;
                    j--;
                }
            }
            // a[lo..j] <= pivot, a[j+1..i-1] == pivot, a[i..hi] >= pivot
            if (m <= j) hi = j;
            else if (m >= i) lo = i;
            else return a[m];
        }
        return a[lo];
    }

    private static float medianOf3(float x, float y, float z) {
        if (x > y) { float t = x; x = y; y = t; }
        if (y > z) y = z;
        return Math.max(x, y);
    }
}
