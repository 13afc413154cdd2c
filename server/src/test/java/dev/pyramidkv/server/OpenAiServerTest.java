package dev.pyramidkv.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pyramidkv.engine.api.Engine;
import dev.pyramidkv.engine.testing.TestModels;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static dev.pyramidkv.server.ServerHarness.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * The OpenAI endpoints through java.net.http against the real server on the loopback, on the tiny real model
 * (SmolLM2 prefill takes minutes on the AVX2-only development machine until the decode kernels are width-portable).
 */
class OpenAiServerTest {
    static final String STORY = "Once upon a time, there was a little girl named Lily. She loved to play outside in the park.";
    static Engine engine;
    static OpenAiServer server;
    static URI base;

    @BeforeAll
    static void start() throws Exception {
        engine = Engine.load(TestModels.stories260K());
        server = OpenAiServer.start(engine, settings("stories260K").withLimits(64 << 10, Duration.ofSeconds(2), 64, Duration.ofSeconds(10)));
        base = server.uri();
    }

    @AfterAll
    static void stop() {
        if (server != null) server.close();
        if (engine != null) engine.close();
    }

    @Test
    void aChatCompletionAnswersWithUsage() throws Exception {
        Reply r = post(base, "/v1/chat/completions", chatBody("Tell me a story.", 24, ""));
        assertEquals(200, r.status(), r::toString);
        assertEquals("application/json", r.response().headers().firstValue("Content-Type").orElse(""));
        JsonNode j = r.json();
        assertEquals("chat.completion", j.path("object").asText());
        assertEquals("stories260K", j.path("model").asText());
        assertTrue(j.path("id").asText().startsWith("chatcmpl-"), r::toString);
        JsonNode choice = j.path("choices").get(0);
        assertEquals("assistant", choice.path("message").path("role").asText());
        assertFalse(choice.path("message").path("content").asText().isBlank(), r::toString);
        JsonNode usage = j.path("usage");
        assertTrue(usage.path("prompt_tokens").asInt() > 5, usage::toString);
        assertEquals(usage.path("prompt_tokens").asInt() + usage.path("completion_tokens").asInt(), usage.path("total_tokens").asInt());
        assertTrue(usage.path("completion_tokens").asInt() <= 24, usage::toString);
    }

    @Test
    void aStreamedChatIsTheSameAnswerAsAWholeOne() throws Exception {
        String body = chatBody("Tell me a story about a dog.", 40, "");
        JsonNode whole = post(base, "/v1/chat/completions", body).json();
        List<JsonNode> events = events(base, "/v1/chat/completions", body.replace("}", ", \"stream\": true, \"stream_options\": {\"include_usage\": true}}").replaceFirst("}, ", "}, "));
        assertEquals("assistant", events.getFirst().path("choices").get(0).path("delta").path("role").asText(), "the first chunk carries the role");
        assertTrue(events.size() > 3, "the text comes in pieces: " + events);
        for (JsonNode e : events) assertEquals("chat.completion.chunk", e.path("object").asText());
        assertEquals(whole.path("choices").get(0).path("message").path("content").asText(), streamedText(events, true));
        JsonNode finish = events.get(events.size() - 2);
        assertEquals(whole.path("choices").get(0).path("finish_reason").asText(), finish.path("choices").get(0).path("finish_reason").asText());
        JsonNode usageChunk = events.getLast();
        assertTrue(usageChunk.path("choices").isEmpty(), "include_usage adds a chunk without choices");
        assertEquals(whole.path("usage"), usageChunk.path("usage"));
    }

    @Test
    void textCompletionsStreamedAndNotAgree() throws Exception {
        String body = completionBody(STORY, 30, "");
        Reply r = post(base, "/v1/completions", body);
        assertEquals(200, r.status(), r::toString);
        JsonNode j = r.json();
        assertEquals("text_completion", j.path("object").asText());
        String text = j.path("choices").get(0).path("text").asText();
        assertFalse(text.isEmpty());
        List<JsonNode> events = events(base, "/v1/completions", completionBody(STORY, 30, "\"stream\": true"));
        assertEquals(text, streamedText(events, false));
        assertEquals(j.path("usage"), events.getLast().path("usage"), "the last chunk carries the usage");
    }

