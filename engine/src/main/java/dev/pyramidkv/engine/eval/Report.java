package dev.pyramidkv.engine.eval;

import dev.pyramidkv.cache.KvType;
import dev.pyramidkv.cache.PolicyKind;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Tables over a set of results: the full cache's accuracy first (the ceiling), the tasks where it is strong
 * enough to separate the policies, accuracy by policy and budget, KV memory and time per prompt; the summary
 * CSV; and the data behind the charts.
 */
public final class Report {
    private final List<EvalResult> results;
    private final double minFull;
    private final List<String> tasks;          // in TaskKind order
    private final List<String> separating;     // tasks where full reaches minFull
    private final List<Integer> lengths;
    private final List<Integer> budgets;       // of the compressing policies
    private final List<String> policies;       // policy names, full first, in PolicyKind order
    private final List<String> kvTypes;        // K/V storage types, in KvType order (f32 first)

    /** A configuration as the tables show it: a policy, a budget (0 for full) and the K/V storage type. */
    public record Config(String policy, int budget, String kvType) {
        public Config(String policy, int budget) { this(policy, budget, F32); }

        public String label() { return (budget == 0 ? policy : policy + "-" + budget) + (kvType.equals(F32) ? "" : "-" + kvType); }
        public boolean isFull() { return policy.equals(PolicyKind.FULL.cliName()); }
    }

    static final String F32 = KvType.F32.cliName();
    private static final Pattern KV_TYPE = Pattern.compile("kvType=([a-z0-9_]+)");

    /** A running mean. */
    static final class Mean {
        double sum;
        int n;

        void add(double v) { sum += v; n++; }

        double value() { return n == 0 ? Double.NaN : sum / n; }
    }

    /**
     * @param minFull a task separates the policies when the full cache's mean score on it is at least this
     */
    public Report(List<EvalResult> results, double minFull) {
        if (results.isEmpty()) throw new IllegalArgumentException("results: there is nothing to report");
        if (!(minFull >= 0 && minFull <= 1)) throw new IllegalArgumentException("minFull: must be in [0, 1], got " + minFull);
        this.results = List.copyOf(results);
        this.minFull = minFull;
        List<String> t = new ArrayList<>();
        for (TaskKind k : TaskKind.values()) if (results.stream().anyMatch(r -> r.task().equals(k.cliName()))) t.add(k.cliName());
        results.stream().map(EvalResult::task).distinct().filter(x -> !t.contains(x)).forEach(t::add);
        this.tasks = List.copyOf(t);
        this.lengths = List.copyOf(new TreeSet<>(results.stream().map(EvalResult::contextLength).toList()));
        this.budgets = List.copyOf(new TreeSet<>(results.stream().filter(r -> r.budget() > 0).map(EvalResult::budget).toList()));
        List<String> p = new ArrayList<>();
        for (PolicyKind k : PolicyKind.values()) if (results.stream().anyMatch(r -> r.policy().equals(k.cliName()))) p.add(k.cliName());
        this.policies = List.copyOf(p);
        List<String> k = new ArrayList<>();
        for (KvType type : KvType.values()) if (results.stream().anyMatch(r -> kvType(r).equals(type.cliName()))) k.add(type.cliName());
        this.kvTypes = List.copyOf(k);
        List<String> s = new ArrayList<>();
        for (String task : tasks) {
            double full = accuracy(r -> r.task().equals(task) && isFull(r));
            if (full >= minFull) s.add(task);
        }
        this.separating = List.copyOf(s);
    }

    public List<EvalResult> results() { return results; }
    public List<String> tasks() { return tasks; }
    public List<String> separatingTasks() { return separating; }
    public List<Integer> contextLengths() { return lengths; }
    public List<Integer> budgets() { return budgets; }
    public List<String> policies() { return policies; }
    public List<String> kvTypes() { return kvTypes; }
    public double minFull() { return minFull; }

    /** The K/V storage type of a cell, from its policy settings (f32 names none). */
    public static String kvType(EvalResult r) {
        Matcher m = KV_TYPE.matcher(r.policyConfig());
        return m.find() ? m.group(1) : F32;
    }

    /** The policy settings of a cell without its storage type: the key of its f32 counterpart. */
    static String withoutKvType(String policyConfig) {
        return policyConfig.replaceAll("(, )?kvType=[a-z0-9_]+", "");
    }

