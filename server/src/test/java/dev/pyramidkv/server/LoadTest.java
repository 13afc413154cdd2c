package dev.pyramidkv.server;

import dev.pyramidkv.engine.api.Engine;
import dev.pyramidkv.engine.testing.TestModels;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

import static dev.pyramidkv.server.ServerHarness.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * 8 streaming clients × 25 requests with mixed KV policies against one server with 2 sessions and a KV limit
 * that holds about two requests (bounded, loopback only): no error, each greedy answer equals the same request
 * run alone, the reservations (which are the sessions' KV allocations, see KvBytesTest) never pass the limit, and
 * every reservation is given back.
 */
class LoadTest {
    static final int CLIENTS = 8, REQUESTS = 25, MAX_TOKENS = 48;
    static final List<String> PROMPTS = List.of(
            "Once upon a time, there was a little girl named Lily. She loved to play outside in the park with her ball.",
            "Tom had a big red truck. Every day he drove it around the yard and made loud noises. One day the truck",
            "The sun was hot and the sky was blue. A small bird sat on the tree and sang a happy song to",
            "Sue and her mom went to the store to buy some food. Sue saw a big box of candy and");
    static final List<String> POLICIES = List.of(
            "",
            "\"kv\": {\"policy\": \"pyramid\", \"budget\": 16}",
            "\"kv\": {\"policy\": \"snapkv\", \"budget\": 16}",
            "\"kv\": {\"policy\": \"streaming\", \"budget\": 16}",
            "\"kv\": {\"policy\": \"h2o\", \"budget\": 24, \"max_kv\": 32}");

    static String body(int combo, boolean stream) {
        String policy = POLICIES.get(combo % POLICIES.size());
        String extra = stream ? "\"stream\": true" + (policy.isEmpty() ? "" : ", " + policy) : policy;
        return completionBody(PROMPTS.get(combo / POLICIES.size()), MAX_TOKENS, extra);
    }

    @Test
    void concurrentStreamsAnswerAsSerialRunsWithinTheMemoryLimit() throws Exception {
        int combos = PROMPTS.size() * POLICIES.size();
        try (Engine engine = Engine.load(TestModels.stories260K())) {
            // the limit: what the two largest requests reserve, so a third waits in the queue
            ServerSettings probe = settings("stories260K");
            Generator sizing = new Generator(engine, probe, new Metrics());
            long largest = 0;
            for (int c = 0; c < combos; c++) {
                CompletionRequest r = CompletionRequest.parse(body(c, false).getBytes(StandardCharsets.UTF_8), false, probe.policy(), 64);
                largest = Math.max(largest, sizing.prepare(r).kvBytes());
            }
            sizing.shutdown(Duration.ZERO);
            long limit = 2 * largest;
            try (OpenAiServer server = OpenAiServer.start(engine, probe.withMemory(limit, CLIENTS))) {
                URI base = server.uri();
                String[] serial = new String[combos];
                for (int c = 0; c < combos; c++) {
                    Reply r = post(base, "/v1/completions", body(c, false));
                    assertEquals(200, r.status(), r::toString);
                    serial[c] = r.json().path("choices").get(0).path("text").asText();
                }

                AtomicBoolean running = new AtomicBoolean(true);
                ConcurrentLinkedQueue<String> overLimit = new ConcurrentLinkedQueue<>();
                double[] peak = {0};
                Thread sampler = Thread.ofPlatform().start(() -> {
                    while (running.get()) {
                        try {
                            double reserved = metric(base, "pyramidkv_kv_reserved_bytes");
                            if (reserved > limit) overLimit.add("reserved " + reserved);
                            peak[0] = Math.max(peak[0], reserved);
                            Thread.sleep(25);
                        } catch (Exception e) {
                            overLimit.add("sampler: " + e);
                        }
                    }
                });
                long t0 = System.nanoTime();
                List<Future<List<String>>> clients = new ArrayList<>();
                try (ExecutorService pool = Executors.newFixedThreadPool(CLIENTS)) {
                    for (int i = 0; i < CLIENTS; i++) {
                        int client = i;
                        clients.add(pool.submit(() -> {
                            List<String> mismatches = new ArrayList<>();
                            for (int j = 0; j < REQUESTS; j++) {
                                int combo = (client * 7 + j) % combos;
                                String text = streamedText(events(base, "/v1/completions", body(combo, true)), false);
                                if (!text.equals(serial[combo])) mismatches.add("combo " + combo + ": '" + text + "' alone: '" + serial[combo] + "'");
                            }
                            return mismatches;
                        }));
                    }
                    for (Future<List<String>> f : clients) assertEquals(List.of(), f.get(), "answers under load equal the serial ones");
                }
                double seconds = (System.nanoTime() - t0) / 1e9;
                running.set(false);
                sampler.join();
                assertEquals(List.of(), List.copyOf(overLimit));
                assertEquals(0, metric(base, "pyramidkv_sessions"));
                assertEquals(0, metric(base, "pyramidkv_kv_reserved_bytes"));
                assertEquals(CLIENTS * REQUESTS + combos, (int) metric(base, "pyramidkv_requests_total{endpoint=\"completions\",status=\"200\"}"));
                assertTrue(peak[0] > largest, "requests ran side by side: peak reservation " + peak[0]);
                System.out.printf("load: %d requests in %.1f s; KV limit %d bytes; peak KV reservation %.0f bytes%n",
                        CLIENTS * REQUESTS, seconds, limit, peak[0]);
            }
        }
    }
}
