package dev.pyramidkv.cache;

import java.util.Arrays;
import java.util.function.IntBinaryOperator;

/**
 * How many tokens ("slots", the window included) each layer keeps after prefill compression, as a function
 * of the prompt length {@code n}, and how large each layer's region must be.
 *
 * <p>Rules (K = budget, w = window, B = K - w, L = layers):
 * <ul>
 *   <li>full: every layer keeps all n.</li>
 *   <li>uniform: n &lt; K keeps n; otherwise K.</li>
 *   <li>pyramid (both modes): n &lt; K keeps n; K &le; n &lt; 2B keeps B + w in every layer; otherwise
 *       {@code min = B/β, max = 2B - min; if max >= n - w: max = n - w, min = 2B - max;}
 *       layer l keeps {@code keep_l + w} with {@code keep_l = max - l * (max - min)/(L - 1)}.
 *       Reference mode floors {@code min} and the step exactly as the reference code (so its total
 *       overshoots L·K); exact mode uses real numbers and rounds by largest remainder (ties to the lower
 *       layer) so the long-prompt total is exactly L·K and the slots still fall with depth.
 *       With L = 1 both modes keep B + w.</li>
 *   <li>explicit: layer l keeps min(slots_l, n).</li>
 * </ul>
 * Reference mode is the default for pyramid policies: it is what published PyramidKV numbers were measured
 * with. Exact mode is for memory-budget comparisons where the total must equal L·K.
 */
public final class BudgetSchedule {
    /** Pass as the prompt length to get the schedule of an arbitrarily long prompt (no clamping). */
    public static final int LONG_PROMPT = Integer.MAX_VALUE;

    private final ScheduleMode mode;
    private final int layers;
    private final int budget;       // K; 0 for full and explicit
    private final int window;
    private final double beta;
    private final int[] explicitSlots;

    private BudgetSchedule(ScheduleMode mode, int layers, int budget, int window, double beta, int[] explicitSlots) {
        if (layers <= 0) throw PolicyConfig.bad("layers", layers, "must be > 0");
        this.mode = mode;
        this.layers = layers;
        this.budget = budget;
        this.window = window;
        this.beta = beta;
        this.explicitSlots = explicitSlots;
    }

    public static BudgetSchedule full(int layers) {
        return new BudgetSchedule(ScheduleMode.FULL, layers, 0, 0, 0, null);
    }

    public static BudgetSchedule uniform(int layers, int budget, int window) {
        checkBudget(budget, window);
        return new BudgetSchedule(ScheduleMode.UNIFORM, layers, budget, window, 0, null);
    }

    public static BudgetSchedule pyramidReference(int layers, int budget, int window, double beta) {
        checkBudget(budget, window);
        checkBeta(beta);
        return new BudgetSchedule(ScheduleMode.PYRAMID_REFERENCE, layers, budget, window, beta, null);
    }

    public static BudgetSchedule pyramidExact(int layers, int budget, int window, double beta) {
        checkBudget(budget, window);
        checkBeta(beta);
        return new BudgetSchedule(ScheduleMode.PYRAMID_EXACT, layers, budget, window, beta, null);
    }

    /** One slot count per layer, each including the window and &gt; window. */
    public static BudgetSchedule explicit(int window, int... slotsPerLayer) {
        if (window <= 0) throw PolicyConfig.bad("window", window, "must be > 0");
        if (slotsPerLayer == null || slotsPerLayer.length == 0) throw PolicyConfig.bad("layerSlots", "[]", "needs one entry per layer");
        for (int l = 0; l < slotsPerLayer.length; l++)
            if (slotsPerLayer[l] <= window) throw PolicyConfig.bad("layerSlots[" + l + "]", slotsPerLayer[l], "must be > window (" + window + ")");
        return new BudgetSchedule(ScheduleMode.EXPLICIT, slotsPerLayer.length, 0, window, 0, slotsPerLayer.clone());
    }

