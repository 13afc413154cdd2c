package dev.pyramidkv.cache;

import java.util.Locale;

/** The eviction policies, by their command-line names. */
public enum PolicyKind {
    /** Keep every token; never evict. The quality ceiling. */
    FULL("full"),
    /** StreamingLLM: the first {@code sinks} tokens plus the most recent ones. */
    STREAMING("streaming"),
    /** H2O: heavy hitters by cumulative attention plus the recent window. */
    H2O("h2o"),
    /** SnapKV: pooled observation-window scores, the same budget in every layer. */
    SNAPKV("snapkv"),
    /** PyramidKV: SnapKV scoring with a pyramidal per-layer budget. */
    PYRAMID("pyramid"),
    /** AdaKV-style head-wise budgets (on the pyramid schedule by default, on SnapKV with a uniform schedule). */
    ADAKV("adakv");

    private final String cliName;

    PolicyKind(String cliName) { this.cliName = cliName; }

    /** The name used on the command line and in reports. */
    public String cliName() { return cliName; }

    /** Parses {@code full|streaming|h2o|snapkv|pyramid|adakv} (case-insensitive). */
    public static PolicyKind parse(String name) {
        if (name != null) {
            String lower = name.trim().toLowerCase(Locale.ROOT);
            for (PolicyKind kind : values()) if (kind.cliName.equals(lower)) return kind;
        }
        throw new IllegalArgumentException("policy: unknown policy '" + name
                + "'; expected one of full|streaming|h2o|snapkv|pyramid|adakv");
    }
}
