package dev.pyramidkv.cache;

import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

/** Cache-level behaviour: memory accounting, forking one prefill into many caches, JFR events, input checks. */
class KvCacheTest {
    static final KvShape SHAPE = new KvShape(2, 4, 2, 4);

    @Test
    void memoryAccountingAddsUp() {
        SplittableRandom rnd = new SplittableRandom(2);
        try (Arena arena = Arena.ofConfined()) {
            KvCache cache = KvCache.allocate(arena, SHAPE, PolicyConfig.builder("snapkv").budget(10).window(2).build(), 40, 6);
            // capacity: prompts up to 40 keep at most 10, plus 6 headroom
            assertEquals(16, cache.region(0).capacity());
            PlainReference.Prompt p = TestInputs.randomPrompt(rnd, SHAPE, 20, 2, false);
            StagingBuffer staging = TestInputs.stage(arena, p, 40);
            PrefillScores scores = TestInputs.scores(arena, p);
            for (int l = 0; l < 2; l++) cache.compressPrefill(l, staging, 20, scores);
            CacheMemory m = cache.memory();
            long rowBytes = 4 * 4;                               // headDim 4 x f32
            assertEquals(2 * (2 * 2 * 16 * rowBytes + 2 * 16 * 4), m.allocatedBytes());   // layers x (K+V + positions)
            assertEquals(2 * (2 * 2 * 10 * rowBytes), m.liveKvBytes());                    // 10 entries per head
            assertEquals(2 * 2 * 10 * 4, m.livePositionBytes());
            assertEquals(2 * (2 * 2 * 20 * rowBytes), m.fullEquivalentBytes());           // 20 tokens, every head
            assertEquals(0.5, m.ratio(), 1e-12);
            assertEquals(2 * 2 * 16 * 2 * 4, m.scoreStateBytes());                           // ring [kvHead][cap][w] f32 per layer
            assertTrue(m.toJson().startsWith("{\"tokens_seen\": 20, "), m.toJson());
            assertTrue(m.toJson().contains("\"ratio\": 0.500000"), m.toJson());
            cache.clear();
            assertEquals(0, cache.memory().liveKvBytes());
            assertEquals(0, cache.tokensSeen());
        }
    }

    @Test
    void oneStagedPrefillForksIntoEveryPolicyAndBudget() {
        SplittableRandom rnd = new SplittableRandom(9);
        int n = 120, context = 128;
        try (Arena arena = Arena.ofConfined()) {
            PlainReference.Prompt p = TestInputs.randomPrompt(rnd, SHAPE, n, 8, false);
            StagingBuffer staging = TestInputs.stage(arena, p, context);
            PrefillScores scores = TestInputs.scores(arena, p);
            MemorySegment stagingCopy = arena.allocate(staging.keys().byteSize());
            stagingCopy.copyFrom(staging.keys());
            String[] policies = {"full", "streaming", "h2o", "snapkv", "pyramid", "adakv"};
            int[] budgets = {16, 32, 64};
            for (String policy : policies)
                for (int budget : policy.equals("full") ? new int[] {0} : budgets) {
                    PolicyConfig cfg = policy.equals("full") ? PolicyConfig.builder("full").build() : PolicyConfig.of(policy, budget);
                    KvCache fork = KvCache.allocateForPrompt(arena, SHAPE, cfg, n, 4);
                    KvCache ref = KvCache.allocate(arena, SHAPE, cfg, context, 4);
                    for (int l = 0; l < SHAPE.layers(); l++) {
                        fork.compressPrefill(l, staging, n, scores);
                        ref.compressPrefill(l, staging, n, scores);
                        int slots = fork.schedule().slots(l, n);
                        assertTrue(fork.region(l).capacity() <= ref.region(l).capacity(), cfg + ": sized for one prompt is no larger");
                        for (int h = 0; h < SHAPE.kvHeads(); h++) {
                            assertEquals(SelectionTest.positions(ref.region(l), h), SelectionTest.positions(fork.region(l), h), cfg + " layer " + l);
                            if (!policy.equals("adakv")) assertEquals(slots, fork.region(l).length(h), cfg + " layer " + l + " keeps its slots");
                        }
                        if (policy.equals("adakv")) assertEquals(slots * SHAPE.kvHeads(), fork.region(l).liveEntries(), "adakv: layer total");
                    }
                }
            assertEquals(-1, staging.keys().mismatch(stagingCopy), "staging is only read");
        }
    }