    /** Every configuration in the results: per storage type, full first, then each policy's budgets in order. */
    public List<Config> configs() {
        List<Config> out = new ArrayList<>();
        for (String t : kvTypes) {
            for (String p : policies) {
                for (int b : p.equals(PolicyKind.FULL.cliName()) ? List.of(0) : budgets) {
                    if (results.stream().anyMatch(r -> r.policy().equals(p) && r.budget() == b && kvType(r).equals(t))) out.add(new Config(p, b, t));
                }
            }
        }
        return out;
    }

    /**
     * Each storage type against f32 on the same cells (prompt, policy, budget, settings): how often the greedy
     * answer is the same text, how often it scores the same, the same where f32 answers correctly, and its KV
     * bytes relative to f32's. Cells without an f32 counterpart are left out.
     */
    public record Agreement(String kvType, int cells, double accuracy, double f32Accuracy, double sameAnswer, double sameScore,
                            int f32Correct, double sameAnswerWhereF32Correct, double kvBytesVsF32) {}

    /** {@link Agreement} per storage type other than f32, over the cells that match {@code which}. */
    public List<Agreement> agreementWithF32(Predicate<EvalResult> which) {
        Map<String, EvalResult> f32 = new LinkedHashMap<>();
        for (EvalResult r : results) if (kvType(r).equals(F32)) f32.put(f32Key(r), r);
        List<Agreement> out = new ArrayList<>();
        for (String t : kvTypes) {
            if (t.equals(F32)) continue;
            Mean acc = new Mean(), refAcc = new Mean(), same = new Mean(), sameScore = new Mean(), sameCorrect = new Mean(), bytes = new Mean();
            for (EvalResult r : results) {
                EvalResult f = f32.get(f32Key(r));
                if (!kvType(r).equals(t) || f == null || !which.test(r)) continue;
                boolean sameText = r.answer().equals(f.answer());
                acc.add(r.score());
                refAcc.add(f.score());
                same.add(sameText ? 1 : 0);
                sameScore.add(r.score() == f.score() ? 1 : 0);
                if (f.score() == 1) sameCorrect.add(sameText ? 1 : 0);
                bytes.add((double) r.kvBytes() / f.kvBytes());
            }
            if (acc.n > 0) out.add(new Agreement(t, acc.n, acc.value(), refAcc.value(), same.value(), sameScore.value(), sameCorrect.n, sameCorrect.value(), bytes.value()));
        }
        return out;
    }

    private static String f32Key(EvalResult r) {
        return EvalResult.key(r.model(), r.task(), r.contextLength(), r.depth(), r.sample(), r.seed(), withoutKvType(r.policyConfig()));
    }

    /** The depths of needle tasks in the results, ascending. */
    public List<Integer> depths() {
        return List.copyOf(new TreeSet<>(results.stream().filter(r -> r.depth() >= 0).map(EvalResult::depth).toList()));
    }

    public static boolean isFull(EvalResult r) { return r.policy().equals(PolicyKind.FULL.cliName()); }

    public static Predicate<EvalResult> of(Config c) {
        return r -> r.policy().equals(c.policy()) && r.budget() == c.budget() && kvType(r).equals(c.kvType());
    }

    /** The tasks the summary averages over: the separating ones, or every task when none is. */
    public List<String> headlineTasks() { return separating.isEmpty() ? tasks : separating; }

    public Predicate<EvalResult> inHeadlineTasks() {
        List<String> h = headlineTasks();
        return r -> h.contains(r.task());
    }

    /** Mean score of the results that match, NaN if none. */
    public double accuracy(Predicate<EvalResult> which) {
        return scores(which).value();
    }

    /** The accuracy of the results that match with its 95% Wilson interval, e.g. "62% (48–75)"; "–" if none match. */
    public String accuracyCell(Predicate<EvalResult> which) {
        Mean m = scores(which);
        if (m.n == 0) return "–";
        Wilson w = Wilson.of(m.value(), m.n);
        return String.format(Locale.ROOT, "%.0f%% (%.0f–%.0f)", 100 * m.value(), 100 * w.low(), 100 * w.high());
    }

    private Mean scores(Predicate<EvalResult> which) {
        Mean m = new Mean();
        for (EvalResult r : results) if (which.test(r)) m.add(r.score());
        return m;
    }

    /** Mean live KV bytes after compression of the results that match. */
    public double kvBytes(Predicate<EvalResult> which) {
        Mean m = new Mean();
        for (EvalResult r : results) if (which.test(r)) m.add(r.kvBytes());
        return m.value();
    }

