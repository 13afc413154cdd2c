package dev.pyramidkv.cache;

import java.util.Locale;

/**
 * 1-D pooling of a score row with stride 1, odd kernel {@code k} and padding {@code k/2}, so the output has
 * the input's length. Edges behave as PyTorch's {@code max_pool1d} (padding is -inf, i.e. ignored) and
 * {@code avg_pool1d} with its default {@code count_include_pad=True} (padding counts as zeros: the sum of
 * the valid part is divided by {@code k}).
 */
public enum Pooling {
    MAX("max"), AVG("avg");

    private final String cliName;

    Pooling(String cliName) { this.cliName = cliName; }

    public String cliName() { return cliName; }

    /** Parses {@code max|avg} (also {@code maxpool|avgpool}, the reference's spelling). */
    public static Pooling parse(String name) {
        String lower = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        return switch (lower) {
            case "max", "maxpool" -> MAX;
            case "avg", "avgpool" -> AVG;
            default -> throw new IllegalArgumentException("pooling: unknown pooling '" + name + "'; expected max|avg");
        };
    }

    /**
     * Pools {@code in[0, length)} into {@code out[0, length)}; {@code in} and {@code out} must differ.
     * Each output is a direct loop over its window (kernel is small), summed in ascending order.
     */
    public void apply(float[] in, int length, int kernel, float[] out) {
        int half = kernel / 2;
        for (int j = 0; j < length; j++) {
            int from = Math.max(0, j - half), to = Math.min(length - 1, j + half);
            if (this == MAX) {
                float m = in[from];
                for (int i = from + 1; i <= to; i++) if (in[i] > m) m = in[i];
                out[j] = m;
            } else {
                float s = 0f;
                for (int i = from; i <= to; i++) s += in[i];
                out[j] = s / kernel;
            }
        }
    }
}
