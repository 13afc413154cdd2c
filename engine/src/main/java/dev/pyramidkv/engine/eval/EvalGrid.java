package dev.pyramidkv.engine.eval;

import dev.pyramidkv.cache.KvType;
import dev.pyramidkv.cache.PolicyConfig;
import dev.pyramidkv.cache.PolicyKind;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * What an evaluation runs: every task at every context length, needle depth (for tasks that use one) and
 * sample, each prompt answered with every KV configuration in {@code policies} (policy × budget, and full).
 *
 * @param contextLengths prompt lengths in tokens (each prompt fills its length as closely as the text allows)
 * @param depths         needle depths in percent of the haystack, for tasks with {@link TaskKind#usesDepth()}
 * @param seed           the seed every prompt is generated from
 */
public record EvalGrid(List<TaskKind> tasks, List<Integer> contextLengths, List<Integer> depths, List<PolicyConfig> policies,
                       int samples, long seed) {

    public EvalGrid {
        tasks = List.copyOf(tasks);
        contextLengths = List.copyOf(contextLengths);
        depths = List.copyOf(depths);
        policies = List.copyOf(policies);
        if (tasks.isEmpty()) throw new IllegalArgumentException("tasks: at least one task is needed");
        if (contextLengths.isEmpty()) throw new IllegalArgumentException("contextLengths: at least one length is needed");
        for (int n : contextLengths) if (n < 16) throw new IllegalArgumentException("contextLengths: " + n + " is too short (at least 16 tokens)");
        if (depths.isEmpty() && tasks.stream().anyMatch(TaskKind::usesDepth)) throw new IllegalArgumentException("depths: needle tasks need at least one depth");
        for (int d : depths) if (d < 0 || d > 100) throw new IllegalArgumentException("depths: " + d + " is outside [0, 100] percent");
        if (policies.isEmpty()) throw new IllegalArgumentException("policies: at least one KV configuration is needed");
        if (new HashSet<>(policies).size() != policies.size()) throw new IllegalArgumentException("policies: a configuration is listed twice");
        for (PolicyConfig p : policies) {
            if (p.window() != policies.getFirst().window()) {
                throw new IllegalArgumentException("policies: all configurations must share one observation window (they are forked from one prefill); "
                        + p.label() + " has " + p.window() + ", " + policies.getFirst().label() + " " + policies.getFirst().window());
            }
        }
        if (samples < 1) throw new IllegalArgumentException("samples: must be >= 1, got " + samples);
    }

    /**
     * Every prompt, in run order: by sample, then context length, task and depth, so a cut-short run has
     * whole samples of the short lengths first.
     */
    public List<PromptSpec> prompts() {
        List<PromptSpec> out = new ArrayList<>();
        List<Integer> lengths = contextLengths.stream().sorted().distinct().toList();
        for (int s = 0; s < samples; s++) {
            for (int n : lengths) {
                for (TaskKind t : tasks) {
                    if (!t.usesDepth()) {
                        out.add(new PromptSpec(t, n, PromptSpec.NO_DEPTH, s));
                        continue;
                    }
                    for (int d : depths.stream().sorted().distinct().toList()) out.add(new PromptSpec(t, n, d, s));
                }
            }
        }
        return out;
    }

    public int maxAnswerTokens() { return tasks.stream().mapToInt(TaskKind::maxAnswerTokens).max().orElseThrow(); }

    public int window() { return policies.getFirst().window(); }

    /**
     * The configurations of {@code kinds} × {@code budgets} ({@code full} once, without a budget), each built
     * from {@code builder} (which carries shared settings such as the window) with the budget set.
     */
    public static List<PolicyConfig> policies(List<PolicyKind> kinds, List<Integer> budgets, Function<PolicyKind, PolicyConfig.Builder> builder) {
        List<PolicyConfig> out = new ArrayList<>();
        for (PolicyKind k : kinds) {
            if (k == PolicyKind.FULL) {
                PolicyConfig full = builder.apply(k).build();
                if (!out.contains(full)) out.add(full);
                continue;
            }
            for (int b : budgets) {
                PolicyConfig p = builder.apply(k).budget(b).build();
                if (!out.contains(p)) out.add(p);
            }
        }
        return out;
    }

    /** Every configuration of {@code policies} once per K/V storage type (selection × precision on the same prompts). */
    public static List<PolicyConfig> withKvTypes(List<PolicyConfig> policies, List<KvType> types) {
        List<PolicyConfig> out = new ArrayList<>();
        for (KvType t : types) for (PolicyConfig p : policies) out.add(p.toBuilder().kvType(t).build());
        return out;
    }

    /** A named grid: what {@code pyramidkv eval --preset NAME} runs unless options override parts of it. */
    public record Preset(String name, List<TaskKind> tasks, List<Integer> contextLengths, List<Integer> depths,
                         List<PolicyKind> policies, List<Integer> budgets, int samples, String about) {

        public static final Preset QUICK = new Preset("quick",
                List.of(TaskKind.PASSKEY, TaskKind.NIAH_NUMBER, TaskKind.NIAH_WORD, TaskKind.NIAH_MULTIKEY, TaskKind.NIAH_MULTIVALUE,
                        TaskKind.VARIABLE_TRACKING, TaskKind.COMMON_WORDS),
                List.of(512, 1024), List.of(10, 50, 90),
                List.of(PolicyKind.FULL, PolicyKind.STREAMING, PolicyKind.H2O, PolicyKind.SNAPKV, PolicyKind.PYRAMID),
                List.of(64, 128, 256), 1,
                "512 and 1024 tokens, seven tasks, one sample: 30 prompts, under an hour on two cores");

        public static final Preset PAPER = new Preset("paper",
                List.of(TaskKind.values()),
                List.of(1024, 2048, 4096, 8000), List.of(0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100),
                List.of(PolicyKind.FULL, PolicyKind.STREAMING, PolicyKind.H2O, PolicyKind.SNAPKV, PolicyKind.PYRAMID, PolicyKind.ADAKV),
                List.of(64, 128, 256, 512, 1024, 2048), 3,
                "the paper's needle grid: 1k-8k tokens, depths 0-100%, budgets 64-2048, three samples");

        /** Contexts a 32k model can use (32,000 leaves room for the answer in 32,768). */
        public static final Preset LONG = new Preset("long",
                List.of(TaskKind.values()),
                List.of(4096, 8192, 16384, 32000), List.of(0, 25, 50, 75, 100),
                List.of(PolicyKind.FULL, PolicyKind.STREAMING, PolicyKind.H2O, PolicyKind.SNAPKV, PolicyKind.PYRAMID, PolicyKind.ADAKV),
                List.of(64, 128, 256, 512, 1024, 2048), 5,
                "4k-32k tokens for 32k models (Qwen2.5): every task, depths 0-100%, budgets 64-2048, five samples; days on two cores");

        public static final Preset LONG_QUICK = new Preset("long-quick",
                List.of(TaskKind.PASSKEY, TaskKind.NIAH_NUMBER, TaskKind.NIAH_MULTIKEY),
                List.of(4096, 8192), List.of(10, 50, 90),
                List.of(PolicyKind.FULL, PolicyKind.STREAMING, PolicyKind.SNAPKV, PolicyKind.PYRAMID),
                List.of(64, 256), 2,
                "4k and 8k tokens, three needle tasks, two samples: 36 prompts, the long grid's first look");

        public static List<Preset> all() { return List.of(QUICK, PAPER, LONG, LONG_QUICK); }

        public static Preset parse(String name) {
            String n = name == null ? "" : name.strip().toLowerCase(Locale.ROOT);
            for (Preset p : all()) if (p.name.equals(n)) return p;
            throw new IllegalArgumentException("preset: unknown '" + name + "', expected "
                    + String.join("|", all().stream().map(Preset::name).toList()));
        }
    }
}