    /** Mean of kvBytes / fullBytes of the results that match. */
    public double kvRatio(Predicate<EvalResult> which) {
        Mean m = new Mean();
        for (EvalResult r : results) if (which.test(r)) m.add(r.kvRatio());
        return m.value();
    }

    public int count(Predicate<EvalResult> which) {
        int n = 0;
        for (EvalResult r : results) if (which.test(r)) n++;
        return n;
    }

    /** The report as Markdown: ceiling, separating tasks, headline table, per-task table, memory, time. */
    public String markdown() {
        StringBuilder md = new StringBuilder();
        String model = results.stream().map(EvalResult::model).distinct().reduce((a, b) -> a + ", " + b).orElse("");
        long prompts = results.stream().map(r -> r.task() + r.contextLength() + "/" + r.depth() + "/" + r.sample() + "/" + r.seed()).distinct().count();
        md.append(String.format(Locale.ROOT, "Model: %s. %d prompts, %d cells (prompt × configuration). Accuracies carry their 95%% Wilson"
                + " interval in parentheses: two cells whose intervals overlap are not told apart by these samples.%n%n", model, prompts, results.size()));

        md.append("#### Full cache (the ceiling): accuracy by task and context length\n\n");
        md.append("| task |");
        for (int n : lengths) md.append(' ').append(n).append(" |");
        md.append(" all |\n|---|");
        md.append("---:|".repeat(lengths.size() + 1)).append('\n');
        for (String task : tasks) {
            md.append("| ").append(task).append(" |");
            for (int n : lengths) md.append(' ').append(accuracyCell(r -> isFull(r) && r.task().equals(task) && r.contextLength() == n)).append(" |");
            md.append(' ').append(accuracyCell(r -> isFull(r) && r.task().equals(task))).append(" |\n");
        }
        md.append('\n');
        if (separating.isEmpty()) {
            md.append(String.format(Locale.ROOT, "No task reaches %s with the full cache, so no task separates the policies well; the tables below average over every task.%n%n", pct(minFull)));
        } else {
            List<String> weak = tasks.stream().filter(t -> !separating.contains(t)).toList();
            md.append(String.format(Locale.ROOT, "Tasks where the full cache reaches %s and so can separate the policies: %s.%s%n%n", pct(minFull),
                    String.join(", ", separating), weak.isEmpty() ? "" : " Too weak with the full cache: " + String.join(", ", weak) + "."));
        }

        md.append("#### Accuracy by policy and budget (").append(String.join(", ", headlineTasks())).append(")\n\n");
        md.append("| policy |");
        for (int b : budgets) md.append(' ').append(b).append(" |");
        md.append("\n|---|").append("---:|".repeat(budgets.size())).append('\n');
        for (String t : kvTypes) {
            for (String p : policies) {
                md.append("| ").append(p).append(t.equals(F32) ? "" : " " + t).append(" |");
                for (int b : budgets) {
                    boolean full = p.equals(PolicyKind.FULL.cliName());
                    md.append(' ').append(accuracyCell(inHeadlineTasks().and(r -> r.policy().equals(p) && (full || r.budget() == b) && kvType(r).equals(t)))).append(" |");
                }
                md.append('\n');
            }
        }
        md.append("| KV kept (mean of kept/full bytes, f32) |");
        for (int b : budgets) md.append(' ').append(pct(kvRatio(inHeadlineTasks().and(r -> !isFull(r) && r.budget() == b && kvType(r).equals(F32))))).append(" |");
        md.append("\n\n");

        List<Agreement> agreement = agreementWithF32(r -> true);
        if (!agreement.isEmpty()) {
            md.append("#### K/V storage types against f32 (same prompt, policy and budget; every task)\n\n");
            md.append("| kv type | cells | accuracy (f32) | same answer as f32 | same score | same answer where f32 is right | KV bytes vs f32 |\n");
            md.append("|---|---:|---:|---:|---:|---:|---:|\n");
            for (Agreement a : agreement) {
                md.append(String.format(Locale.ROOT, "| %s | %d | %s (%s) | %.1f%% | %.1f%% | %s of %d | %.3f× |%n", a.kvType(), a.cells(), pct(a.accuracy()),
                        pct(a.f32Accuracy()), 100 * a.sameAnswer(), 100 * a.sameScore(), a.f32Correct() == 0 ? "–" : String.format(Locale.ROOT, "%.1f%%", 100 * a.sameAnswerWhereF32Correct()),
                        a.f32Correct(), a.kvBytesVsF32()));
            }
            md.append('\n');
        }

        md.append("#### Accuracy by task\n\n| configuration |");
        for (String t : tasks) md.append(' ').append(t).append(" |");
        md.append("\n|---|").append("---:|".repeat(tasks.size())).append('\n');
        for (Config c : configs()) {
            md.append("| ").append(c.label()).append(" |");
            for (String t : tasks) md.append(' ').append(accuracyCell(of(c).and(r -> r.task().equals(t)))).append(" |");
            md.append('\n');
        }
        md.append('\n');

        md.append("#### Time per prompt\n\n| context length | prompts | mean prompt tokens | prefill (s) | decode per configuration (s) | configurations |\n|---:|---:|---:|---:|---:|---:|\n");
        for (int n : lengths) {
            Map<String, List<EvalResult>> byPrompt = new LinkedHashMap<>();
            for (EvalResult r : results) if (r.contextLength() == n) byPrompt.computeIfAbsent(r.task() + "/" + r.depth() + "/" + r.sample() + "/" + r.seed(), k -> new ArrayList<>()).add(r);
            Mean tokens = new Mean(), prefill = new Mean(), decode = new Mean(), cells = new Mean();
            for (List<EvalResult> cellsOfPrompt : byPrompt.values()) {
                tokens.add(cellsOfPrompt.getFirst().promptTokens());
                prefill.add(cellsOfPrompt.getFirst().prefillMillis() / 1000);
                cells.add(cellsOfPrompt.size());
                for (EvalResult r : cellsOfPrompt) if (!r.uncompressed()) decode.add(r.decodeMillis() / 1000);
            }
            md.append(String.format(Locale.ROOT, "| %d | %d | %.0f | %.1f | %.2f | %.0f |%n", n, byPrompt.size(), tokens.value(), prefill.value(), decode.value(), cells.value()));
        }
        return md.toString();
    }

