package dev.pyramidkv.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pyramidkv.engine.api.Engine;
import dev.pyramidkv.engine.api.Generation;
import dev.pyramidkv.engine.api.StopReason;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * {@code pyramidkv serve}: the OpenAI API over one {@link Engine} on Helidon SE (virtual threads). Endpoints:
 * {@code POST /v1/chat/completions}, {@code POST /v1/completions} (both also as server-sent events with
 * {@code stream: true}), {@code GET /v1/models}, {@code GET /health}, {@code GET /metrics} (Prometheus text).
 * A streaming client that disconnects cancels its generation; its memory is freed when the current token ends.
 */
public final class OpenAiServer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(OpenAiServer.class.getName());
    private static final String JSON_TYPE = "application/json";

    private final Engine engine;
    private final ServerSettings settings;
    private final Metrics metrics = new Metrics();
    private final Generator generator;
    private final WebServer server;
    private final long created = System.currentTimeMillis() / 1000;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("pyramidkv-read-timeout").daemon().factory());
    private volatile boolean closing;
    private boolean closed;

    private OpenAiServer(Engine engine, ServerSettings settings) {
        this.engine = engine;
        this.settings = settings;
        this.generator = new Generator(engine, settings, metrics);
        this.server = WebServer.builder()
                .host(settings.host())
                .port(settings.port())
                .maxPayloadSize(settings.maxBodyBytes())
                .connectionOptions(o -> o.readTimeout(settings.readTimeout()))
                .idleConnectionTimeout(settings.readTimeout())
                .idleConnectionPeriod(Duration.ofSeconds(1))   // how often idle connections are looked for
                .routing(r -> r
                        .post("/v1/chat/completions", endpoint("chat", (req, res) -> completions(req, res, true)))
                        .post("/v1/completions", endpoint("completions", (req, res) -> completions(req, res, false)))
                        .get("/v1/models", endpoint("models", this::models))
                        .get("/health", endpoint("health", this::health))
                        .get("/metrics", endpoint("metrics", this::metrics)))
                .build();
    }

    /** Starts serving; the engine stays the caller's (close it after the server). */
    public static OpenAiServer start(Engine engine, ServerSettings settings) {
        OpenAiServer s = new OpenAiServer(engine, settings);
        s.server.start();
        return s;
    }

    /** The port listened on (the one chosen by the system when the settings asked for 0). */
    public int port() { return server.port(); }

    public URI uri() { return URI.create("http://" + settings.host() + ":" + port()); }

    /**
     * Shuts down gracefully: new and queued requests get 503, running generations have the settings'
     * deadline to finish and are then cancelled, with as long again to end. Returns when every session's
     * memory is freed, or after the two deadlines if a prefill still runs (a prefill is not interruptible).
     */
    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        closing = true;
        try {
            generator.shutdown(settings.shutdownDeadline());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            server.stop();
            timer.shutdownNow();
        }
    }

    private interface Endpoint {
        void handle(ServerRequest req, ServerResponse res) throws Exception;
    }

    /** Every endpoint's errors become OpenAI-shaped JSON, and every request is counted. */
    private Handler endpoint(String name, Endpoint e) {
        return (req, res) -> {
            try {
                e.handle(req, res);
            } catch (ApiException x) {
                sendError(res, x);
            } catch (Exception | Error x) {
                if (x instanceof InterruptedException) Thread.currentThread().interrupt();
                if (x instanceof io.helidon.http.RequestException re && !res.isSent()) {
                    sendError(res, re.status().code(), re.getMessage(), "invalid_request_error");
                } else {
                    LOG.log(System.Logger.Level.ERROR, "request to " + name + " failed", x);
                    if (!res.isSent()) sendError(res, 500, "internal error: " + x, "server_error");
                }
            } finally {
                metrics.request(name, res.status().code());
            }
        };
    }

    private void completions(ServerRequest req, ServerResponse res, boolean chat) throws Exception {
        if (closing) throw ApiException.unavailable("the server is shutting down");
        byte[] body = readBody(req, res);
        CompletionRequest r = CompletionRequest.parse(body, chat, settings.policy(), settings.defaultMaxTokens());
        String model = r.model() == null ? settings.modelId() : r.model();
        if (!model.equals(settings.modelId())) throw ApiException.modelNotFound(model, settings.modelId());
        Generator.Prepared prepared = generator.prepare(r);
        Generator.Job job = generator.start(prepared, r.stream());
        String id = (chat ? "chatcmpl-" : "cmpl-") + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
        long now = System.currentTimeMillis() / 1000;
        if (r.stream()) stream(res, job, chat, r.includeUsage(), id, now, model);
        else respond(res, job, chat, id, now, model);
    }

    /**
     * The request body, read within the read timeout, else a 408. A client still sending past the deadline is
     * answered here. One that stops sending blocks the read, which Helidon does not time out: the timer answers
     * it, then interrupts the handler's virtual thread, which closes its socket (how a virtual thread blocked in
     * socket I/O is woken); the handler then finds the answer sent. The lock keeps the two from both answering.
     */
    private byte[] readBody(ServerRequest req, ServerResponse res) {
        long deadline = System.nanoTime() + settings.readTimeout().toNanos();
        Thread handler = Thread.currentThread();
        Object lock = new Object();
        boolean[] reading = {true};
        ScheduledFuture<?> guard = timer.schedule(() -> {
            synchronized (lock) {
                if (!reading[0]) return;
                reading[0] = false;
                try {
                    sendError(res, tooSlow());
                } catch (RuntimeException gone) {
                    // the client left: nothing to answer
                }
                handler.interrupt();
            }
        }, settings.readTimeout().toMillis(), TimeUnit.MILLISECONDS);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        byte[] chunk = new byte[16 * 1024];
        try (InputStream in = req.content().inputStream()) {
            for (int n; (n = in.read(chunk)) >= 0; ) {
                body.write(chunk, 0, n);
                if (System.nanoTime() > deadline) {
                    stopGuard(lock, reading);
                    throw tooSlow();
                }
            }
            if (!stopGuard(lock, reading)) throw tooSlow();   // the timer answered while the last bytes came
            return body.toByteArray();
        } catch (IOException | RuntimeException e) {
            if (Thread.currentThread().isInterrupted()) throw tooSlow();   // the timer answered and woke the read
            throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
        } finally {
            stopGuard(lock, reading);
            guard.cancel(false);
            Thread.interrupted();
        }
    }

    /** Ends the timer's watch; false if the timer has already answered. */
    private static boolean stopGuard(Object lock, boolean[] reading) {
        synchronized (lock) {
            boolean wasReading = reading[0];
            reading[0] = false;
            return wasReading;
        }
    }

    private ApiException tooSlow() {
        return ApiException.timeout("the request body did not arrive within " + settings.readTimeout().toSeconds() + " s");
    }

    private void respond(ServerResponse res, Generator.Job job, boolean chat, String id, long now, String model) throws Exception {
        Object e;
        while ((e = job.next()) instanceof String) { /* text pieces are for streams */ }
        Generation g = result(e);
        if (g.stopReason() == StopReason.CANCELLED) throw ApiException.unavailable("the server shut down before the generation finished");
        sendJson(res, 200, OpenAiJson.completion(chat, id, now, model, g.text(), OpenAiJson.finishReason(g.stopReason()),
                OpenAiJson.usage(g.promptTokens(), g.generatedTokens())));
    }

    /** Server-sent events, one chunk per piece of text; a write that fails means the client left. */
    private void stream(ServerResponse res, Generator.Job job, boolean chat, boolean includeUsage, String id, long now, String model) throws Exception {
        res.status(Status.OK_200);
        res.header(HeaderNames.CONTENT_TYPE, "text/event-stream");
        res.header(HeaderNames.CACHE_CONTROL, "no-cache");
        try (OutputStream out = res.outputStream()) {
            if (chat) event(out, OpenAiJson.chunk(true, id, now, model, true, null, null, null));
            while (true) {
                Object e = job.next();
                if (e instanceof String text) {
                    event(out, OpenAiJson.chunk(chat, id, now, model, false, text, null, null));
                    continue;
                }
                if (e instanceof Generation g) {
                    ObjectNode usage = OpenAiJson.usage(g.promptTokens(), g.generatedTokens());
                    event(out, OpenAiJson.chunk(chat, id, now, model, false, null, OpenAiJson.finishReason(g.stopReason()), usage));
                    if (includeUsage) event(out, OpenAiJson.usageChunk(chat, id, now, model, usage));
                } else {
                    LOG.log(System.Logger.Level.ERROR, "generation failed", (Throwable) e);
                    event(out, ApiException.body("generation failed: " + e, "server_error", null, null));
                }
                out.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
                break;
            }
        } catch (IOException | RuntimeException gone) {
            // the client disconnected (Helidon reports a failed write with its own unchecked exceptions):
            // stop generating now and free the session before this request ends
            LOG.log(System.Logger.Level.DEBUG, "stream client gone", gone);
            job.cancel();
            job.awaitDone();
        }
    }

    private static void event(OutputStream out, JsonNode json) throws IOException {
        out.write(("data: " + CompletionRequest.JSON.writeValueAsString(json) + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private static Generation result(Object e) throws Exception {
        if (e instanceof Generation g) return g;
        if (e instanceof IllegalArgumentException iae) throw ApiException.invalid(null, iae.getMessage());
        if (e instanceof Exception x) throw x;
        throw (Error) e;
    }

    private void models(ServerRequest req, ServerResponse res) throws JsonProcessingException {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        root.put("object", "list");
        ObjectNode m = root.putArray("data").addObject();
        m.put("id", settings.modelId());
        m.put("object", "model");
        m.put("created", created);
        m.put("owned_by", "pyramidkv");
        m.put("context_length", engine.config().contextLength());
        sendJson(res, 200, root);
    }

    private void health(ServerRequest req, ServerResponse res) throws JsonProcessingException {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        root.put("status", closing ? "shutting down" : "ok");
        sendJson(res, closing ? 503 : 200, root);
    }

    private void metrics(ServerRequest req, ServerResponse res) {
        Admission a = generator.admission();
        String text = metrics.render(generator.liveKvBytes(), a.reservedBytes(), a.limitBytes(), a.sessions(), a.queued());
        res.header(HeaderNames.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8");
        res.send(text.getBytes(StandardCharsets.UTF_8));
    }

    private static void sendJson(ServerResponse res, int status, JsonNode json) throws JsonProcessingException {
        res.status(status);
        res.header(HeaderNames.CONTENT_TYPE, JSON_TYPE);
        res.send(CompletionRequest.JSON.writeValueAsBytes(json));
    }

    private static void sendError(ServerResponse res, ApiException x) {
        if (res.isSent()) return;
        if (x.retryAfter > 0) res.header(HeaderNames.RETRY_AFTER, Integer.toString(x.retryAfter));
        try {
            sendJson(res, x.status, x.body());
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void sendError(ServerResponse res, int status, String message, String type) {
        try {
            sendJson(res, status, ApiException.body(message, type, null, null));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
