package dev.pyramidkv.engine.cli;

import dev.pyramidkv.cache.KvType;
import dev.pyramidkv.cache.PolicyConfig;
import dev.pyramidkv.cache.PolicyKind;
import dev.pyramidkv.engine.api.Engine;
import dev.pyramidkv.engine.eval.EvalGrid;
import dev.pyramidkv.engine.eval.EvalRunner;
import dev.pyramidkv.engine.eval.ForkDecoder;
import dev.pyramidkv.engine.eval.PromptSpec;
import dev.pyramidkv.engine.eval.ResultStore;
import dev.pyramidkv.engine.eval.Shard;
import dev.pyramidkv.engine.eval.TaskKind;
import dev.pyramidkv.engine.json.Json;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import java.util.stream.IntStream;

/**
 * {@code pyramidkv eval [--preset quick|paper|long|long-quick] [grid options] [--out DIR] [--shard i/n]}: the synthetic
 * long-context evaluation. Each prompt is prefilled once and forked into every policy × budget; results are
 * appended per prompt to {@code DIR/results.jsonl} (a rerun skips finished cells); at the end the report
 * ({@code summary.csv}, charts, {@code report.md}) is written as {@code pyramidkv analyze DIR} would.
 */
final class EvalCommand implements Command {
    @Override
    public String name() { return "eval"; }

    @Override
    public String summary() { return "run the synthetic long-context evaluation (policies x budgets)"; }

    @Override
    public Options options() {
        Options o = new Options().modelOption()
                .value("--preset", "NAME", "the grid to start from (default quick); the options below replace its parts. "
                        + String.join("; ", EvalGrid.Preset.all().stream().map(p -> p.name() + ": " + p.about()).toList()))
                .value("--tasks", "LIST", "tasks, comma-separated, or 'all': passkey,niah_number,niah_word,niah_uuid,niah_multikey,niah_multivalue,vt,cwe")
                .value("--lengths", "LIST", "context lengths in tokens, e.g. 1024,2048,4096")
                .value("--depths", "LIST", "needle depths in percent, e.g. 0,25,50,75,100")
                .value("--policies", "LIST", "policies, e.g. full,streaming,h2o,snapkv,pyramid,adakv")
                .value("--budgets", "LIST", "KV budgets (average tokens per layer, window included), e.g. 64,128,256")
                .value("--kv-types", "LIST", "K/V storage types as a grid dimension, e.g. f32,q8_0,q4_0 (default: --kv-type, or f32)")
                .value("--samples", "N", "prompts per task, length and depth")
                .value("--seed", "S", "seed of the generated prompts (default 42)")
                .value("--out", "DIR", "where results, summary and charts go (default eval-results)")
                .value("--shard", "I/N", "run only part I of N of the grid (results-shard-I-of-N.jsonl); merge with 'pyramidkv analyze DIR'")
                .value("--min-full", "X", "a task separates the policies when the full cache scores at least X on it (default 0.6)")
                .flag("--dry-run", "print the grid's size and exit")
                .jsonOption();
        return RunOptions.threads(RunOptions.policyTuning(o));
    }

