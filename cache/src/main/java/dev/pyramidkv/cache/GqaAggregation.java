package dev.pyramidkv.cache;

import java.util.Locale;

/**
 * How the scores of the query heads that share one KV head combine into that KV head's score
 * (query head {@code q} belongs to KV head {@code q / (qHeads / kvHeads)}).
 */
public enum GqaAggregation {
    SUM("sum"), MEAN("mean"), MAX("max");

    private final String cliName;

    GqaAggregation(String cliName) { this.cliName = cliName; }

    public String cliName() { return cliName; }

    public static GqaAggregation parse(String name) {
        String lower = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        for (GqaAggregation g : values()) if (g.cliName.equals(lower)) return g;
        throw new IllegalArgumentException("gqa aggregation: unknown value '" + name + "'; expected sum|mean|max");
    }

    /**
     * Folds one query head's row {@code x[0, length)} into {@code acc}; {@code first} says whether this is
     * the group's first head (acc is then overwritten). Query heads are folded in ascending order.
     */
    public void fold(float[] acc, float[] x, int length, boolean first) {
        if (first) {
            System.arraycopy(x, 0, acc, 0, length);
            return;
        }
        if (this == MAX) for (int j = 0; j < length; j++) acc[j] = Math.max(acc[j], x[j]);
        else for (int j = 0; j < length; j++) acc[j] += x[j];
    }

    /** Completes the fold of {@code groupSize} heads (MEAN divides the sum; the others are done). */
    public void finish(float[] acc, int length, int groupSize) {
        if (this == MEAN) for (int j = 0; j < length; j++) acc[j] /= groupSize;
    }
}
