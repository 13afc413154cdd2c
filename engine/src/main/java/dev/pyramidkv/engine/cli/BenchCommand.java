package dev.pyramidkv.engine.cli;

import dev.pyramidkv.cache.PolicyConfig;
import dev.pyramidkv.engine.api.Engine;
import dev.pyramidkv.engine.api.Generation;
import dev.pyramidkv.engine.api.GenerationParams;
import dev.pyramidkv.engine.api.Session;
import dev.pyramidkv.engine.api.SessionConfig;
import dev.pyramidkv.engine.json.Json;
import dev.pyramidkv.engine.peer.LlamaCpp;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

/**
 * {@code pyramidkv bench}: prefill and decode speed on the same prompts for each prompt length, with per-token
 * decode latency, the KV bytes, heap bytes allocated per decoded token and the peak RSS; {@code --vs-llamacpp}
 * runs llama.cpp (the pinned de.kherud:llama build, through its C API) on the same GGUF, tokens and threads in
 * the same run and reports our speed as a ratio of its. Both sides decode exactly {@code --decode-tokens} greedy
 * tokens (end-of-text does not stop them, as in llama-bench), after uncounted warm-up runs; figures are the
 * median of the counted runs with their min and max.
 */
final class BenchCommand implements Command {
    private static final Duration LOAD_WINDOW = Duration.ofSeconds(1);

    @Override
    public String name() { return "bench"; }

    @Override
    public String summary() { return "measure prefill and decode speed (optionally against llama.cpp)"; }

    @Override
    public Options options() {
        Options o = new Options().modelOption()
                .value("--prompt-tokens", "N,N", "prompt lengths to measure (default 512,4096)")
                .value("--decode-tokens", "N", "tokens decoded after each prompt, exactly, on both sides: end-of-text does not stop"
                        + " bench (default 64)")
                .value("--warmup", "N", "uncounted runs per prompt length and side before the counted ones (default 1)")
                .value("--repeat", "N", "counted runs per prompt length and side; the median and min–max are reported (default 3)")
                .flag("--vs-llamacpp", "also run llama.cpp on the same model, tokens and threads, and print ratios")
                .value("--threads", "N", "threads on each side (default 1, the fair comparison with llama.cpp; bench first"
                        + " measures the machine's load and warns when other processes compete for the cores)")
                .jsonOption();
        return RunOptions.contextAndBackend(RunOptions.policy(o));
    }

    /** One run of one side: the speeds, the time of each decode step and, for ours, memory. */
    record Measurement(double prefill, double decode, long[] stepNanos, long heapPerToken, long kvBytes) {}

    /** The counted runs of one side at one prompt length: medians and ranges, latency percentiles over all steps. */
    record Result(int promptTokens, int decodeTokens, Spread prefill, Spread decode, double p50Millis, double p99Millis,
                  Spread heapPerToken, long kvBytes) {
        static Result of(int promptTokens, int decodeTokens, List<Measurement> runs) {
            long[] steps = runs.stream().flatMapToLong(m -> Arrays.stream(m.stepNanos)).toArray();
            return new Result(promptTokens, decodeTokens,
                    Spread.of(runs.stream().mapToDouble(Measurement::prefill).toArray()),
                    Spread.of(runs.stream().mapToDouble(Measurement::decode).toArray()),
                    Spread.percentile(steps, 50) / 1e6, Spread.percentile(steps, 99) / 1e6,
                    Spread.of(runs.stream().mapToDouble(Measurement::heapPerToken).toArray()), runs.getLast().kvBytes);
        }
    }

    /** One engine under test: prefills a prompt into an empty cache and decodes exactly the requested tokens. */
    @FunctionalInterface
    interface Side {
        Measurement run(int[] prompt);
    }

    /** The settings every measurement shares, and the machine's load before they ran. */
    record Setup(Path model, int threads, String backend, PolicyConfig policy, int decodeTokens, int warmup, int repeat,
                 MachineLoad load, String warning) {}

