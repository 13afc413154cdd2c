package dev.pyramidkv.cache;

import java.util.Locale;

/** How a policy's budget is spread over the layers; see {@link BudgetSchedule}. */
public enum ScheduleMode {
    /** No budget: every layer keeps every token (policy {@code full}). */
    FULL("full"),
    /** Every layer holds the budget {@code K} (SnapKV, H2O, StreamingLLM). */
    UNIFORM("uniform"),
    /** PyramidKV exactly as the reference code computes it, integer floors included (total overshoots L·K). */
    PYRAMID_REFERENCE("pyramid-reference"),
    /** PyramidKV's arithmetic series in real numbers, rounded so the total is exactly L·K. */
    PYRAMID_EXACT("pyramid-exact"),
    /** A caller-given slot count per layer. */
    EXPLICIT("explicit");

    private final String cliName;

    ScheduleMode(String cliName) { this.cliName = cliName; }

    public String cliName() { return cliName; }

    /** Parses the CLI names; {@code reference} and {@code exact} are accepted as short forms. */
    public static ScheduleMode parse(String name) {
        String lower = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        switch (lower) {
            case "reference": return PYRAMID_REFERENCE;
            case "exact": return PYRAMID_EXACT;
            default:
                for (ScheduleMode m : values()) if (m.cliName.equals(lower)) return m;
        }
        throw new IllegalArgumentException("schedule: unknown mode '" + name
                + "'; expected full|uniform|pyramid-reference|pyramid-exact|explicit");
    }
}
