package dev.pyramidkv.server;

import dev.pyramidkv.engine.api.Engine;
import dev.pyramidkv.engine.testing.TestModels;
import org.junit.jupiter.api.Test;

import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static dev.pyramidkv.server.ServerHarness.*;
import static org.junit.jupiter.api.Assertions.*;

/** Admission and shutdown on a real server with one session and no queue, on the tiny real model. */
class AdmissionTest {
    /** Starts a long streaming request on a raw socket and returns once its response has begun. */
    private static Socket longStream(OpenAiServer server, int maxTokens) throws Exception {
        String body = completionBody("Once upon a time", maxTokens, "\"stream\": true");
        Socket s = new Socket("127.0.0.1", server.port());
        s.getOutputStream().write(("POST /v1/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: "
                + body.length() + "\r\n\r\n" + body).getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
        assertEquals("HTTP/1.1 200", new String(s.getInputStream().readNBytes(12), StandardCharsets.US_ASCII));
        return s;
    }

    @Test
    void aFullQueueIs429WithRetryAfterAndAnImpossibleRequestIs400() throws Exception {
        try (Engine engine = Engine.load(TestModels.stories260K());
             OpenAiServer server = OpenAiServer.start(engine, settings("stories260K").withSessions(1, 1).withMemory(1L << 30, 0))) {
            int maxTokens = engine.config().contextLength() - 16;
            try (Socket busy = longStream(server, maxTokens)) {
                Reply r = post(server.uri(), "/v1/completions", completionBody("Hello", 4, ""));
                assertEquals(429, r.status(), r::toString);
                assertEquals("1", r.response().headers().firstValue("Retry-After").orElse(""), r::toString);
                assertEquals("queue_full", r.json().path("error").path("code").asText(), r::toString);
                busy.setSoLinger(true, 0);
            }
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (metric(server.uri(), "pyramidkv_sessions") > 0 && System.nanoTime() < deadline) Thread.sleep(20);
            assertEquals(200, post(server.uri(), "/v1/completions", completionBody("Hello", 4, "")).status(), "the slot is free again");
        }
        try (Engine engine = Engine.load(TestModels.stories260K());
             OpenAiServer server = OpenAiServer.start(engine, settings("stories260K").withMemory(4096, 4))) {
            Reply r = post(server.uri(), "/v1/completions", completionBody("Hello", 64, ""));
            assertEquals(400, r.status(), r::toString);
            assertEquals("kv_memory_exceeded", r.json().path("error").path("code").asText(), r::toString);
        }
    }

    @Test
    void shutdownCancelsWhatOutlivesItsDeadlineAndFreesEverySession() throws Exception {
        try (Engine engine = Engine.load(TestModels.stories260K())) {
            OpenAiServer server = OpenAiServer.start(engine, settings("stories260K").withLimits(1 << 20, Duration.ofSeconds(30), 64, Duration.ofMillis(200)));
            try (Socket running = longStream(server, engine.config().contextLength() - 16)) {
                long t0 = System.nanoTime();
                server.close();
                double seconds = (System.nanoTime() - t0) / 1e9;
                assertTrue(seconds < 5, "shut down in " + seconds + " s");
                String rest = new String(running.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertTrue(rest.contains("\"finish_reason\":\"length\"") && rest.contains("data: [DONE]"),
                        "the cancelled stream ends properly: ..." + rest.substring(Math.max(0, rest.length() - 300)));
            }
            server.close();   // again: nothing
        }
    }
}
