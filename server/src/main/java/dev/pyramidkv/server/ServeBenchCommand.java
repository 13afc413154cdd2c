package dev.pyramidkv.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pyramidkv.engine.cli.CliContext;
import dev.pyramidkv.engine.cli.CliException;
import dev.pyramidkv.engine.cli.Command;
import dev.pyramidkv.engine.cli.Options;
import dev.pyramidkv.engine.cli.ParsedArgs;
import dev.pyramidkv.engine.cli.Spread;
import dev.pyramidkv.engine.cli.UsageException;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * {@code pyramidkv serve-bench}: concurrent streaming chat clients against any OpenAI-style server (ours or
 * llama.cpp's {@code llama-server}), each request timed from send to its first content chunk (time to first
 * token) and to {@code [DONE]}. Every request has its own prompt, so a server's prompt cache does not turn
 * the run into a cache benchmark. Completion tokens are the usage block's count where the server sends one
 * (ours does, llama-server with {@code stream_options.include_usage}), else the content chunks.
 */
public final class ServeBenchCommand implements Command {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] TOPICS = {"a lighthouse keeper", "a lost kitten", "a robot gardener", "an old map",
            "a rainy market day", "a paper boat", "a broken clock", "a mountain village", "a secret library", "a kite contest"};
    private static final String[] ASKS = {"Write a short story about %s.", "Tell a bedtime story about %s.",
            "Describe %s in a few sentences.", "Write a poem about %s."};

    @Override
    public String name() { return "serve-bench"; }

    @Override
    public String summary() { return "load an OpenAI-style server with streaming clients: throughput, time to first token"; }

    @Override
    public Options options() {
        return new Options().jsonOption()
                .value("--url", "URL", "the server's base URL (default http://127.0.0.1:8080)")
                .value("--model-id", "NAME", "the request's model field (default: the first of GET /v1/models)")
                .value("--clients", "N", "concurrent clients (default 8)")
                .value("--requests", "N", "requests per client, one after another (default 25)")
                .value("--max-tokens", "N", "max_tokens of each request (default 48)")
                .value("--extra", "JSON", "fields added to every request, e.g. '{\"kv\": {\"policy\": \"pyramid\", \"budget\": 64}}'");
    }

    /** One request's outcome: status 200 with timings, or the error. */
    record Result(int status, String error, long ttftNanos, long totalNanos, int completionTokens) {}

    @Override
    public int run(ParsedArgs args, CliContext cli) throws Exception {
        URI base = baseUri(args.string("--url", "http://127.0.0.1:8080"));
        int clients = args.intValue("--clients", 8, 1, 1024);
        int requests = args.intValue("--requests", 25, 1, 1_000_000);
        int maxTokens = args.intValue("--max-tokens", 48, 1, 1 << 20);
        ObjectNode extra = extra(args.string("--extra", "{}"));
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        String model = args.has("--model-id") ? args.string("--model-id", "") : firstModel(http, base);

        Result warmup = request(http, base, body(model, prompt(-1), maxTokens, extra));   // not counted
        if (warmup.status != 200) throw new CliException("the warm-up request failed: " + warmup.error);

        int total = clients * requests;
        AtomicInteger done = new AtomicInteger();
        ConcurrentLinkedQueue<Result> results = new ConcurrentLinkedQueue<>();
        long t0 = System.nanoTime();
        try (ExecutorService pool = Executors.newFixedThreadPool(clients)) {
            List<Future<?>> running = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                int client = c;
                running.add(pool.submit(() -> {
                    for (int j = 0; j < requests; j++) {
                        results.add(request(http, base, body(model, prompt(client * requests + j), maxTokens, extra)));
                        int n = done.incrementAndGet();
                        cli.status(String.format(Locale.ROOT, "serve-bench: %d/%d requests", n, total));
                    }
                    return null;
                }));
            }
            for (Future<?> f : running) f.get();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        Summary s = Summary.of(List.copyOf(results), seconds);
        if (args.flag(Options.JSON)) {
            cli.out().println(s.json(base, model, clients, requests, maxTokens));
        } else {
            cli.out().printf(Locale.ROOT, "%s, model %s: %d clients × %d requests, max_tokens %d%n", base, model, clients, requests, maxTokens);
            cli.out().printf(Locale.ROOT, "  %d ok, %d failed in %.1f s: %.2f requests/s, %.1f completion tok/s (%d tokens)%n",
                    s.ok, s.failed, seconds, s.ok / seconds, s.tokens / seconds, s.tokens);
            if (s.ok > 0) cli.out().printf(Locale.ROOT, "  time to first token: p50 %.0f ms, p99 %.0f ms; request: p50 %.0f ms, p99 %.0f ms%n",
                    s.ttftP50Ms, s.ttftP99Ms, s.totalP50Ms, s.totalP99Ms);
            for (String e : s.errors) cli.out().println("  error: " + e);
        }
        return s.failed == 0 ? 0 : 1;
    }

    record Summary(int ok, int failed, long tokens, double seconds, double ttftP50Ms, double ttftP99Ms,
                   double totalP50Ms, double totalP99Ms, List<String> errors) {
        static Summary of(List<Result> results, double seconds) {
            List<Result> ok = results.stream().filter(r -> r.status == 200).toList();
            List<String> errors = results.stream().filter(r -> r.status != 200).map(Result::error).distinct().limit(5).toList();
            long tokens = ok.stream().mapToLong(Result::completionTokens).sum();
            long[] ttft = ok.stream().mapToLong(Result::ttftNanos).toArray();
            long[] whole = ok.stream().mapToLong(Result::totalNanos).toArray();
            boolean any = !ok.isEmpty();
            return new Summary(ok.size(), results.size() - ok.size(), tokens, seconds,
                    any ? Spread.percentile(ttft, 50) / 1e6 : 0, any ? Spread.percentile(ttft, 99) / 1e6 : 0,
                    any ? Spread.percentile(whole, 50) / 1e6 : 0, any ? Spread.percentile(whole, 99) / 1e6 : 0, errors);
        }

        String json(URI base, String model, int clients, int requests, int maxTokens) {
            ObjectNode o = JsonNodeFactory.instance.objectNode();
            o.put("url", base.toString()).put("model", model).put("clients", clients).put("requests_per_client", requests)
                    .put("max_tokens", maxTokens).put("ok", ok).put("failed", failed).put("seconds", seconds)
                    .put("requests_per_second", ok / seconds).put("completion_tokens", tokens)
                    .put("completion_tokens_per_second", tokens / seconds)
                    .put("ttft_p50_ms", ttftP50Ms).put("ttft_p99_ms", ttftP99Ms)
                    .put("request_p50_ms", totalP50Ms).put("request_p99_ms", totalP99Ms);
            ArrayNode e = o.putArray("errors");
            errors.forEach(e::add);
            return o.toString();
        }
    }

    /** The prompt of request {@code i}: distinct for the first 40 requests, then topics come round again. */
    static String prompt(int i) {
        if (i < 0) return "Say hello.";
        return String.format(ASKS[i % ASKS.length], TOPICS[(i / ASKS.length) % TOPICS.length]) + (i >= 40 ? " (" + i + ")" : "");
    }

    static String body(String model, String prompt, int maxTokens, ObjectNode extra) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("model", model).put("max_tokens", maxTokens).put("temperature", 0).put("stream", true);
        o.putObject("stream_options").put("include_usage", true);
        o.putArray("messages").addObject().put("role", "user").put("content", prompt);
        o.setAll(extra);
        return o.toString();
    }

    /** Sends one streaming chat request and reads it to {@code [DONE]}; failures are results, not exceptions. */
    static Result request(HttpClient http, URI base, String body) {
        HttpRequest req = HttpRequest.newBuilder(base.resolve("v1/chat/completions")).timeout(Duration.ofMinutes(10))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
        long t0 = System.nanoTime();
        try {
            HttpResponse<Stream<String>> r = http.send(req, HttpResponse.BodyHandlers.ofLines());
            try (Stream<String> lines = r.body()) {
                if (r.statusCode() != 200) {
                    return new Result(r.statusCode(), "HTTP " + r.statusCode() + ": " + String.join(" ", lines.limit(5).toList()), 0, 0, 0);
                }
                long ttft = 0;
                int chunks = 0, usage = -1;
                for (String line : (Iterable<String>) lines::iterator) {
                    if (!line.startsWith("data: ")) continue;
                    String data = line.substring(6).trim();
                    if (data.equals("[DONE]")) {
                        return new Result(200, "", ttft, System.nanoTime() - t0, usage >= 0 ? usage : chunks);
                    }
                    JsonNode event = JSON.readTree(data);
                    if (event.path("usage").has("completion_tokens")) usage = event.path("usage").path("completion_tokens").asInt();
                    JsonNode choices = event.path("choices");
                    if (choices.isEmpty() || choices.get(0).path("delta").path("content").asText("").isEmpty()) continue;
                    if (chunks++ == 0) ttft = System.nanoTime() - t0;
                }
                return new Result(-1, "the stream ended without [DONE]", 0, 0, 0);
            }
        } catch (ConnectException e) {
            return new Result(-1, "cannot connect to " + base, 0, 0, 0);
        } catch (IOException e) {
            return new Result(-1, e.getClass().getSimpleName() + ": " + e.getMessage(), 0, 0, 0);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(-1, "interrupted", 0, 0, 0);
        }
    }

    private static URI baseUri(String url) {
        try {
            URI u = URI.create(url.endsWith("/") ? url : url + "/");
            if (!"http".equals(u.getScheme()) && !"https".equals(u.getScheme()) || u.getHost() == null) throw new IllegalArgumentException();
            return u;
        } catch (IllegalArgumentException e) {
            throw new UsageException("--url: expected an http:// or https:// URL, got '" + url + "'");
        }
    }

    private static ObjectNode extra(String json) {
        try {
            if (JSON.readTree(json) instanceof ObjectNode o) return o;
        } catch (IOException e) {
            // reported below
        }
        throw new UsageException("--extra: expected a JSON object, got '" + json + "'");
    }

    private static String firstModel(HttpClient http, URI base) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(base.resolve("v1/models")).timeout(Duration.ofSeconds(30)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            JsonNode data = r.statusCode() == 200 ? JSON.readTree(r.body()).path("data") : null;
            if (data == null || data.isEmpty()) throw new CliException("GET " + base + "v1/models answered " + r.statusCode() + " without a model; give --model-id");
            return data.get(0).path("id").asText();
        } catch (ConnectException e) {
            throw new CliException("cannot connect to " + base + ": is the server running?");
        } catch (IOException e) {
            throw new CliException("GET " + base + "v1/models failed: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted");
        }
    }
}