    @Override
    public int run(ParsedArgs args, CliContext cli) throws Exception {
        EvalGrid.Preset preset = parse(() -> EvalGrid.Preset.parse(args.string("--preset", "quick")), "--preset");
        List<TaskKind> tasks = args.has("--tasks") ? parse(() -> TaskKind.parseList(args.string("--tasks", "")), "--tasks") : preset.tasks();
        List<Integer> lengths = args.has("--lengths") ? ints(args, "--lengths") : preset.contextLengths();
        List<Integer> depths = args.has("--depths") ? ints(args, "--depths") : preset.depths();
        List<PolicyKind> kinds = args.has("--policies") ? policyKinds(args.string("--policies", "")) : preset.policies();
        List<Integer> budgets = args.has("--budgets") ? ints(args, "--budgets") : preset.budgets();
        int samples = args.intValue("--samples", preset.samples(), 1, 1_000_000);
        long seed = args.longValue("--seed", 42);
        Shard shard = args.has("--shard") ? parse(() -> Shard.parse(args.string("--shard", "")), "--shard") : Shard.ALL;
        double minFull = args.doubleValue("--min-full", 0.6);
        List<PolicyConfig> byPolicy = parse(() -> EvalGrid.policies(kinds, budgets, kind -> builder(kind, args)), "--policies/--budgets");
        List<PolicyConfig> policies = args.has("--kv-types")
                ? parse(() -> EvalGrid.withKvTypes(byPolicy, KvType.parseList(args.string("--kv-types", ""))), "--kv-types") : byPolicy;
        EvalGrid grid = parse(() -> new EvalGrid(tasks, lengths, depths, policies, samples, seed), "grid");
        Path out = Path.of(args.string("--out", "eval-results"));
        Path resultsFile = out.resolve(shard.resultsFileName());
        int threads = RunOptions.threads(args);

        List<PromptSpec> prompts = grid.prompts();
        long mine = IntStream.range(0, prompts.size()).filter(shard::includes).count();
        cli.err().printf(Locale.ROOT, "pyramidkv eval: %d prompts (%d in this shard) x %d configurations; %d tasks, lengths %s, depths %s, %d sample(s), seed %d%n",
                prompts.size(), mine, policies.size(), tasks.size(), lengths, depths, samples, seed);
        if (args.flag("--dry-run")) {
            printPlan(cli, grid, prompts, shard, args.flag(Options.JSON));
            return 0;
        }

        ResultStore store = new ResultStore(resultsFile);
        EvalRunner.Summary summary;
        try (Engine engine = Engine.load(cli.model(args))) {
            ProgressBar bar = new ProgressBar(cli);
            summary = new EvalRunner(engine, threads).run(grid, shard, store, bar);
            cli.closeProgressLine();
        }
        cli.err().printf(Locale.ROOT, "pyramidkv eval: %d prompts run (%d cells), %d prompts already finished (%d cells skipped), %s; results in %s%n",
                summary.promptsRun(), summary.cellsRun(), summary.promptsSkipped(), summary.cellsSkipped(),
                ProgressBar.duration(summary.nanos() / 1e9), resultsFile);
        if (shard.count() > 1) {
            cli.err().println("pyramidkv eval: this was shard " + shard.index() + "/" + shard.count()
                    + "; when every shard is done, merge and report with: pyramidkv analyze " + out);
            if (args.flag(Options.JSON)) cli.out().println(summaryJson(summary, resultsFile));
            return 0;
        }
        AnalyzeCommand.Written written = AnalyzeCommand.report(List.of(resultsFile), out, minFull, cli);
        cli.out().print(args.flag(Options.JSON) ? summaryJson(summary, resultsFile) + "\n" : written.markdown());
        return 0;
    }

    /** The policy builder of one kind with the shared settings; the schedule option applies to pyramid and adakv only. */
    private static PolicyConfig.Builder builder(PolicyKind kind, ParsedArgs args) {
        PolicyConfig.Builder b = PolicyConfig.builder(kind);
        if (kind == PolicyKind.FULL) {
            if (args.has("--window")) b.window(args.intValue("--window", 8));
            return b;
        }
        RunOptions.tune(b, args);
        if (kind != PolicyKind.PYRAMID && kind != PolicyKind.ADAKV) b.schedule(PolicyConfig.defaultSchedule(kind));
        return b;
    }

    private static void printPlan(CliContext cli, EvalGrid grid, List<PromptSpec> prompts, Shard shard, boolean json) {
        long tokens = 0;
        int count = 0;
        for (int i = 0; i < prompts.size(); i++) {
            if (!shard.includes(i)) continue;
            count++;
            tokens += prompts.get(i).contextLength();
        }
        List<String> labels = grid.policies().stream().map(PolicyConfig::label).toList();
        if (json) {
            List<String> quoted = new ArrayList<>();
            for (String l : labels) quoted.add(Json.quote(l));
            cli.out().println(Json.object().put("prompts", count).put("prefill_tokens", tokens).put("configurations", labels.size())
                    .put("cells", (long) count * labels.size()).putRaw("policies", Json.array(quoted)).toString());
        } else {
            cli.out().printf(Locale.ROOT, "%d prompts, %d prompt tokens to prefill, %d configurations (%s), %d cells%n",
                    count, tokens, labels.size(), String.join(" ", labels), (long) count * labels.size());
        }
    }

