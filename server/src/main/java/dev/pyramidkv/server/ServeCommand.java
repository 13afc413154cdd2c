package dev.pyramidkv.server;

import dev.pyramidkv.cache.PolicyConfig;
import dev.pyramidkv.engine.api.Engine;
import dev.pyramidkv.engine.cli.CliContext;
import dev.pyramidkv.engine.cli.Command;
import dev.pyramidkv.engine.cli.Options;
import dev.pyramidkv.engine.cli.ParsedArgs;
import dev.pyramidkv.engine.cli.RunOptions;
import dev.pyramidkv.engine.cli.UsageException;
import dev.pyramidkv.engine.registry.KnownModel;
import dev.pyramidkv.engine.registry.ModelRegistry;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;

/**
 * {@code pyramidkv serve}: the OpenAI API on the loopback until the process is stopped (SIGINT/SIGTERM shut
 * it down gracefully). Found by the engine's CLI as a {@link Command} service.
 */
public final class ServeCommand implements Command {
    @Override
    public String name() { return "serve"; }

    @Override
    public String summary() { return "serve the OpenAI API (chat and text completions) over HTTP"; }

    @Override
    public Options options() {
        Options o = new Options().modelOption()
                .value("--model-id", "NAME", "the model's name in the API (default: its known name, e.g. smollm2, or the file name without .gguf)")
                .value("--host", "ADDR", "address to listen on (default 127.0.0.1)")
                .value("--port", "N", "port to listen on (default 8080; 0 = any free port)")
                .value("--max-kv-bytes", "SIZE", "KV cache memory of all running requests together, e.g. 512m, 2g (default 1g)")
                .value("--max-sessions", "N", "requests generating at once (default: the number of cores)")
                .value("--queue", "N", "requests that may wait for memory; beyond that, 429 (default 32)")
                .value("--max-tokens", "N", "completion tokens of requests without max_tokens (default 256)")
                .value("--max-body", "SIZE", "largest request body; larger ones get 413 (default 1m)")
                .value("--read-timeout", "SECONDS", "a client that sends nothing for this long is dropped (default 30)")
                .value("--shutdown-deadline", "SECONDS", "how long running requests may finish at shutdown (default 10)");
        RunOptions.policy(o);
        return o.value("--threads", "N", "worker threads of each session (default 1)")
                .value("--backend", "onednn|java", "prompt prefill: oneDNN bf16 GEMMs (default; Java if libdnnl is missing) or Java kernels");
    }

    @Override
    public int run(ParsedArgs args, CliContext cli) throws Exception {
        // every option is checked before the model is looked for (which may download it)
        PolicyConfig policy = RunOptions.policy(args);
        long maxKvBytes = size(args, "--max-kv-bytes", 1L << 30);
        long maxBody = size(args, "--max-body", 1L << 20);
        int port = args.intValue("--port", 8080, 0, 65535);
        Path model = cli.model(args);
        ServerSettings defaults = ServerSettings.defaults(modelId(args, model, cli.models()), port);
        ServerSettings settings = defaults.withHost(args.string("--host", defaults.host()))
                .withPolicy(policy)
                .withBackend(RunOptions.backend(args))
                .withSessions(args.intValue("--max-sessions", defaults.maxSessions(), 1, 4096), args.intValue("--threads", 1, 1, 1024))
                .withMemory(maxKvBytes, args.intValue("--queue", defaults.queueLimit(), 0, 1 << 20))
                .withLimits(maxBody,
                        Duration.ofSeconds(args.intValue("--read-timeout", 30, 1, 86_400)),
                        args.intValue("--max-tokens", defaults.defaultMaxTokens(), 1, 1 << 20),
                        Duration.ofSeconds(args.intValue("--shutdown-deadline", 10, 0, 86_400)));
        Engine engine = Engine.load(model);
        OpenAiServer server;
        try {
            server = OpenAiServer.start(engine, settings);
        } catch (RuntimeException e) {
            engine.close();
            throw e;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            engine.close();
            stopped.countDown();
        }, "pyramidkv-shutdown"));
        cli.err().printf("pyramidkv: serving %s on %s/v1 (policy %s, %d sessions × %d threads, KV limit %d bytes); Ctrl-C stops%n",
                settings.modelId(), server.uri(), policy.label(), settings.maxSessions(), settings.threadsPerSession(), settings.maxKvBytes());
        cli.err().flush();
        stopped.await();
        return 0;
    }

    private static String modelId(ParsedArgs args, Path model, ModelRegistry models) {
        if (args.has("--model-id")) return args.string("--model-id", "");
        String given = args.string(Options.MODEL).orElse("");
        if (!given.isEmpty() && !given.contains("/") && !given.endsWith(".gguf")) return given;   // a known model name
        String file = model.getFileName().toString();
        for (KnownModel known : models.models()) if (known.fileName().equals(file)) return known.name();   // e.g. the default model
        return file.endsWith(".gguf") ? file.substring(0, file.length() - 5) : file;
    }

    /** A byte size: digits with an optional k, m or g (powers of 1024). */
    static long size(ParsedArgs args, String option, long fallback) {
        String v = args.string(option).orElse(null);
        if (v == null) return fallback;
        String s = v.trim().toLowerCase(Locale.ROOT);
        int shift = switch (s.isEmpty() ? ' ' : s.charAt(s.length() - 1)) {
            case 'k' -> 10;
            case 'm' -> 20;
            case 'g' -> 30;
            default -> 0;
        };
        if (shift > 0) s = s.substring(0, s.length() - 1);
        try {
            long n = Long.parseLong(s);
            if (n <= 0 || n > (Long.MAX_VALUE >> shift)) throw new NumberFormatException();
            return n << shift;
        } catch (NumberFormatException e) {
            throw new UsageException(option + ": expected a positive size such as 65536, 512m or 2g, got '" + v + "'");
        }
    }
}