    @Test
    void inputsAreCheckedWithClearMessages() {
        try (Arena arena = Arena.ofConfined()) {
            KvCache cache = KvCache.allocate(arena, SHAPE, PolicyConfig.of("pyramid", 16), 64, 4);
            StagingBuffer staging = StagingBuffer.allocate(arena, SHAPE, 64);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> cache.compressPrefill(0, staging, 40, PrefillScores.none()));
            assertTrue(e.getMessage().contains("scores.windowProbs"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> cache.compressPrefill(0, staging, 65, PrefillScores.none()));
            assertTrue(e.getMessage().contains("n=65"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> cache.compressPrefill(2, staging, 40, PrefillScores.none()));
            assertTrue(e.getMessage().contains("layer=2"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> cache.compressPrefill(0, StagingBuffer.allocate(arena, 3, 64, 4), 40, PrefillScores.none()));
            assertTrue(e.getMessage().contains("staging"), e.getMessage());
            MemorySegment probs = arena.allocate(4L * 8 * 40 * 4);   // [qHead=4][rows=8][n=40] f32
            probs.setAtIndex(ValueLayout.JAVA_FLOAT, 7, Float.NaN);
            e = assertThrows(IllegalArgumentException.class, () -> cache.compressPrefill(0, staging, 40, new PrefillScores(probs, null)));
            assertTrue(e.getMessage().contains("NaN"), e.getMessage());
            KvCache h2o = KvCache.allocate(arena, SHAPE, PolicyConfig.of("h2o", 16), 64, 4);
            e = assertThrows(IllegalArgumentException.class, () -> h2o.compressPrefill(0, staging, 40, PrefillScores.none()));
            assertTrue(e.getMessage().contains("scores.columnSums"), e.getMessage());
            MemorySegment zeros = arena.allocate(4L * 8 * 40 * 4);
            cache.compressPrefill(0, staging, 40, new PrefillScores(zeros, null));
            int longest = cache.region(0).length(0);
            e = assertThrows(IllegalArgumentException.class, () -> cache.observeDecode(0, zeros, 0, longest - 1));
            assertTrue(e.getMessage().contains("rowStride=" + (longest - 1)), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> cache.observeDecode(0, arena.allocate(16), 0, longest));
            assertTrue(e.getMessage().contains("probs.byteSize=16"), e.getMessage());
            assertFalse(KvCache.allocate(arena, SHAPE, PolicyConfig.of("streaming", 16), 64, 4).needsDecodeProbs());
            assertTrue(h2o.needsColumnSums() && !h2o.needsWindowProbs());
            assertTrue(cache.needsWindowProbs() && !cache.needsColumnSums() && cache.needsDecodeProbs());
        }
    }

    @Test
    void jfrEventsReportPrefillEvictionAndCompaction() throws Exception {
        Path file = Files.createTempFile("pyramidkv-cache", ".jfr");
        try (Recording recording = new Recording(); Arena arena = Arena.ofConfined()) {
            recording.enable(PrefillCompressionEvent.class).withoutThreshold();
            recording.enable(DecodeEvictionEvent.class).withoutThreshold();
            recording.enable(CompactionEvent.class).withoutThreshold();
            recording.start();
            DecodeBoundTest.Driver driver = new DecodeBoundTest.Driver(arena, PolicyConfig.builder("h2o").budget(96).maxKvTokens(96).build(), 0);
            for (int step = 0; step < 20; step++) driver.step(DecodeBoundTest.PROMPT + step);
            recording.stop();
            recording.dump(file);
            List<RecordedEvent> events = RecordingFile.readAllEvents(file);
            List<RecordedEvent> prefill = events.stream().filter(e -> e.getEventType().getName().equals("dev.pyramidkv.cache.PrefillCompression")).toList();
            long evictions = events.stream().filter(e -> e.getEventType().getName().equals("dev.pyramidkv.cache.DecodeEviction")).count();
            List<RecordedEvent> compactions = events.stream().filter(e -> e.getEventType().getName().equals("dev.pyramidkv.cache.Compaction")).toList();
            int layers = DecodeBoundTest.SHAPE.layers(), heads = DecodeBoundTest.SHAPE.kvHeads();
            assertEquals(layers, prefill.size());
            RecordedEvent first = prefill.getFirst();
            assertEquals(DecodeBoundTest.PROMPT, first.getInt("promptTokens"));
            assertEquals("h2o-96", first.getString("policy"));
            assertEquals(heads * 96, first.getInt("entriesKept"), "budget 96 per head fills the cap, so every step evicts");
            assertEquals(heads * (DecodeBoundTest.PROMPT - 96), first.getInt("entriesDropped"));
            assertEquals(20L * layers * heads, evictions, "every step evicts one entry per head");
            assertEquals(evictions, compactions.size());
            assertTrue(compactions.stream().allMatch(e -> e.getInt("entriesKept") == e.getInt("entriesBefore") - 1));
            assertTrue(compactions.stream().anyMatch(e -> e.getLong("bytesMoved") > 0));
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
