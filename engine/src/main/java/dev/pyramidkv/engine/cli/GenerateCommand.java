package dev.pyramidkv.engine.cli;

import dev.pyramidkv.cache.CacheMemory;
import dev.pyramidkv.cache.PolicyConfig;
import dev.pyramidkv.engine.api.Engine;
import dev.pyramidkv.engine.api.Generation;
import dev.pyramidkv.engine.api.GenerationParams;
import dev.pyramidkv.engine.api.Session;
import dev.pyramidkv.engine.json.Json;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * {@code pyramidkv generate --prompt TEXT [--chat] [policy and sampling options] [--json]}: one generation,
 * streamed to stdout, with its speed and KV memory on stderr (or all of it as JSON).
 */
final class GenerateCommand implements Command {
    @Override
    public String name() { return "generate"; }

    @Override
    public String summary() { return "generate text from a prompt, with a KV-cache policy"; }

    @Override
    public Options options() {
        Options o = new Options().modelOption()
                .value("--prompt", "TEXT", "the prompt (raw text; '-' reads standard input)")
                .flag("--chat", "treat the prompt as a user message rendered through the model's chat template")
                .jsonOption();
        return RunOptions.session(RunOptions.sampling(RunOptions.policy(o)));
    }

    @Override
    public int run(ParsedArgs args, CliContext cli) throws IOException {
        String prompt = args.string("--prompt").orElseThrow(() -> new UsageException("--prompt is required"));
        if (prompt.equals("-")) prompt = new String(System.in.readAllBytes(), StandardCharsets.UTF_8);
        boolean json = args.flag(Options.JSON);
        PolicyConfig policy = RunOptions.policy(args);
        GenerationParams params = RunOptions.sampling(args);
        try (Engine engine = Engine.load(cli.model(args));
             Session session = engine.newSession(RunOptions.session(args, policy, params.maxTokens()))) {
            PrintStream out = cli.out();
            Generation g = args.flag("--chat")
                    ? session.chat(prompt, params, json ? null : text -> { out.print(text); out.flush(); })
                    : session.generate(prompt, params, json ? null : text -> { out.print(text); out.flush(); });
            CacheMemory mem = session.memory();
            if (json) {
                out.println(Json.object()
                        .put("text", g.text())
                        .put("prompt_tokens", g.promptTokens())
                        .put("generated_tokens", g.generatedTokens())
                        .put("stop_reason", g.stopReason().name().toLowerCase())
                        .put("prefill_tokens_per_s", g.prefillTokensPerSecond())
                        .put("decode_tokens_per_s", g.decodeTokensPerSecond())
                        .put("policy", policy.label())
                        .put("kv_bytes", mem.liveKvBytes())
                        .put("kv_full_bytes", mem.fullEquivalentBytes())
                        .put("kv_reserved_bytes", mem.allocatedBytes())
                        .toString());
            } else {
                out.println();
                cli.err().printf("[%d prompt tokens, %.1f tok/s prefill; %d generated, %.1f tok/s decode; stop: %s; KV %s: %s live of %s full]%n",
                        g.promptTokens(), g.prefillTokensPerSecond(), g.generatedTokens(), g.decodeTokensPerSecond(),
                        g.stopReason().name().toLowerCase(), policy.label(), bytes(mem.liveKvBytes()), bytes(mem.fullEquivalentBytes()));
            }
        }
        return 0;
    }

    static String bytes(long b) {
        if (b < 1024) return b + " B";
        if (b < 1 << 20) return String.format("%.1f KiB", b / 1024.0);
        return String.format("%.1f MiB", b / (1024.0 * 1024));
    }
}
