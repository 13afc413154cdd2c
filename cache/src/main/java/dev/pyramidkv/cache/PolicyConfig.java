package dev.pyramidkv.cache;

import java.util.Arrays;
import java.util.OptionalInt;

/**
 * Immutable, validated settings of one eviction policy. Build with {@link #builder(PolicyKind)}; every
 * setter has the default listed in {@link Builder}. Invalid values fail in {@link Builder#build()} with an
 * {@link IllegalArgumentException} naming the parameter and its value.
 *
 * <p>Budgets count tokens per layer <em>including</em> the observation window: a layer with budget
 * {@code K} keeps {@code K - window} selected prefix tokens plus the last {@code window} tokens.
 */
public final class PolicyConfig {
    private final PolicyKind kind;
    private final int budget;
    private final int window;
    private final double beta;
    private final int kernel;
    private final Pooling pooling;
    private final GqaAggregation gqa;
    private final ScheduleMode schedule;
    private final int[] layerSlots;      // EXPLICIT only, else empty
    private final int maxKvTokens;       // 0 = no decode cap
    private final int sinks;
    private final double headFloor;
    private final int evictBatch;
    private final KvType kvType;

    private PolicyConfig(Builder b) {
        kind = b.kind;
        budget = b.budget;
        window = b.window;
        beta = b.beta;
        kernel = b.kernel;
        pooling = b.pooling;
        gqa = b.gqa;
        schedule = b.schedule != null ? b.schedule : defaultSchedule(b.kind);
        layerSlots = b.layerSlots.clone();
        maxKvTokens = b.maxKvTokens;
        sinks = b.sinks;
        headFloor = b.headFloor;
        evictBatch = b.evictBatch;
        kvType = b.kvType;
        validate();
    }

    /** The schedule a policy uses when none is set: reference PyramidKV for pyramid and adakv (paper-faithful). */
    public static ScheduleMode defaultSchedule(PolicyKind kind) {
        return switch (kind) {
            case FULL -> ScheduleMode.FULL;
            case STREAMING, H2O, SNAPKV -> ScheduleMode.UNIFORM;
            case PYRAMID, ADAKV -> ScheduleMode.PYRAMID_REFERENCE;
        };
    }

    public static Builder builder(PolicyKind kind) { return new Builder(kind); }

    /** {@code builder(PolicyKind.parse(policyName))}: accepts full|streaming|h2o|snapkv|pyramid|adakv. */
    public static Builder builder(String policyName) { return new Builder(PolicyKind.parse(policyName)); }

    /** Shorthand for the defaults with a policy name and a budget. */
    public static PolicyConfig of(String policyName, int budget) { return builder(policyName).budget(budget).build(); }

    /** A builder holding this configuration, to derive a variant (e.g. another budget for a fork). */
    public Builder toBuilder() {
        Builder b = new Builder(kind).budget(budget).window(window).beta(beta).kernel(kernel).pooling(pooling)
                .gqa(gqa).schedule(schedule).sinks(sinks).headFloor(headFloor).evictBatch(evictBatch)
                .maxKvTokens(maxKvTokens).kvType(kvType);
        b.layerSlots = layerSlots.clone();
        return b;
    }

    private void validate() {
        if (window <= 0) throw bad("window", window, "must be > 0");
        if (!(beta > 0) || Double.isInfinite(beta)) throw bad("beta", beta, "must be a finite number > 0");
        if (kernel <= 0 || kernel % 2 == 0) throw bad("kernel", kernel, "must be odd and > 0");
        if (sinks < 0) throw bad("sinks", sinks, "must be >= 0");
        if (!(headFloor >= 0 && headFloor <= 1)) throw bad("headFloor", headFloor, "must be in [0, 1]");
        if (evictBatch < 0) throw bad("evictBatch", evictBatch, "must be >= 0 (0 = automatic)");
        if (maxKvTokens < 0) throw bad("maxKvTokens", maxKvTokens, "must be > 0 when set");
        if (kind == PolicyKind.FULL) {
            if (schedule != ScheduleMode.FULL) throw bad("schedule", schedule.cliName(), "policy full keeps every token; only schedule full applies");
            if (maxKvTokens > 0) throw bad("maxKvTokens", maxKvTokens, "policy full never evicts, so it cannot honour a decode cap; use streaming, h2o, snapkv, pyramid or adakv");
            return;
        }
        if (schedule == ScheduleMode.FULL) throw bad("schedule", "full", "only policy full uses schedule full");
        if (schedule == ScheduleMode.EXPLICIT) {
            if (layerSlots.length == 0) throw bad("layerSlots", "[]", "schedule explicit needs one slot count per layer");
            for (int l = 0; l < layerSlots.length; l++)
                if (layerSlots[l] <= window) throw bad("layerSlots[" + l + "]", layerSlots[l], "must be > window (" + window + ")");
        } else {
            if (layerSlots.length != 0) throw bad("layerSlots", Arrays.toString(layerSlots), "only schedule explicit takes a per-layer list");
            if (budget <= window) throw bad("budget", budget, "must be > window (" + window + "): a layer keeps budget - window selected tokens plus the window");
        }
        int floorTokens = Math.max(window, kind == PolicyKind.STREAMING ? sinks : 0);
        if (kind == PolicyKind.STREAMING && schedule != ScheduleMode.EXPLICIT && budget <= sinks)
            throw bad("budget", budget, "must be > sinks (" + sinks + ") for streaming");
        if (maxKvTokens > 0 && maxKvTokens <= floorTokens)
            throw bad("maxKvTokens", maxKvTokens, "must be > " + floorTokens + " (the tokens a full region always protects)");
    }