    @Override
    public int run(ParsedArgs args, CliContext cli) throws IOException {
        int[] lengths = Arrays.stream(args.string("--prompt-tokens", "512,4096").split(","))
                .mapToInt(s -> parse(s.strip())).toArray();
        int decodeTokens = args.intValue("--decode-tokens", 64, 1, 100_000);
        int warmup = args.intValue("--warmup", 1, 0, 100);
        int repeat = args.intValue("--repeat", 3, 1, 100);
        int threads = args.intValue("--threads", 1, 1, 1024);
        boolean vsLlamaCpp = args.flag("--vs-llamacpp");
        PolicyConfig policy = RunOptions.policy(args);
        Path modelPath = cli.model(args);
        int maxLen = Arrays.stream(lengths).max().orElseThrow();

        cli.status("bench: measuring the machine's load for " + LOAD_WINDOW.toSeconds() + " s");
        MachineLoad load = MachineLoad.measure(LOAD_WINDOW);
        String warning = warning(load, threads, vsLlamaCpp);
        if (warning != null) cli.err().println("pyramidkv: warning: " + warning);

        List<Result> ours = new ArrayList<>(), peer = new ArrayList<>();
        Setup setup;
        long peakRss;
        try (Engine engine = Engine.load(modelPath)) {
            SessionConfig config = RunOptions.session(args, policy, decodeTokens + 1).withThreads(threads);
            int needed = maxLen + decodeTokens + 1;   // the prompt, the decoded tokens and the last sampled one
            if (config.contextLength() == 0) config = config.withContextLength(Math.min(engine.config().contextLength(), needed));
            if (needed > config.contextLength()) {
                throw new UsageException("--prompt-tokens " + maxLen + " and --decode-tokens " + decodeTokens + " need a context of "
                        + needed + " tokens; " + modelPath.getFileName() + (args.has("--context") ? " runs with --context " : " has ")
                        + config.contextLength());
            }
            GenerationParams params = GenerationParams.greedy().withMaxTokens(decodeTokens + 1).withIgnoreEos(true);
            try (Session session = engine.newSession(config)) {
                setup = new Setup(modelPath, threads, session.backend().name().toLowerCase(), policy, decodeTokens, warmup, repeat,
                        load, warning);
                Side side = prompt -> {
                    session.reset();
                    Generation g = session.generate(prompt, params, null);
                    if (g.decodeTokens() != decodeTokens) {
                        throw new IllegalStateException("bench: our engine decoded " + g.decodeTokens() + " of " + decodeTokens
                                + " tokens (" + g.stopReason() + ")");
                    }
                    return new Measurement(g.prefillTokensPerSecond(), g.decodeTokensPerSecond(), g.decodeStepNanos(),
                            g.decodeHeapBytesPerToken(), session.memory().liveKvBytes());
                };
                for (int len : lengths) ours.add(measure("ours", side, promptTokens(engine, len), setup, cli));
            }
            peakRss = peakRssBytes();
            if (vsLlamaCpp) {
                try (LlamaCpp llama = LlamaCpp.open(modelPath, threads, config.contextLength())) {
                    Side side = prompt -> llamaRun(llama, prompt, decodeTokens);
                    for (int len : lengths) peer.add(measure("llama.cpp", side, promptTokens(engine, len), setup, cli));
                }
            }
        }
        if (args.flag(Options.JSON)) cli.out().println(json(setup, peakRss, ours, peer));
        else printTable(cli.out(), setup, peakRss, ours, peer);
        return 0;
    }

    /** {@code warmup} uncounted runs, then {@code repeat} counted ones. */
    private static Result measure(String who, Side side, int[] prompt, Setup setup, CliContext cli) {
        List<Measurement> counted = new ArrayList<>();
        for (int r = 0; r < setup.warmup + setup.repeat; r++) {
            boolean warm = r < setup.warmup;
            cli.status("bench: " + who + ", " + prompt.length + "-token prompt, "
                    + (warm ? "warm-up " + (r + 1) + " of " + setup.warmup : "run " + (r - setup.warmup + 1) + " of " + setup.repeat));
            Measurement m = side.run(prompt);
            if (!warm) counted.add(m);
        }
        return Result.of(prompt.length, setup.decodeTokens, counted);
    }

    /** What to tell the user when other processes take CPUs the threads need; null on a quiet (or unmeasured) machine. */
    static String warning(MachineLoad load, int threads, boolean vsLlamaCpp) {
        if (load == null || !load.competes(threads)) return null;
        String why = threads > 1 && vsLlamaCpp
                ? "llama.cpp's threads spin at barriers and stall when a core is taken, so its " + threads + "-thread figures and the"
                  + " ratios are meaningless; use --threads 1 or a quiet machine"
                : "the figures measure the scheduler as much as the engine";
        return load.describe() + ", fewer than the " + threads + " free that --threads " + threads + " needs: " + why;
    }

    /** llama.cpp on the same tokens: prefill as one llama_decode, then exactly {@code decodeTokens} greedy single-token decodes. */
    private static Measurement llamaRun(LlamaCpp llama, int[] prompt, int decodeTokens) {
        llama.reset();
        long t0 = System.nanoTime();
        llama.decode(prompt, 0, prompt.length);
        long t1 = System.nanoTime();
        long[] steps = new long[decodeTokens];
        int[] one = new int[1];
        long stepStart = t1;
        for (int i = 0; i < decodeTokens; i++) {
            one[0] = argmax(llama.logits(), llama.vocab);
            llama.decode(one, 0, 1);
            long now = System.nanoTime();
            steps[i] = now - stepStart;
            stepStart = now;
        }
        return new Measurement(prompt.length * 1e9 / (t1 - t0), decodeTokens * 1e9 / (stepStart - t1), steps, -1, -1);
    }

    private static int argmax(MemorySegment logits, int vocab) {
        int best = 0;
        for (int v = 1; v < vocab; v++) if (logits.getAtIndex(JAVA_FLOAT, v) > logits.getAtIndex(JAVA_FLOAT, best)) best = v;
        return best;
    }