    /**
     * One row per task, context length, depth and configuration, over samples: accuracy, KV bytes kept and
     * full, their ratio, mean times.
     */
    public void writeSummaryCsv(Path file) throws IOException {
        record Key(String task, int length, int depth, String policy, int budget, String kvType) {}
        Map<Key, List<EvalResult>> groups = new LinkedHashMap<>();
        List<EvalResult> sorted = new ArrayList<>(results);
        sorted.sort(Comparator.comparing((EvalResult r) -> tasks.indexOf(r.task())).thenComparingInt(EvalResult::contextLength)
                .thenComparingInt(EvalResult::depth).thenComparingInt(r -> policies.indexOf(r.policy())).thenComparingInt(EvalResult::budget).thenComparingInt(r -> kvTypes.indexOf(kvType(r))));
        for (EvalResult r : sorted) groups.computeIfAbsent(new Key(r.task(), r.contextLength(), r.depth(), r.policy(), r.budget(), kvType(r)), k -> new ArrayList<>()).add(r);
        StringBuilder csv = new StringBuilder("task,context_length,depth,policy,budget,kv_type,samples,accuracy,kv_bytes,kv_full_bytes,kv_ratio,uncompressed,prompt_tokens,prefill_ms,decode_ms\n");
        for (Map.Entry<Key, List<EvalResult>> e : groups.entrySet()) {
            Key k = e.getKey();
            List<EvalResult> g = e.getValue();
            Mean acc = new Mean(), kv = new Mean(), full = new Mean(), tok = new Mean(), pre = new Mean(), dec = new Mean();
            int unc = 0;
            for (EvalResult r : g) {
                acc.add(r.score());
                kv.add(r.kvBytes());
                full.add(r.kvFullBytes());
                tok.add(r.promptTokens());
                pre.add(r.prefillMillis());
                dec.add(r.decodeMillis());
                if (r.uncompressed()) unc++;
            }
            csv.append(String.format(Locale.ROOT, "%s,%d,%s,%s,%d,%s,%d,%.4f,%.0f,%.0f,%.4f,%d,%.0f,%.1f,%.1f%n", k.task(), k.length(),
                    k.depth() < 0 ? "" : Integer.toString(k.depth()), k.policy(), k.budget(), k.kvType(), g.size(), acc.value(), kv.value(), full.value(),
                    kv.value() / full.value(), unc, tok.value(), pre.value(), dec.value()));
        }
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        Files.writeString(file, csv, StandardCharsets.UTF_8);
    }

    static String pct(double v) {
        return Double.isNaN(v) ? "–" : String.format(Locale.ROOT, "%.0f%%", 100 * v);
    }
}