    @Test
    void stopStringsAndTheKvExtensionApply() throws Exception {
        String free = post(base, "/v1/completions", completionBody(STORY, 40, "")).json().path("choices").get(0).path("text").asText();
        int dot = free.indexOf('.');
        assertTrue(dot > 0, free);
        JsonNode stopped = post(base, "/v1/completions", completionBody(STORY, 40, "\"stop\": [\".\"]")).json();
        assertEquals(free.substring(0, dot), stopped.path("choices").get(0).path("text").asText());
        assertEquals("stop", stopped.path("choices").get(0).path("finish_reason").asText());
        Reply pyramid = post(base, "/v1/completions", completionBody(STORY, 20, "\"kv\": {\"policy\": \"pyramid\", \"budget\": 16, \"max_kv\": 48, \"kv_type\": \"f32\"}, \"unknown_field\": {\"x\": 1}"));
        assertEquals(200, pyramid.status(), pyramid::toString);
        assertEquals(20, pyramid.json().path("usage").path("completion_tokens").asInt(), pyramid::toString);
        Reply half = post(base, "/v1/completions", completionBody(STORY, 20, "\"kv\": {\"kv_type\": \"f16\"}"));
        assertEquals(200, half.status(), half::toString);
        assertEquals(20, half.json().path("usage").path("completion_tokens").asInt(), half::toString);
        Reply brain = post(base, "/v1/completions", completionBody(STORY, 20, "\"kv\": {\"kv_type\": \"bf16\"}"));
        assertEquals(200, brain.status(), brain::toString);
        assertEquals(20, brain.json().path("usage").path("completion_tokens").asInt(), brain::toString);
    }

    @Test
    void modelsHealthAndMetrics() throws Exception {
        JsonNode models = get(base, "/v1/models").json();
        assertEquals("list", models.path("object").asText());
        assertEquals("stories260K", models.path("data").get(0).path("id").asText());
        assertEquals(200, get(base, "/health").status());
        post(base, "/v1/chat/completions", chatBody("Hello", 4, ""));
        String metrics = get(base, "/metrics").body();
        for (String name : List.of("pyramidkv_requests_total{endpoint=\"chat\",status=\"200\"}", "pyramidkv_prompt_tokens_total",
                "pyramidkv_completion_tokens_total", "pyramidkv_prefill_tokens_per_second", "pyramidkv_decode_tokens_per_second",
                "pyramidkv_kv_live_bytes", "pyramidkv_kv_reserved_bytes", "pyramidkv_sessions", "pyramidkv_queue_length")) {
            assertTrue(metrics.contains("\n" + name + " "), name + " missing from\n" + metrics);
        }
        assertTrue(metric(base, "pyramidkv_prefill_tokens_per_second") > 0);
    }

    @Test
    void badInputGetsOpenAiShapedErrorsAndTheServerKeepsServing() throws Exception {
        assertError(post(base, "/v1/chat/completions", "{\"model\": \"stories260K\", \"messages\": ["), 400, null, "not valid JSON");
        assertError(post(base, "/v1/chat/completions", "[1, 2]"), 400, null, "JSON object");
        assertError(post(base, "/v1/chat/completions", chatBody("Hi", 8, "").replace("\"max_tokens\": 8", "\"max_tokens\": \"8\"")), 400, "max_tokens", "integer");
        assertError(post(base, "/v1/chat/completions", chatBody("Hi", 8, "\"temperature\": \"hot\"").replace("\"temperature\": 0, ", "")), 400, "temperature", "number");
        assertError(post(base, "/v1/chat/completions", "{\"model\": \"stories260K\", \"messages\": \"hi\"}"), 400, "messages", "array");
        assertError(post(base, "/v1/chat/completions", "{\"messages\": [{\"role\": \"wizard\", \"content\": \"hi\"}]}"), 400, "messages[0].role", "wizard");
        assertError(post(base, "/v1/chat/completions", chatBody("Hi", 8, "").replace("stories260K", "gpt-4")), 404, "model", "gpt-4");
        assertError(post(base, "/v1/chat/completions", chatBody("Hi", 0, "")), 400, "max_tokens", "at least 1");
        assertError(post(base, "/v1/chat/completions", chatBody("Hi", -3, "")), 400, "max_tokens", "at least 1");
        assertError(post(base, "/v1/chat/completions", chatBody("Hi", 8, "\"kv\": {\"policy\": \"lru\"}")), 400, "kv", "unknown policy 'lru'");
        assertError(post(base, "/v1/chat/completions", chatBody("Hi", 8, "\"kv\": {\"kv_type\": \"q5_0\"}")), 400, "kv.kv_type", "f32|f16|bf16|q8_0|q4_0");
        // stories260K's heads have 8 values, too few for q8_0's and q4_0's blocks of 32: named, not a server error
        assertError(post(base, "/v1/chat/completions", chatBody("Hi", 8, "\"kv\": {\"kv_type\": \"q8_0\"}")), 400, "kv", "multiple of 32");
        assertError(post(base, "/v1/chat/completions", chatBody("Hi", 8, "\"kv\": {\"kv_type\": \"q4_0\"}")), 400, "kv", "kv type q4_0 needs a head size that is a multiple of 32");
        assertError(post(base, "/v1/chat/completions", chatBody("Hi", 8, "\"kv\": {\"policy\": \"full\", \"budget\": 8}")), 400, "kv.budget", "full");
        assertError(post(base, "/v1/chat/completions", chatBody("Hi", 8, "\"kv\": {\"policy\": \"pyramid\", \"budget\": 16, \"max_kv\": 24}")), 400, "kv", "maxKvTokens=24");
        int context = engine.config().contextLength();
        Reply tooLong = post(base, "/v1/completions", completionBody(" Lily".repeat(context), 8, ""));
        assertError(tooLong, 400, "prompt", "maximum context length is " + context + " tokens");
        assertEquals("context_length_exceeded", tooLong.json().path("error").path("code").asText());
        Reply huge = post(base, "/v1/completions", completionBody("x".repeat(100 << 10), 8, ""));
        assertEquals(413, huge.status(), huge::toString);
        assertEquals(200, post(base, "/v1/chat/completions", chatBody("Hi", 4, "")).status(), "the server still serves");
    }

