package dev.pyramidkv.engine.eval;

/**
 * The 95% Wilson score interval of an accuracy over {@code n} cells: honest at a handful of samples and near 0%
 * or 100%, where the textbook p ± 1.96·√(p(1−p)/n) runs outside [0, 1] or shrinks to nothing. Scores in [0, 1]
 * that are not all 0 or 1 (a multi-value task half right) count as that fraction of a success.
 */
public record Wilson(double low, double high) {
    private static final double Z = 1.959963984540054;   // the normal distribution's 97.5% quantile

    public static Wilson of(double accuracy, int n) {
        if (n <= 0) return new Wilson(Double.NaN, Double.NaN);
        double z2 = Z * Z;
        double centre = (accuracy + z2 / (2 * n)) / (1 + z2 / n);
        double half = Z / (1 + z2 / n) * Math.sqrt(accuracy * (1 - accuracy) / n + z2 / (4.0 * n * n));
        return new Wilson(Math.max(0, centre - half), Math.min(1, centre + half));
    }
}
