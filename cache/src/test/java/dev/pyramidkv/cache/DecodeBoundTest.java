package dev.pyramidkv.cache;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

/** A decode cap holds for 2000 appended tokens: lengths never exceed capacity, the recent window survives. */
class DecodeBoundTest {
    static final KvShape SHAPE = new KvShape(4, 8, 2, 16);
    static final int PROMPT = 300, CONTEXT = 512, STEPS = 2000, STRIDE = 512;

    /** Drives a cache like an engine: prefill every layer, then append + observe for {@code steps} tokens. */
    static final class Driver {
        final KvCache cache;
        final MemorySegment k, v, probs;
        final SplittableRandom rnd = new SplittableRandom(5);

        Driver(Arena arena, PolicyConfig cfg, int headroom) {
            cache = KvCache.allocate(arena, SHAPE, cfg, CONTEXT, headroom);
            PlainReference.Prompt prompt = TestInputs.randomPrompt(rnd, SHAPE, PROMPT, cfg.window(), false);
            StagingBuffer staging = TestInputs.stage(arena, prompt, CONTEXT);
            PrefillScores scores = TestInputs.scores(arena, prompt);
            for (int l = 0; l < SHAPE.layers(); l++) cache.compressPrefill(l, staging, PROMPT, scores);
            k = arena.allocate((long) SHAPE.kvHeads() * SHAPE.headDim() * 4);
            v = arena.allocate((long) SHAPE.kvHeads() * SHAPE.headDim() * 4);
            probs = arena.allocate((long) SHAPE.qHeads() * STRIDE * 4);
            for (long i = 0; i < probs.byteSize() / 4; i++) probs.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) rnd.nextDouble());
        }

        /** One decode token through every layer; the probabilities are shifted each step so scores vary. */
        void step(int position) {
            k.setAtIndex(ValueLayout.JAVA_FLOAT, 0, position);
            for (int l = 0; l < SHAPE.layers(); l++) {
                cache.append(l, position, k, 0, v, 0);
                if (cache.needsDecodeProbs()) cache.observeDecode(l, probs, (position % 64) * 4L, STRIDE - 64);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"streaming", "h2o", "snapkv", "pyramid", "adakv"})
    void cappedCacheNeverExceedsItsCapacity(String policy) {
        PolicyConfig cfg = PolicyConfig.builder(policy).budget(64).maxKvTokens(96).build();
        try (Arena arena = Arena.ofConfined()) {
            Driver driver = new Driver(arena, cfg, 0);
            KvCache cache = driver.cache;
            int[] caps = cache.schedule().decodeCaps(96);
            for (int l = 0; l < SHAPE.layers(); l++) assertEquals(caps[l], cache.region(l).capacity(), "layer " + l + " is its decode cap");
            for (int step = 0; step < STEPS; step++) {
                int position = PROMPT + step;
                driver.step(position);
                for (int l = 0; l < SHAPE.layers(); l++) {
                    LayerRegion r = cache.region(l);
                    for (int h = 0; h < SHAPE.kvHeads(); h++) {
                        assertTrue(r.length(h) <= r.capacity(), policy + " layer " + l + " head " + h + " over capacity");
                        assertEquals(position, r.position(h, r.length(h) - 1), "the newest token is the last slot");
                    }
                }
            }
            assertTrue(cache.evictions() >= STEPS, policy + ": evictions " + cache.evictions());
            int last = PROMPT + STEPS - 1;
            for (int l = 0; l < SHAPE.layers(); l++) {
                LayerRegion r = cache.region(l);
                for (int h = 0; h < SHAPE.kvHeads(); h++) {
                    int len = r.length(h);
                    assertTrue(len > r.capacity() - cache.evictBatch(l), "a capped head stays within one eviction batch of full: " + len + " of " + r.capacity());
                    for (int i = 0; i < cfg.window(); i++)
                        assertEquals(last - cfg.window() + 1 + i, r.position(h, len - cfg.window() + i), policy + ": recent window kept");
                    for (int s = 1; s < len; s++) assertTrue(r.position(h, s) > r.position(h, s - 1), "slots stay in position order");
                    if (policy.equals("streaming"))
                        for (int s = 0; s < 4; s++) assertEquals(s, r.position(h, s), "attention sinks kept");
                }
            }
            CacheMemory m = cache.memory();
            assertEquals(last + 1, m.tokensSeen());
            assertTrue(m.ratio() < 0.05, "2300 tokens in <= ~100 slots per layer: " + m);
        }
    }

    @Test
    void headroomAvoidsEvictionUntilItIsUsedUp() {
        try (Arena arena = Arena.ofConfined()) {
            Driver driver = new Driver(arena, PolicyConfig.of("pyramid", 64), 50);
            for (int step = 0; step < 50; step++) driver.step(PROMPT + step);
            assertEquals(0, driver.cache.evictions());
            driver.step(PROMPT + 50);
            assertTrue(driver.cache.evictions() > 0);
        }
    }

    @Test
    void fullPolicyFailsClearlyWhenItRunsOutOfRoom() {
        try (Arena arena = Arena.ofConfined()) {
            Driver driver = new Driver(arena, PolicyConfig.builder("full").build(), 3);
            int cap = driver.cache.region(0).capacity();
            assertEquals(CONTEXT + 3, cap);
            for (int step = 0; step < cap - PROMPT; step++) driver.step(PROMPT + step);
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> driver.step(PROMPT + cap));
            assertTrue(e.getMessage().contains("never evicts"), e.getMessage());
        }
    }
}
