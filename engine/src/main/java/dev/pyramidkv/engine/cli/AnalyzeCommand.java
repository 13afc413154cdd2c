package dev.pyramidkv.engine.cli;

import dev.pyramidkv.engine.eval.Charts;
import dev.pyramidkv.engine.eval.Report;
import dev.pyramidkv.engine.eval.ResultStore;
import dev.pyramidkv.engine.json.Json;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code pyramidkv analyze [RESULTS...] [--out DIR]}: merges results files (every {@code *.jsonl} of a
 * directory, e.g. the shards of one grid), then writes {@code summary.csv}, {@code report.md} and the PNG
 * charts, and prints the report.
 */
final class AnalyzeCommand implements Command {
    @Override
    public String name() { return "analyze"; }

    @Override
    public String summary() { return "turn evaluation results into tables and charts"; }

    @Override
    public Options options() {
        return new Options()
                .positionals("RESULTS", "results files or directories of them (*.jsonl); default eval-results")
                .value("--out", "DIR", "where the merged results, summary.csv, report.md and charts go (default: the first directory given)")
                .value("--min-full", "X", "a task separates the policies when the full cache scores at least X on it (default 0.6)")
                .jsonOption();
    }

    @Override
    public int run(ParsedArgs args, CliContext cli) throws IOException {
        List<Path> inputs = new ArrayList<>();
        for (String p : args.positionals()) inputs.add(Path.of(p));
        if (inputs.isEmpty()) inputs.add(Path.of("eval-results"));
        for (Path p : inputs) if (!Files.exists(p)) throw new CliException("analyze: " + p + " does not exist (run 'pyramidkv eval' first, or name a results file)");
        Path out = args.string("--out").map(Path::of)
                .orElseGet(() -> Files.isDirectory(inputs.getFirst()) ? inputs.getFirst() : inputs.getFirst().toAbsolutePath().getParent());
        double minFull = args.doubleValue("--min-full", 0.6);
        if (!(minFull >= 0 && minFull <= 1)) throw new UsageException("--min-full: expected a number in [0, 1], got " + minFull);
        Written w = report(inputs, out, minFull, cli);
        cli.out().print(args.flag(Options.JSON) ? json(w) + "\n" : w.markdown());
        return 0;
    }

    /** What {@link #report} produced. */
    record Written(Report report, String markdown, List<Path> files) {}

    /** Merges {@code inputs} and writes the report files into {@code out}; tells on stderr what it wrote. */
    static Written report(List<Path> inputs, Path out, double minFull, CliContext cli) throws IOException {
        ResultStore.Merged merged = ResultStore.merge(inputs);
        if (merged.results().isEmpty()) throw new CliException("analyze: no results in " + inputs);
        for (String key : merged.conflicts()) cli.err().println("pyramidkv analyze: warning: two different answers for cell " + key + "; kept the first");
        List<Path> files = new ArrayList<>();
        if (merged.files() > 1) {
            Path all = out.resolve("results.jsonl");
            ResultStore.write(all, merged.results());
            files.add(all);
        }
        Report report = new Report(merged.results(), minFull);
        Path csv = out.resolve("summary.csv");
        report.writeSummaryCsv(csv);
        files.add(csv);
        String markdown = report.markdown();
        Path md = out.resolve("report.md");
        Files.writeString(md, markdown, StandardCharsets.UTF_8);
        files.add(md);
        files.addAll(Charts.write(report, out));
        cli.err().printf("pyramidkv analyze: %d cells from %d file(s)%s; wrote %d files to %s%n", merged.results().size(), merged.files(),
                merged.duplicates() > 0 ? " (" + merged.duplicates() + " duplicates dropped)" : "", files.size(), out);
        return new Written(report, markdown, files);
    }

    private static String json(Written w) {
        Report r = w.report();
        List<String> full = new ArrayList<>();
        for (String task : r.tasks()) {
            full.add(Json.object().put("task", task).put("accuracy", r.accuracy(x -> Report.isFull(x) && x.task().equals(task))).toString());
        }
        List<String> rows = new ArrayList<>();
        for (Report.Config c : r.configs()) {
            rows.add(Json.object().put("policy", c.policy()).put("budget", c.budget()).put("kv_type", c.kvType())
                    .put("accuracy", r.accuracy(r.inHeadlineTasks().and(Report.of(c))))
                    .put("kv_ratio", r.kvRatio(r.inHeadlineTasks().and(Report.of(c)))).toString());
        }
        List<String> agreement = new ArrayList<>();
        for (Report.Agreement a : r.agreementWithF32(x -> true)) {
            agreement.add(Json.object().put("kv_type", a.kvType()).put("cells", a.cells()).put("accuracy", a.accuracy())
                    .put("f32_accuracy", a.f32Accuracy()).put("same_answer", a.sameAnswer()).put("same_score", a.sameScore())
                    .put("f32_correct", a.f32Correct()).put("same_answer_where_f32_correct", a.sameAnswerWhereF32Correct())
                    .put("kv_bytes_vs_f32", a.kvBytesVsF32()).toString());
        }
        List<String> separating = r.separatingTasks().stream().map(Json::quote).toList();
        List<String> files = w.files().stream().map(p -> Json.quote(p.toString())).toList();
        return Json.object().put("cells", r.results().size())
                .putRaw("full", Json.array(full))
                .putRaw("separating_tasks", Json.array(separating))
                .putRaw("accuracy", Json.array(rows))
                .putRaw("agreement_with_f32", Json.array(agreement))
                .putRaw("files", Json.array(files)).toString();
    }
}
