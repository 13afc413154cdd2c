package dev.pyramidkv.engine.cli;

import dev.pyramidkv.cache.PolicyConfig;
import dev.pyramidkv.engine.api.Engine;
import dev.pyramidkv.engine.api.Generation;
import dev.pyramidkv.engine.api.GenerationParams;
import dev.pyramidkv.engine.api.Session;
import dev.pyramidkv.engine.json.Json;
import dev.pyramidkv.engine.peer.LlamaCpp;
import dev.pyramidkv.engine.registry.FetchProgress;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

/**
 * {@code pyramidkv bench}: prefill and decode speed on the same prompts for each prompt length, with the KV
 * bytes, heap bytes allocated per decoded token and the peak RSS; {@code --vs-llamacpp} runs llama.cpp
 * (the pinned de.kherud:llama build, through its C API) on the same GGUF, tokens and threads in the same
 * run and reports our speed as a ratio of its.
 */
final class BenchCommand implements Command {
    @Override
    public String name() { return "bench"; }

    @Override
    public String summary() { return "measure prefill and decode speed (optionally against llama.cpp)"; }

    @Override
    public Options options() {
        Options o = new Options().modelOption()
                .value("--prompt-tokens", "N,N", "prompt lengths to measure (default 512,4096)")
                .value("--decode-tokens", "N", "tokens decoded after each prompt (default 64)")
                .value("--repeat", "N", "runs per prompt length; the best is reported (default 2)")
                .flag("--vs-llamacpp", "also run llama.cpp on the same model, tokens and threads, and print ratios")
                .jsonOption();
        return RunOptions.session(RunOptions.policy(o));
    }

    record Run(int promptTokens, double prefill, int decodeTokens, double decode, long kvBytes, long heapPerToken) {}

    @Override
    public int run(ParsedArgs args, CliContext cli) throws IOException {
        int[] lengths = Arrays.stream(args.string("--prompt-tokens", "512,4096").split(","))
                .mapToInt(s -> parse(s.strip())).toArray();
        int decodeTokens = args.intValue("--decode-tokens", 64, 1, 100_000);
        int repeat = args.intValue("--repeat", 2, 1, 100);
        PolicyConfig policy = RunOptions.policy(args);
        Path modelPath = cli.model(args);
        FetchProgress progress = cli.progress();
        List<Run> ours = new ArrayList<>(), peer = new ArrayList<>();
        int threads;
        String backend;
        long peakRss;
        try (Engine engine = Engine.load(modelPath)) {
            int maxLen = Arrays.stream(lengths).max().orElse(512);
            var config = RunOptions.session(args, policy, decodeTokens + 1);
            if (config.contextLength() == 0) config = config.withContextLength(Math.min(engine.config().contextLength(), maxLen + decodeTokens + 1));
            threads = config.threads();
            try (Session session = engine.newSession(config)) {
                backend = session.backend().name().toLowerCase();
                for (int len : lengths) {
                    int[] prompt = promptTokens(engine, len);
                    Run best = null;
                    for (int r = 0; r < repeat; r++) {
                        progress.report("bench: ours, " + len + "-token prompt, run " + (r + 1) + " of " + repeat, 0, 0);
                        session.reset();
                        Generation g = session.generate(prompt, GenerationParams.greedy().withMaxTokens(decodeTokens + 1), null);
                        Run run = new Run(len, g.prefillTokensPerSecond(), g.decodeTokens(), g.decodeTokensPerSecond(),
                                session.memory().liveKvBytes(), g.decodeHeapBytesPerToken());
                        best = best == null ? run : new Run(len, Math.max(best.prefill, run.prefill), run.decodeTokens,
                                Math.max(best.decode, run.decode), run.kvBytes, Math.min(best.heapPerToken, run.heapPerToken));
                    }
                    ours.add(best);
                }
            }
            peakRss = peakRssBytes();
            if (args.flag("--vs-llamacpp")) {
                try (LlamaCpp llama = LlamaCpp.open(modelPath, threads, Math.min(engine.config().contextLength(), maxLen + decodeTokens + 8))) {
                    for (int len : lengths) {
                        int[] prompt = promptTokens(engine, len);
                        Run best = null;
                        for (int r = 0; r < repeat; r++) {
                            progress.report("bench: llama.cpp, " + len + "-token prompt, run " + (r + 1) + " of " + repeat, 0, 0);
                            Run run = llamaRun(llama, prompt, decodeTokens);
                            best = best == null ? run : new Run(len, Math.max(best.prefill, run.prefill), run.decodeTokens, Math.max(best.decode, run.decode), 0, 0);
                        }
                        peer.add(best);
                    }
                }
            }
        }
        print(args.flag(Options.JSON), cli, modelPath, threads, backend, policy, peakRss, ours, peer);
        return 0;
    }

