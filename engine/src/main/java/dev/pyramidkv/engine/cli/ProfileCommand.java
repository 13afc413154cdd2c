package dev.pyramidkv.engine.cli;

import dev.pyramidkv.cache.CacheMemory;
import dev.pyramidkv.cache.KvCache;
import dev.pyramidkv.cache.LayerRegion;
import dev.pyramidkv.cache.PolicyConfig;
import dev.pyramidkv.engine.api.Engine;
import dev.pyramidkv.engine.api.Generation;
import dev.pyramidkv.engine.api.GenerationParams;
import dev.pyramidkv.engine.api.Session;
import dev.pyramidkv.engine.json.Json;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.data.category.DefaultCategoryDataset;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code pyramidkv profile}: runs one prompt under a policy and reports, per layer, the KV tokens kept,
 * the bytes they take against a full cache, and the time spent compressing and compacting (from the
 * cache's JFR events). {@code --png FILE} draws the per-layer budgets.
 */
final class ProfileCommand implements Command {
    static final String PROSE = """
            The river town woke slowly. Fishermen pushed their boats into the grey water while the baker \
            pulled the first loaves from an oven older than anyone could remember. Children ran along the \
            harbour wall, counting gulls and arguing about the names of distant ships. By noon the market \
            square was loud with traders selling apples, copper pans, wool and stories from the hills. \
            """;

    @Override
    public String name() { return "profile"; }

    @Override
    public String summary() { return "measure per-layer KV memory and compression time of one prompt"; }

    @Override
    public Options options() {
        Options o = new Options().modelOption()
                .value("--prompt", "TEXT", "the prompt (default: built-in prose, see --prompt-len)")
                .value("--prompt-file", "FILE", "read the prompt from a file")
                .value("--prompt-len", "N", "with the built-in prose: repeat it to about N tokens (default 1024)")
                .value("--png", "FILE", "write a chart of the per-layer kept tokens and bytes")
                .jsonOption();
        return RunOptions.session(RunOptions.sampling(RunOptions.policy(o)));
    }

    @Override
    public int run(ParsedArgs args, CliContext cli) throws IOException {
        PolicyConfig policy = RunOptions.policy(args);
        GenerationParams params = RunOptions.sampling(args).withMaxTokens(args.intValue("--max-tokens", 32, 0, 1 << 20));
        try (Engine engine = Engine.load(cli.model(args));
             Session session = engine.newSession(RunOptions.session(args, policy, params.maxTokens()));
             Recording rec = new Recording()) {
            int[] prompt = prompt(args, engine, session.contextLength() - params.maxTokens());
            rec.enable("dev.pyramidkv.cache.PrefillCompression");
            rec.enable("dev.pyramidkv.cache.DecodeEviction");
            rec.enable("dev.pyramidkv.cache.Compaction");
            rec.start();
            Generation g = session.generate(prompt, params, null);
            rec.stop();
            KvCache cache = session.cache();
            int layers = cache.layers();
            long[] compressNanos = new long[layers], compactNanos = new long[layers];
            int[] evictions = new int[layers];
            Path jfr = Files.createTempFile("pyramidkv-profile", ".jfr");
            try {
                rec.dump(jfr);
                for (RecordedEvent e : RecordingFile.readAllEvents(jfr)) {
                    int l = e.getInt("layer");
                    switch (e.getEventType().getName()) {
                        case "dev.pyramidkv.cache.PrefillCompression" -> compressNanos[l] += e.getDuration().toNanos();
                        case "dev.pyramidkv.cache.DecodeEviction" -> evictions[l]++;
                        case "dev.pyramidkv.cache.Compaction" -> compactNanos[l] += e.getDuration().toNanos();
                        default -> { }
                    }
                }
            } finally {
                Files.deleteIfExists(jfr);
            }
            CacheMemory mem = cache.memory();
            if (args.has("--png")) chart(Path.of(args.string("--png", "")), cache, mem, policy);
            if (args.flag(Options.JSON)) {
                StringBuilder ls = new StringBuilder("[");
                for (int l = 0; l < layers; l++) {
                    LayerRegion r = cache.region(l);
                    if (l > 0) ls.append(", ");
                    ls.append(Json.object().put("layer", l).put("kept_tokens", r.liveEntries() / r.kvHeads())
                            .put("live_bytes", mem.liveKvBytes(l)).put("full_bytes", mem.fullEquivalentBytes(l))
                            .put("compress_us", compressNanos[l] / 1000).put("evictions", evictions[l])
                            .put("compaction_us", compactNanos[l] / 1000));
                }
                cli.out().println(Json.object().put("policy", policy.label()).put("prompt_tokens", g.promptTokens())
                        .put("generated_tokens", g.generatedTokens()).put("kv_bytes", mem.liveKvBytes())
                        .put("kv_full_bytes", mem.fullEquivalentBytes()).put("kv_reserved_bytes", mem.allocatedBytes())
                        .put("prefill_tokens_per_s", g.prefillTokensPerSecond()).put("decode_tokens_per_s", g.decodeTokensPerSecond())
                        .putRaw("layers", ls.append(']').toString()).toString());
                return 0;
            }
            var out = cli.out();
            out.printf("%s: %d prompt tokens, %d generated (%.1f tok/s prefill, %.1f tok/s decode)%n", policy.label(),
                    g.promptTokens(), g.generatedTokens(), g.prefillTokensPerSecond(), g.decodeTokensPerSecond());
            out.printf("%5s %8s %12s %12s %12s %9s %13s%n", "layer", "kept", "live", "full", "compress", "evictions", "compaction");
            for (int l = 0; l < layers; l++) {
                LayerRegion r = cache.region(l);
                out.printf("%5d %8d %12s %12s %10.0fµs %9d %11.0fµs%n", l, r.liveEntries() / r.kvHeads(),
                        GenerateCommand.bytes(mem.liveKvBytes(l)), GenerateCommand.bytes(mem.fullEquivalentBytes(l)),
                        compressNanos[l] / 1e3, evictions[l], compactNanos[l] / 1e3);
            }
            out.printf("total %8s %12s %12s   (%.1f%% of a full cache; %s reserved)%n", "",
                    GenerateCommand.bytes(mem.liveKvBytes()), GenerateCommand.bytes(mem.fullEquivalentBytes()),
                    100.0 * mem.ratio(), GenerateCommand.bytes(mem.allocatedBytes()));
        }
        return 0;
    }

    private static int[] prompt(ParsedArgs args, Engine engine, int limit) throws IOException {
        String text;
        if (args.has("--prompt")) text = args.string("--prompt", "");
        else if (args.has("--prompt-file")) text = Files.readString(Path.of(args.string("--prompt-file", "")), StandardCharsets.UTF_8);
        else {
            int want = Math.min(args.intValue("--prompt-len", 1024, 16, 1 << 20), limit);
            int per = engine.tokenizer().encode(PROSE, false, false).length;
            text = PROSE.repeat(Math.max(1, want / per));
        }
        return engine.tokenizer().encode(text, engine.tokenizer().addsBos(), true);
    }

    private static void chart(Path png, KvCache cache, CacheMemory mem, PolicyConfig policy) throws IOException {
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        for (int l = 0; l < cache.layers(); l++) {
            LayerRegion r = cache.region(l);
            data.addValue(r.liveEntries() / (double) r.kvHeads(), "kept tokens (" + policy.label() + ")", Integer.toString(l));
            data.addValue(mem.fullEquivalentBytes(l) / (2.0 * r.kvHeads() * r.headDim() * 4), "full cache", Integer.toString(l));
        }
        JFreeChart chart = ChartFactory.createBarChart("KV tokens kept per layer — " + policy.label()
                        + String.format(" (%.1f%% of full: %s of %s)", 100 * mem.ratio(), GenerateCommand.bytes(mem.liveKvBytes()),
                        GenerateCommand.bytes(mem.fullEquivalentBytes())),
                "layer", "tokens per KV head", data, PlotOrientation.VERTICAL, true, false, false);
        chart.getPlot().setBackgroundPaint(java.awt.Color.WHITE);
        ChartUtils.saveChartAsPNG(png.toFile(), chart, 1000, 500);
    }
}
