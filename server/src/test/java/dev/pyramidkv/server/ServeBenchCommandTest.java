package dev.pyramidkv.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pyramidkv.engine.api.Engine;
import dev.pyramidkv.engine.cli.Cli;
import dev.pyramidkv.engine.testing.TestModels;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static dev.pyramidkv.server.ServerHarness.*;
import static org.junit.jupiter.api.Assertions.*;

/** {@code serve-bench} against a real server on the loopback: every request counted, the server's own counters agree. */
class ServeBenchCommandTest {
    record Run(int status, String out, String err) {}

    static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int status = new Cli(List.of(new ServeBenchCommand())).run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), Map.of(), null, false);
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void itCountsEveryRequestAndTheServerAgrees() throws Exception {
        try (Engine engine = Engine.load(TestModels.stories260K());
             OpenAiServer server = OpenAiServer.start(engine, settings("stories260K"))) {
            Run r = run("serve-bench", "--url", server.uri().toString(), "--clients", "3", "--requests", "4", "--max-tokens", "12",
                    "--extra", "{\"kv\": {\"policy\": \"pyramid\", \"budget\": 16}}", "--json");
            assertEquals(0, r.status, r::toString);
            JsonNode j = JSON.readTree(r.out);
            assertEquals("stories260K", j.path("model").asText(), "the model id came from /v1/models");
            assertEquals(12, j.path("ok").asInt(), r.out);
            assertEquals(0, j.path("failed").asInt(), r.out);
            double served = metric(server.uri(), "pyramidkv_completion_tokens_total");
            double warmup = served - j.path("completion_tokens").asDouble();
            assertTrue(warmup >= 1 && warmup <= 12, "the client's token count is the server's, less the warm-up request: " + served + " vs " + r.out);
            assertEquals(13, (int) metric(server.uri(), "pyramidkv_requests_total{endpoint=\"chat\",status=\"200\"}"));
            double p50 = j.path("ttft_p50_ms").asDouble(), p99 = j.path("ttft_p99_ms").asDouble();
            assertTrue(p50 > 0 && p50 <= p99 && p99 <= j.path("request_p99_ms").asDouble(), r.out);
        }
    }

    @Test
    void noServerIsOneClearLine() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) { port = s.getLocalPort(); }   // free, and nobody listens once closed
        Run r = run("serve-bench", "--url", "http://127.0.0.1:" + port);
        assertEquals(1, r.status, r::toString);
        assertEquals("pyramidkv: cannot connect to http://127.0.0.1:" + port + "/: is the server running?", r.err.strip());
        assertEquals(Cli.USAGE, run("serve-bench", "--url", "ftp://x").status);
        assertEquals(Cli.USAGE, run("serve-bench", "--extra", "[1]").status);
    }
}