    /**
     * Checks the settings against a model's context length: the budget (or any explicit layer's slots, or
     * the decode cap) must not exceed it.
     */
    public void checkContext(int contextLength) {
        if (contextLength <= 0) throw bad("contextLength", contextLength, "must be > 0");
        if (kind == PolicyKind.FULL) return;
        if (schedule == ScheduleMode.EXPLICIT) {
            for (int l = 0; l < layerSlots.length; l++)
                if (layerSlots[l] > contextLength) throw bad("layerSlots[" + l + "]", layerSlots[l], "exceeds the context length " + contextLength);
        } else if (budget > contextLength) {
            throw bad("budget", budget, "exceeds the context length " + contextLength);
        }
        if (maxKvTokens > contextLength) throw bad("maxKvTokens", maxKvTokens, "exceeds the context length " + contextLength);
    }

    static IllegalArgumentException bad(String parameter, Object value, String expectation) {
        return new IllegalArgumentException(parameter + "=" + value + ": " + expectation);
    }

    public PolicyKind kind() { return kind; }
    /** Average tokens per layer, including the window (ignored by full and by explicit schedules). */
    public int budget() { return budget; }
    public int window() { return window; }
    public double beta() { return beta; }
    public int kernel() { return kernel; }
    public Pooling pooling() { return pooling; }
    public GqaAggregation gqa() { return gqa; }
    public ScheduleMode schedule() { return schedule; }
    /** The explicit per-layer slots (a copy), empty unless the schedule is explicit. */
    public int[] layerSlots() { return layerSlots.clone(); }
    /** The decode-time cap, in average tokens per layer, if set. */
    public OptionalInt maxKvTokens() { return maxKvTokens > 0 ? OptionalInt.of(maxKvTokens) : OptionalInt.empty(); }
    public int sinks() { return sinks; }
    /** AdaKV: every KV head keeps at least {@code floor(headFloor * perHeadBudget)} selected tokens. */
    public double headFloor() { return headFloor; }
    /**
     * Decode: entries one eviction frees in a full head; 0 (the default) = automatic, {@code max(1, capacity/64)}
     * per layer (see {@link #AUTO_EVICT_DIVISOR}); 1 = evict exactly one per step, as the papers' decode does.
     */
    public int evictBatch() { return evictBatch; }

    /** How the regions store K and V rows; default f32. */
    public KvType kvType() { return kvType; }

    /**
     * Automatic eviction frees {@code max(1, capacity / AUTO_EVICT_DIVISOR)} entries at once: an in-place
     * region moves up to all its entries per eviction, so freeing one per token costs a full-region move per
     * token (CompactionBench.decodeStep: 4096 slots x 8 heads x 128 dims, streaming 4.3 ms/token with 1,
     * 0.14 ms with 32), while freeing 1/64 of the slots keeps at least 98% of the cap in use.
     */
    public static final int AUTO_EVICT_DIVISOR = 64;

    /** The entries one eviction frees in a head of {@code capacity} slots. */
    public int evictBatchFor(int capacity) {
        return evictBatch > 0 ? evictBatch : Math.max(1, capacity / AUTO_EVICT_DIVISOR);
    }