    /** llama.cpp on the same tokens: prefill as one llama_decode, then greedy single-token decodes. */
    private static Run llamaRun(LlamaCpp llama, int[] prompt, int decodeTokens) {
        llama.reset();
        long t0 = System.nanoTime();
        llama.decode(prompt, 0, prompt.length);
        long t1 = System.nanoTime();
        int[] one = new int[1];
        for (int i = 0; i < decodeTokens; i++) {
            one[0] = argmax(llama.logits(), llama.vocab);
            llama.decode(one, 0, 1);
        }
        long t2 = System.nanoTime();
        return new Run(prompt.length, prompt.length * 1e9 / (t1 - t0), decodeTokens, decodeTokens * 1e9 / (t2 - t1), 0, 0);
    }

    private static int argmax(MemorySegment logits, int vocab) {
        int best = 0;
        for (int v = 1; v < vocab; v++) if (logits.getAtIndex(JAVA_FLOAT, v) > logits.getAtIndex(JAVA_FLOAT, best)) best = v;
        return best;
    }

    /** Exactly {@code n} tokens of the built-in prose (repeated as needed). */
    private static int[] promptTokens(Engine engine, int n) {
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

    private static void print(boolean json, CliContext cli, Path model, int threads, String backend, PolicyConfig policy,
                              long peakRss, List<Run> ours, List<Run> peer) {
        if (json) {
            StringBuilder runs = new StringBuilder("[");
            for (int i = 0; i < ours.size(); i++) {
                Run o = ours.get(i);
                Json.ObjectBuilder j = Json.object().put("prompt_tokens", o.promptTokens).put("prefill_tokens_per_s", o.prefill)
                        .put("decode_tokens", o.decodeTokens).put("decode_tokens_per_s", o.decode).put("kv_bytes", o.kvBytes)
                        .put("heap_bytes_per_decoded_token", o.heapPerToken);
                if (!peer.isEmpty()) {
                    Run p = peer.get(i);
                    j.putRaw("llamacpp", Json.object().put("prefill_tokens_per_s", p.prefill).put("decode_tokens_per_s", p.decode).toString())
                            .put("prefill_ratio", o.prefill / p.prefill).put("decode_ratio", o.decode / p.decode);
                }
                runs.append(i == 0 ? "" : ", ").append(j);
            }
            cli.out().println(Json.object().put("model", model.getFileName().toString()).put("threads", threads)
                    .put("backend", backend).put("policy", policy.label()).put("peak_rss_bytes", peakRss)
                    .putRaw("runs", runs.append(']').toString()).toString());
            return;
        }
        var out = cli.out();
        out.printf("%s, %d threads, prefill backend %s, KV %s; peak RSS %s (ours, before llama.cpp ran)%n",
                model.getFileName(), threads, backend, policy.label(), GenerateCommand.bytes(peakRss));
        out.printf("%8s %14s %14s %10s %12s %12s%s%n", "prompt", "prefill tok/s", "decode tok/s", "KV", "heap B/tok", "",
                peer.isEmpty() ? "" : "   llama.cpp prefill / decode   ratio prefill / decode");
        for (int i = 0; i < ours.size(); i++) {
            Run o = ours.get(i);
            out.printf("%8d %14.1f %14.1f %10s %12d %12s", o.promptTokens, o.prefill, o.decode, GenerateCommand.bytes(o.kvBytes), o.heapPerToken, "");
            if (!peer.isEmpty()) {
                Run p = peer.get(i);
                out.printf("   %10.1f / %-10.1f     %5.2fx / %5.2fx", p.prefill, p.decode, o.prefill / p.prefill, o.decode / p.decode);
            }
            out.println();
        }
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
