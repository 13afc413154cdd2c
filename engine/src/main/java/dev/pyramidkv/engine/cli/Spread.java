package dev.pyramidkv.engine.cli;

import java.util.Arrays;

/** The median and the range of repeated measurements: a best-of-N figure hides how far runs drift apart. */
public record Spread(double median, double min, double max) {

    public static Spread of(double[] values) {
        if (values.length == 0) throw new IllegalArgumentException("no values");
        double[] v = values.clone();
        Arrays.sort(v);
        int n = v.length;
        double median = n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
        return new Spread(median, v[0], v[n - 1]);
    }

    /** The nearest-rank {@code p}-th percentile (0 < p ≤ 100): the smallest value with p% of the values at or below it. */
    public static long percentile(long[] values, double p) {
        if (values.length == 0) throw new IllegalArgumentException("no values");
        long[] v = values.clone();
        Arrays.sort(v);
        int rank = (int) Math.ceil(p / 100 * v.length);
        return v[Math.clamp(rank - 1, 0, v.length - 1)];
    }
}