    /** A short label for reports, e.g. {@code pyramid-128}, {@code full} or, with a quantized cache, {@code pyramid-128-q8_0}. */
    public String label() {
        String type = kvType == KvType.F32 ? "" : "-" + kvType.cliName();
        if (kind == PolicyKind.FULL) return "full" + type;
        if (schedule == ScheduleMode.EXPLICIT) return kind.cliName() + "-explicit" + type;
        return kind.cliName() + "-" + budget + type;
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder(kind.cliName()).append('(');
        if (kind != PolicyKind.FULL) {
            s.append("budget=").append(budget).append(", window=").append(window).append(", schedule=").append(schedule.cliName());
            if (schedule == ScheduleMode.EXPLICIT) s.append(", layerSlots=").append(Arrays.toString(layerSlots));
            if (schedule == ScheduleMode.PYRAMID_REFERENCE || schedule == ScheduleMode.PYRAMID_EXACT) s.append(", beta=").append(beta);
            s.append(", kernel=").append(kernel).append(", pooling=").append(pooling.cliName()).append(", gqa=").append(gqa.cliName());
            if (kind == PolicyKind.STREAMING) s.append(", sinks=").append(sinks);
            if (kind == PolicyKind.ADAKV) s.append(", headFloor=").append(headFloor);
            if (maxKvTokens > 0) s.append(", maxKvTokens=").append(maxKvTokens);
            s.append(", evictBatch=").append(evictBatch == 0 ? "auto" : Integer.toString(evictBatch));
        }
        if (kvType != KvType.F32) s.append(kind != PolicyKind.FULL ? ", " : "").append("kvType=").append(kvType.cliName());
        return s.append(')').toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PolicyConfig c && kind == c.kind && budget == c.budget && window == c.window
                && Double.compare(beta, c.beta) == 0 && kernel == c.kernel && pooling == c.pooling && gqa == c.gqa
                && schedule == c.schedule && Arrays.equals(layerSlots, c.layerSlots) && maxKvTokens == c.maxKvTokens
                && sinks == c.sinks && Double.compare(headFloor, c.headFloor) == 0 && evictBatch == c.evictBatch && kvType == c.kvType;
    }

    @Override
    public int hashCode() { return toString().hashCode(); }

    /** Mutable builder; {@link #build()} validates. */
    public static final class Builder {
        private final PolicyKind kind;
        private int budget = 0;
        private int window = 8;
        private double beta = 20;
        private int kernel = 7;
        private Pooling pooling = Pooling.MAX;
        private GqaAggregation gqa = GqaAggregation.SUM;
        private ScheduleMode schedule = null;   // null = defaultSchedule(kind)
        private int[] layerSlots = new int[0];
        private int maxKvTokens = 0;
        private int sinks = 4;
        private double headFloor = 0.2;
        private int evictBatch = 0;
        private KvType kvType = KvType.F32;

        private Builder(PolicyKind kind) {
            if (kind == null) throw new IllegalArgumentException("policy: must not be null");
            this.kind = kind;
        }

        /** Average tokens per layer including the window; required (> window) except for full and explicit. */
        public Builder budget(int tokens) { budget = tokens; return this; }
        /** Observation window {@code w}, always kept; default 8. */
        public Builder window(int tokens) { window = tokens; return this; }
        /** PyramidKV's β (min budget = B/β); default 20. */
        public Builder beta(double value) { beta = value; return this; }
        /** Pooling kernel, odd; default 7 (padding kernel/2). */
        public Builder kernel(int size) { kernel = size; return this; }
        /** Default max. */
        public Builder pooling(Pooling value) { pooling = value; return this; }
        /** Default sum. */
        public Builder gqa(GqaAggregation value) { gqa = value; return this; }
        /** Default: {@link PolicyConfig#defaultSchedule(PolicyKind)}. */
        public Builder schedule(ScheduleMode mode) { schedule = mode; return this; }
        /** Explicit per-layer slots (each including the window); sets the schedule to explicit. */
        public Builder layerSlots(int... slots) {
            layerSlots = slots == null ? new int[0] : slots.clone();
            schedule = ScheduleMode.EXPLICIT;
            return this;
        }
        /** Decode-time cap in average tokens per layer, split across layers by the schedule; 0 = none (default). */
        public Builder maxKvTokens(int tokens) { maxKvTokens = tokens; return this; }
        /** StreamingLLM attention sinks; default 4. */
        public Builder sinks(int tokens) { sinks = tokens; return this; }
        /** AdaKV per-head floor as a fraction of the per-head budget; default 0.2 (AdaKV's floor_alpha). */
        public Builder headFloor(double fraction) { headFloor = fraction; return this; }
        /** Entries freed per decode eviction in a full head; default 0 = automatic ({@code max(1, capacity/64)}). */
        public Builder evictBatch(int tokens) { evictBatch = tokens; return this; }

        /** How regions store K and V; default f32. */
        public Builder kvType(KvType type) { kvType = type; return this; }

        public PolicyConfig build() {
            if (pooling == null) throw bad("pooling", null, "must not be null");
            if (kvType == null) throw bad("kvType", null, "must not be null");
            if (gqa == null) throw bad("gqa", null, "must not be null");
            return new PolicyConfig(this);
        }
    }
}