    /** The schedule a configuration describes for a model with {@code layers} layers. */
    public static BudgetSchedule forConfig(PolicyConfig config, int layers) {
        return switch (config.schedule()) {
            case FULL -> full(layers);
            case UNIFORM -> uniform(layers, config.budget(), config.window());
            case PYRAMID_REFERENCE -> pyramidReference(layers, config.budget(), config.window(), config.beta());
            case PYRAMID_EXACT -> pyramidExact(layers, config.budget(), config.window(), config.beta());
            case EXPLICIT -> {
                int[] slots = config.layerSlots();
                if (slots.length != layers) throw PolicyConfig.bad("layerSlots.length", slots.length, "must equal the model's layer count " + layers);
                yield explicit(config.window(), slots);
            }
        };
    }

    private static void checkBudget(int budget, int window) {
        if (window <= 0) throw PolicyConfig.bad("window", window, "must be > 0");
        if (budget <= window) throw PolicyConfig.bad("budget", budget, "must be > window (" + window + ")");
    }

    private static void checkBeta(double beta) {
        if (!(beta > 0) || Double.isInfinite(beta)) throw PolicyConfig.bad("beta", beta, "must be a finite number > 0");
    }

    public ScheduleMode mode() { return mode; }
    public int layers() { return layers; }
    public int budget() { return budget; }
    public int window() { return window; }

    /** The same schedule shape with another budget (explicit lists are rescaled to average {@code newBudget}). */
    public BudgetSchedule withBudget(int newBudget) {
        return switch (mode) {
            case FULL -> this;
            case UNIFORM -> uniform(layers, newBudget, window);
            case PYRAMID_REFERENCE -> pyramidReference(layers, newBudget, window, beta);
            case PYRAMID_EXACT -> pyramidExact(layers, newBudget, window, beta);
            case EXPLICIT -> {
                double[] weights = new double[layers];
                for (int l = 0; l < layers; l++) weights[l] = explicitSlots[l];
                yield explicit(window, apportion(weights, (long) newBudget * layers));
            }
        };
    }

    /** Slots (window included) that layer {@code layer} keeps after compressing an {@code n}-token prompt. */
    public int slots(int layer, int promptLength) {
        if (layer < 0 || layer >= layers) throw PolicyConfig.bad("layer", layer, "must be in [0, " + layers + ")");
        return slotsPerLayer(promptLength)[layer];
    }

    /** Slots of every layer for an {@code n}-token prompt ({@link #LONG_PROMPT} for an unclamped long prompt). */
    public int[] slotsPerLayer(int promptLength) {
        int n = promptLength;
        if (n < 0) throw PolicyConfig.bad("promptLength", n, "must be >= 0");
        int[] out = new int[layers];
        switch (mode) {
            case FULL -> Arrays.fill(out, n);
            case UNIFORM -> Arrays.fill(out, Math.min(n, budget));
            case EXPLICIT -> { for (int l = 0; l < layers; l++) out[l] = Math.min(n, explicitSlots[l]); }
            case PYRAMID_REFERENCE, PYRAMID_EXACT -> {
                int b = budget - window;
                if (n < budget) Arrays.fill(out, n);
                else if (n < 2 * b || layers == 1) Arrays.fill(out, b + window);
                else {
                    int[] keep = mode == ScheduleMode.PYRAMID_REFERENCE ? referenceKeep(b, n) : exactKeep(b, n);
                    for (int l = 0; l < layers; l++) out[l] = keep[l] + window;
                }
            }
        }
        return out;
    }

    /** The reference code's integer arithmetic (Python {@code //} is a floor division). */
    private int[] referenceKeep(int b, int n) {
        int min = (int) Math.floor(b / beta);
        int max = 2 * b - min;
        if (max >= n - window) {
            max = n - window;
            min = 2 * b - max;
        }
        int steps = Math.floorDiv(max - min, layers - 1);
        int[] keep = new int[layers];
        for (int l = 0; l < layers; l++) keep[l] = clamp(max - l * steps, 0, n - window);
        return keep;
    }

    /** The real-valued series (sum L·B) rounded by largest remainder to integers summing to exactly L·B. */
    private int[] exactKeep(int b, int n) {
        double min = b / beta;
        double max = 2.0 * b - min;
        if (max >= (double) n - window) {
            max = (double) n - window;
            min = 2.0 * b - max;
        }
        double step = (max - min) / (layers - 1);
        double[] real = new double[layers];
        for (int l = 0; l < layers; l++) real[l] = Math.max(0, Math.min(n - (double) window, max - l * step));
        return apportion(real, (long) layers * b);
    }