    /** Exactly {@code n} tokens of the built-in prose (repeated as needed). */
    static int[] promptTokens(Engine engine, int n) {
        var tok = engine.tokenizer();
        int[] piece = tok.encode(ProfileCommand.PROSE, false, false);
        int[] out = new int[n];
        int start = tok.addsBos() ? 1 : 0;
        if (start == 1) out[0] = tok.bos();
        for (int i = start; i < n; i++) out[i] = piece[(i - start) % piece.length];
        return out;
    }

    private static long peakRssBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    /** The speed fields both sides report: medians under the historical names, with their range and latency. */
    private static Json.ObjectBuilder speeds(Json.ObjectBuilder j, Result r) {
        return j.put("decode_tokens", r.decodeTokens)
                .put("prefill_tokens_per_s", r.prefill.median()).put("prefill_tokens_per_s_min", r.prefill.min())
                .put("prefill_tokens_per_s_max", r.prefill.max())
                .put("decode_tokens_per_s", r.decode.median()).put("decode_tokens_per_s_min", r.decode.min())
                .put("decode_tokens_per_s_max", r.decode.max())
                .put("decode_ms_p50", r.p50Millis).put("decode_ms_p99", r.p99Millis);
    }

    private static String json(Setup s, long peakRss, List<Result> ours, List<Result> peer) {
        List<String> runs = new ArrayList<>();
        for (int i = 0; i < ours.size(); i++) {
            Result o = ours.get(i);
            Json.ObjectBuilder j = speeds(Json.object().put("prompt_tokens", o.promptTokens), o).put("kv_bytes", o.kvBytes)
                    .put("heap_bytes_per_decoded_token", (long) o.heapPerToken.median())
                    .put("heap_bytes_per_decoded_token_max", (long) o.heapPerToken.max());
            if (!peer.isEmpty()) {
                Result p = peer.get(i);
                j.putRaw("llamacpp", speeds(Json.object(), p).toString())
                        .put("prefill_ratio", o.prefill.median() / p.prefill.median())
                        .put("decode_ratio", o.decode.median() / p.decode.median());
            }
            runs.add(j.toString());
        }
        Json.ObjectBuilder top = Json.object().put("model", s.model.getFileName().toString()).put("threads", s.threads)
                .put("backend", s.backend).put("policy", s.policy.label()).put("peak_rss_bytes", peakRss)
                .put("decode_tokens", s.decodeTokens).put("warmup_runs", s.warmup).put("counted_runs", s.repeat)
                .put("statistic", "median of the counted runs; _min and _max their range; decode_ms_p50/p99 over every decode"
                        + " step of the counted runs");
        if (s.load != null) {
            top.putRaw("machine_load", Json.object().put("source", MachineLoad.SOURCE).put("window_s", s.load.window().toMillis() / 1000.0)
                    .put("cpus", s.load.cpus()).put("other_busy_cpus", s.load.otherBusyCpus())
                    .put("competing", s.load.competes(s.threads)).toString());
        }
        if (s.warning != null) top.put("warning", s.warning);
        return top.putRaw("runs", Json.array(runs)).toString();
    }

    private static void printTable(PrintStream out, Setup s, long peakRss, List<Result> ours, List<Result> peer) {
        out.printf("%s, %d thread%s, prefill backend %s, KV %s; %d decoded tokens; %d warm-up and %d counted runs, median (min-max);"
                        + " peak RSS %s (ours, before llama.cpp ran)%n", s.model.getFileName(), s.threads, s.threads == 1 ? "" : "s",
                s.backend, s.policy.label(), s.decodeTokens, s.warmup, s.repeat, GenerateCommand.bytes(peakRss));
        if (s.warning != null) out.println("warning: " + s.warning);
        else if (s.load != null) out.println("machine load: " + s.load.describe());
        out.printf("%7s  %-9s %26s %26s %20s %10s %11s%n", "prompt", "", "prefill tok/s", "decode tok/s", "decode ms p50 / p99",
                "KV", "heap B/tok");
        for (int i = 0; i < ours.size(); i++) {
            Result o = ours.get(i);
            out.printf("%7d  %-9s %26s %26s %20s %10s %11d%n", o.promptTokens, "ours", spread(o.prefill), spread(o.decode),
                    latency(o), GenerateCommand.bytes(o.kvBytes), (long) o.heapPerToken.median());
            if (peer.isEmpty()) continue;
            Result p = peer.get(i);
            out.printf("%7s  %-9s %26s %26s %20s%n", "", "llama.cpp", spread(p.prefill), spread(p.decode), latency(p));
            out.printf("%7s  %-9s %26s %26s%n", "", "ratio", String.format("%.2fx", o.prefill.median() / p.prefill.median()),
                    String.format("%.2fx", o.decode.median() / p.decode.median()));
        }
    }

    private static String spread(Spread s) {
        return String.format("%.1f (%.1f-%.1f)", s.median(), s.min(), s.max());
    }

    private static String latency(Result r) {
        return String.format("%.2f / %.2f", r.p50Millis, r.p99Millis);
    }

    private static int parse(String s) {
        try {
            int v = Integer.parseInt(s);
            if (v < 1) throw new NumberFormatException();
            return v;
        } catch (NumberFormatException e) {
            throw new UsageException("--prompt-tokens: expected positive integers separated by commas, got '" + s + "'");
        }
    }
}