    private static String summaryJson(EvalRunner.Summary s, Path results) {
        return Json.object().put("prompts_run", s.promptsRun()).put("prompts_skipped", s.promptsSkipped())
                .put("cells_run", s.cellsRun()).put("cells_skipped", s.cellsSkipped()).put("seconds", s.nanos() / 1e9)
                .put("results", results.toString()).toString();
    }

    static List<Integer> ints(ParsedArgs args, String option) {
        List<Integer> out = new ArrayList<>();
        for (String part : args.string(option, "").split(",")) {
            if (part.isBlank()) continue;
            try {
                out.add(Integer.parseInt(part.strip()));
            } catch (NumberFormatException e) {
                throw new UsageException(option + ": expected whole numbers separated by commas, got '" + part.strip() + "'");
            }
        }
        if (out.isEmpty()) throw new UsageException(option + ": the list is empty");
        return out;
    }

    private static List<PolicyKind> policyKinds(String list) {
        List<PolicyKind> out = new ArrayList<>();
        for (String part : list.split(",")) {
            if (part.isBlank()) continue;
            PolicyKind k = parse(() -> PolicyKind.parse(part), "--policies");
            if (!out.contains(k)) out.add(k);
        }
        if (out.isEmpty()) throw new UsageException("--policies: the list is empty");
        return out;
    }

    /** Turns a validation error of the grid's parts into a usage error naming the option. */
    private static <T> T parse(Supplier<T> parser, String option) {
        try {
            return parser.get();
        } catch (IllegalArgumentException e) {
            throw new UsageException(option + ": " + e.getMessage());
        }
    }

    /** A progress bar on stderr: prompts done, the last prompt's times, elapsed and estimated time left. */
    static final class ProgressBar implements EvalRunner.Listener {
        private final CliContext cli;
        private long start;
        private int prompts, done;
        private long tokens, doneTokens;

        ProgressBar(CliContext cli) { this.cli = cli; }

        @Override
        public void started(int prompts, long tokens, int finishedPrompts) {
            this.start = System.nanoTime();
            this.prompts = prompts;
            this.tokens = tokens;
            if (finishedPrompts > 0) cli.err().println("pyramidkv eval: " + finishedPrompts + " prompts already finished in the results file, skipped");
            if (prompts > 0) cli.status(bar() + " 0/" + prompts + " prompts, first prefill running");
        }

        @Override
        public void promptDone(PromptSpec spec, int promptTokens, ForkDecoder.Outcome outcome) {
            done++;
            doneTokens += spec.contextLength();
            double elapsed = (System.nanoTime() - start) / 1e9;
            double left = elapsed * (tokens - doneTokens) / doneTokens;   // time per token so far (prefill dominates)
            long decodeNanos = 0;
            for (ForkDecoder.Answer a : outcome.answers()) decodeNanos += a.decodeNanos();
            cli.status(String.format(Locale.ROOT, "%s %d/%d prompts | %s: %d tokens, prefill %.1f s, decode %.1f s | %s elapsed, ETA %s",
                    bar(), done, prompts, spec.id(), promptTokens, outcome.prefillNanos() / 1e9, decodeNanos / 1e9,
                    duration(elapsed), done == prompts ? "0s" : duration(left)));
        }

        private String bar() {
            int width = 24;
            int filled = prompts == 0 ? width : (int) (width * doneTokens / Math.max(1, tokens));
            return "[" + "#".repeat(filled) + ".".repeat(width - filled) + "]";
        }

        static String duration(double seconds) {
            long s = Math.round(seconds);
            if (s < 60) return s + "s";
            if (s < 3600) return (s / 60) + "m" + String.format(Locale.ROOT, "%02d", s % 60) + "s";
            return (s / 3600) + "h" + String.format(Locale.ROOT, "%02d", (s % 3600) / 60) + "m";
        }
    }
}