    /**
     * Rounds non-negative reals to integers with exactly the given total: floors first, then one more to the
     * largest fractional parts (ties to the lower index). A non-increasing input stays non-increasing.
     */
    static int[] apportion(double[] real, long total) {
        double sum = 0;
        for (double r : real) sum += r;
        double scale = sum == 0 ? 0 : total / sum;      // 1 when the reals already sum to total
        int[] out = new int[real.length];
        double[] frac = new double[real.length];
        long floors = 0;
        for (int i = 0; i < real.length; i++) {
            double v = real[i] * scale;
            long f = (long) Math.floor(v + 1e-9);        // absorb rounding just below an integer
            out[i] = (int) f;
            frac[i] = v - f;
            floors += f;
        }
        long remainder = total - floors;
        if (remainder < 0 || remainder > real.length)
            throw new IllegalStateException("apportion: remainder " + remainder + " out of range for " + real.length + " entries");
        boolean[] taken = new boolean[real.length];
        for (long r = 0; r < remainder; r++) {
            int best = -1;
            for (int i = 0; i < real.length; i++) if (!taken[i] && (best < 0 || frac[i] > frac[best])) best = i;
            taken[best] = true;
            out[best]++;
        }
        return out;
    }

    /** Sum of {@link #slotsPerLayer(int)}. */
    public long totalSlots(int promptLength) {
        long total = 0;
        for (int s : slotsPerLayer(promptLength)) total += s;
        return total;
    }

    /**
     * Per-layer region capacity (slots per KV head) that fits the compressed prefill of <em>every</em> prompt
     * length {@code 1..contextLength} plus {@code decodeHeadroom} decode tokens. This is a maximum over n, not
     * the long-prompt schedule: a prompt just above the budget keeps B + w in every layer, more than the deep
     * layers of a long prompt, and the clamp near 2B also lifts the deep layers.
     */
    public int[] capacities(int contextLength, int decodeHeadroom) {
        return capacities(contextLength, decodeHeadroom, (slots, n) -> slots, 1);
    }

    /**
     * As {@link #capacities(int, int)} with a per-head size derived from each layer's slots: {@code headSlots}
     * maps (slots of the layer, prompt length) to the slots one KV head may need (AdaKV heads can exceed the
     * layer's average). {@code headSlots} may keep growing with n until {@code n = headsSharing * slots + w}
     * (one head taking its layer's {@code headsSharing} shares), so prompts are checked up to there.
     */
    int[] capacities(int contextLength, int decodeHeadroom, IntBinaryOperator headSlots, int headsSharing) {
        if (contextLength <= 0) throw PolicyConfig.bad("contextLength", contextLength, "must be > 0");
        if (decodeHeadroom < 0) throw PolicyConfig.bad("decodeHeadroom", decodeHeadroom, "must be >= 0");
        int[] cap = new int[layers];
        // slots(n) no longer depends on n once n >= saturation (full: never; uniform: K; pyramid: n > max + w with max <= 2B)
        int saturation = switch (mode) {
            case FULL -> contextLength;
            case UNIFORM -> budget;
            case EXPLICIT -> Arrays.stream(explicitSlots).max().orElseThrow();
            default -> 2 * budget;
        };
        int first = mode == ScheduleMode.FULL ? contextLength : 1;   // full: slots(n) = n grows with n
        int last = (int) Math.min(contextLength, (long) saturation * headsSharing + window);
        for (int n = first; n <= last; n++) {
            int[] s = slotsPerLayer(n);
            for (int l = 0; l < layers; l++) cap[l] = Math.max(cap[l], headSlots.applyAsInt(s[l], n));
        }
        for (int l = 0; l < layers; l++) cap[l] = Math.addExact(cap[l], decodeHeadroom);
        return cap;
    }

    /** Capacity per layer for exactly one prompt length (the smallest regions that hold its prefill). */
    public int[] capacitiesForPrompt(int promptLength, int decodeHeadroom) {
        return capacitiesForPrompt(promptLength, decodeHeadroom, (slots, n) -> slots);
    }

