package dev.pyramidkv.server;

import dev.pyramidkv.engine.api.Engine;
import dev.pyramidkv.engine.api.Session;
import dev.pyramidkv.engine.testing.TestModels;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;

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
 * 8 streaming clients × 25 requests with mixed KV policies against one SmolLM2 server with 2 sessions and a KV
 * limit that holds about two requests (bounded, loopback only): no error, each greedy answer equals the same
 * request run alone, the reservations (which are the sessions' KV allocations, see KvBytesTest) never pass the
 * limit, the off-heap memory the JVM counts (the "direct" pool, where every {@code Arena} allocation goes) never
 * passes the limit plus two sessions' activations, and every byte is given back.
 */
@Tag("download")
class LoadTest {
    static final int CLIENTS = 8, REQUESTS = 25, MAX_TOKENS = 24;
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
        try (Engine engine = Engine.load(TestModels.smollm2())) {
            // the limit: what the two largest requests reserve, so a third waits in the queue
            ServerSettings probe = settings("stories260K");   // the model id the request bodies name
            Generator sizing = new Generator(engine, probe, new Metrics());
            Generator.Prepared largestRequest = null;
            for (int c = 0; c < combos; c++) {
                CompletionRequest r = CompletionRequest.parse(body(c, false).getBytes(StandardCharsets.UTF_8), false, probe.policy(), 64);
                Generator.Prepared p = sizing.prepare(r);
                if (largestRequest == null || p.kvBytes() > largestRequest.kvBytes()) largestRequest = p;
            }
            long largest = largestRequest.kvBytes();
            sizing.shutdown(Duration.ZERO);
            long limit = 2 * largest;
            try (OpenAiServer server = OpenAiServer.start(engine, probe.withMemory(limit, CLIENTS))) {
                URI base = server.uri();
                String[] serial = new String[combos];
                long activations;   // off-heap bytes of a session beyond its KV reservation: its scratch rows
                for (int c = 0; c < combos; c++) {
                    long before = offHeapBytes();
                    Reply r = post(base, "/v1/completions", body(c, false));
                    assertEquals(200, r.status(), r::toString);
                    serial[c] = r.json().path("choices").get(0).path("text").asText();
                    assertEquals(before, offHeapBytes(), "a finished request gives its off-heap memory back");
                }
                long baseline = offHeapBytes();
                try (Session s = engine.newSession(largestRequest.session())) {
                    activations = Math.max(0, offHeapBytes() - baseline - largest);
                }

                AtomicBoolean running = new AtomicBoolean(true);
                ConcurrentLinkedQueue<String> overLimit = new ConcurrentLinkedQueue<>();
                double[] peak = {0};
                long[] peakOffHeap = {0};
                Thread sampler = Thread.ofPlatform().start(() -> {
                    while (running.get()) {
                        try {
                            double reserved = metric(base, "pyramidkv_kv_reserved_bytes");
                            if (reserved > limit) overLimit.add("reserved " + reserved);
                            long offHeap = offHeapBytes() - baseline;
                            if (offHeap > limit + 2 * activations) overLimit.add("off-heap " + offHeap);
                            peakOffHeap[0] = Math.max(peakOffHeap[0], offHeap);
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
                assertEquals(baseline, offHeapBytes(), "off-heap memory is back to its baseline");
                assertEquals(CLIENTS * REQUESTS + combos, (int) metric(base, "pyramidkv_requests_total{endpoint=\"completions\",status=\"200\"}"));
                assertTrue(peak[0] > largest, String.format("requests ran side by side: %d requests in %.1f s; KV limit %d B; peak reservation %.0f B; peak off-heap above baseline %d B",
                        CLIENTS * REQUESTS, seconds, limit, peak[0], peakOffHeap[0]));
            }
        }
    }

    /** The bytes of the JVM's "direct" pool: {@code Arena} allocations are counted there. */
    static long offHeapBytes() {
        return ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
                .filter(p -> p.getName().equals("direct")).mapToLong(BufferPoolMXBean::getMemoryUsed).sum();
    }
}