    private static void assertError(Reply r, int status, String param, String inMessage) throws Exception {
        assertEquals(status, r.status(), r::toString);
        JsonNode error = r.json().path("error");
        assertTrue(error.path("message").asText().contains(inMessage), r::toString);
        assertFalse(error.path("type").asText().isEmpty(), r::toString);
        if (param != null) assertEquals(param, error.path("param").asText(), r::toString);
    }

    @Test
    void aSlowClientGets408AndTheServerKeepsServing() throws Exception {
        for (boolean trickle : new boolean[] {false, true}) {   // a client that stops sending; one that sends a byte every 300 ms
            try (Socket s = new Socket("127.0.0.1", server.port())) {
                s.setSoTimeout(20_000);
                OutputStream out = s.getOutputStream();
                out.write(("POST /v1/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n{\"prompt\": ")
                        .getBytes(StandardCharsets.US_ASCII));
                out.flush();
                long t0 = System.nanoTime();
                Thread sender = Thread.ofVirtual().start(() -> {
                    try {
                        for (int i = 0; trickle && i < 150; i++) {
                            Thread.sleep(300);
                            out.write(' ');
                            out.flush();
                        }
                    } catch (Exception e) {
                        // the server answered and closed: stop sending
                    }
                });
                String reply = replyUpToItsJson(s.getInputStream());
                double seconds = (System.nanoTime() - t0) / 1e9;
                sender.interrupt();
                assertTrue(seconds < 15, "answered after " + seconds + " s");
                assertTrue(reply.startsWith("HTTP/1.1 408"), (trickle ? "trickle: " : "stall: ") + reply);
                assertTrue(reply.contains("\"code\":\"request_timeout\""), reply);
            }
        }
        assertEquals(200, post(base, "/v1/chat/completions", chatBody("Hi", 4, "")).status(), "the server still serves");
    }

    /** The bytes the server sent until its JSON body closed (or it closed or reset the connection). */
    private static int readOrEnd(InputStream in) throws IOException {
        try {
            return in.read();
        } catch (java.net.SocketException reset) {
            return -1;
        }
    }

    private static String replyUpToItsJson(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int b; (b = readOrEnd(in)) >= 0; ) {
            sb.append((char) b);
            if (sb.indexOf("\r\n\r\n") > 0 && sb.toString().endsWith("}}")) break;
        }
        return sb.toString();
    }

    @Test
    void aStreamingClientThatLeavesCancelsItsGeneration() throws Exception {
        double cancelledBefore = metric(base, "pyramidkv_generations_cancelled_total");
        double tokensBefore = metric(base, "pyramidkv_completion_tokens_total");
        int maxTokens = engine.config().contextLength() - 16;
        String body = completionBody("Once upon a time", maxTokens, "\"stream\": true");
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.getOutputStream().write(("POST /v1/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: "
                    + body.length() + "\r\n\r\n" + body).getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            String head = new String(s.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
            assertEquals("HTTP/1.1 200", head, "the stream started");
            s.setSoLinger(true, 0);   // leave at once, with a reset
        }
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (metric(base, "pyramidkv_generations_cancelled_total") == cancelledBefore && System.nanoTime() < deadline) Thread.sleep(20);
        assertEquals(cancelledBefore + 1, metric(base, "pyramidkv_generations_cancelled_total"), "the generation was cancelled");
        assertTrue(metric(base, "pyramidkv_completion_tokens_total") - tokensBefore < maxTokens, "it stopped early");
        assertEquals(0, metric(base, "pyramidkv_sessions"));
        assertEquals(0, metric(base, "pyramidkv_kv_reserved_bytes"), "its memory was given back");
    }
}