    int[] capacitiesForPrompt(int promptLength, int decodeHeadroom, IntBinaryOperator headSlots) {
        if (promptLength <= 0) throw PolicyConfig.bad("promptLength", promptLength, "must be > 0");
        if (decodeHeadroom < 0) throw PolicyConfig.bad("decodeHeadroom", decodeHeadroom, "must be >= 0");
        int[] cap = slotsPerLayer(promptLength);
        for (int l = 0; l < layers; l++) cap[l] = Math.addExact(headSlots.applyAsInt(cap[l], promptLength), decodeHeadroom);
        return cap;
    }

    /**
     * Per-layer hard caps for a decode-time bound of {@code maxKvTokens} average tokens per layer, split by
     * this schedule's long-prompt shape (uniform: every layer maxKvTokens; pyramid: the pyramid for budget
     * maxKvTokens, so reference mode overshoots L·maxKvTokens by its floors as it does for budgets; explicit:
     * the list rescaled to average maxKvTokens).
     */
    public int[] decodeCaps(int maxKvTokens) {
        if (mode == ScheduleMode.FULL) throw PolicyConfig.bad("maxKvTokens", maxKvTokens, "schedule full has no decode cap");
        if (maxKvTokens <= window) throw PolicyConfig.bad("maxKvTokens", maxKvTokens, "must be > window (" + window + ")");
        int[] caps = withBudget(maxKvTokens).slotsPerLayer(LONG_PROMPT);
        for (int l = 0; l < layers; l++)
            if (caps[l] <= window) throw PolicyConfig.bad("maxKvTokens", maxKvTokens, "gives layer " + l + " only " + caps[l] + " slots, not more than the window " + window);
        return caps;
    }

    /** {@code {"layers": [{"layer": 0, "slots": ...}, ...], "total": ...}} plus the schedule's parameters. */
    public String toJson(int promptLength) {
        int[] s = slotsPerLayer(promptLength);
        StringBuilder j = new StringBuilder(64 + 32 * layers);
        j.append("{\"mode\": \"").append(mode.cliName()).append('"');
        if (mode != ScheduleMode.FULL) j.append(", \"window\": ").append(window);
        if (mode != ScheduleMode.FULL && mode != ScheduleMode.EXPLICIT) j.append(", \"budget\": ").append(budget);
        if (mode == ScheduleMode.PYRAMID_REFERENCE || mode == ScheduleMode.PYRAMID_EXACT) j.append(", \"beta\": ").append(formatNumber(beta));
        j.append(", \"prompt_tokens\": ").append(promptLength == LONG_PROMPT ? "null" : Integer.toString(promptLength));
        j.append(", \"layers\": [");
        long total = 0;
        for (int l = 0; l < layers; l++) {
            if (l > 0) j.append(", ");
            j.append("{\"layer\": ").append(l).append(", \"slots\": ").append(s[l]).append('}');
            total += s[l];
        }
        return j.append("], \"total\": ").append(total).append('}').toString();
    }

    /** A plain-text table: one {@code layer slots} line per layer and a total line. */
    public String toText(int promptLength) {
        int[] s = slotsPerLayer(promptLength);
        StringBuilder t = new StringBuilder();
        t.append(describe()).append(", prompt ").append(promptLength == LONG_PROMPT ? "long" : promptLength + " tokens").append('\n');
        t.append("layer  slots\n");
        long total = 0;
        for (int l = 0; l < layers; l++) {
            t.append(String.format("%5d  %5d%n", l, s[l]));
            total += s[l];
        }
        return t.append(String.format("total  %d%n", total)).toString();
    }

    /** e.g. {@code pyramid-reference budget=128 window=8 beta=20 layers=32}. */
    public String describe() {
        return switch (mode) {
            case FULL -> "full layers=" + layers;
            case UNIFORM -> "uniform budget=" + budget + " window=" + window + " layers=" + layers;
            case EXPLICIT -> "explicit window=" + window + " slots=" + Arrays.toString(explicitSlots);
            default -> mode.cliName() + " budget=" + budget + " window=" + window + " beta=" + formatNumber(beta) + " layers=" + layers;
        };
    }

    private static String formatNumber(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }

    private static int clamp(int v, int lo, int hi) { return Math.max(lo, Math.min(hi, v)); }

    @Override
    public String toString() { return describe(); }
}
