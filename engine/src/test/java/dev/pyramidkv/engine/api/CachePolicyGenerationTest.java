package dev.pyramidkv.engine.api;

import org.junit.jupiter.api.Tag;
import dev.pyramidkv.cache.KvCache;
import dev.pyramidkv.cache.LayerRegion;
import dev.pyramidkv.cache.PolicyConfig;
import dev.pyramidkv.engine.testing.TestModels;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.*;

/** KV policies on the real SmolLM2 model, end to end through Session. */
@Tag("download")
class CachePolicyGenerationTest {
    static Engine smol;

    @BeforeAll
    static void load() throws Exception {
        smol = Engine.load(TestModels.smollm2());
    }

    @AfterAll
    static void close() {
        smol.close();
    }

    static final String STORY = "Tom has a red bicycle and a small garden behind his house in the village. Every morning he waters"
            + " the tomatoes, feeds the two cats and reads the newspaper before he rides to the bakery where he works."
            + " His sister Anna lives in the city and visits him on Sundays with her dog, a brown spaniel named Pepper.";

    private static Generation run(PolicyConfig policy, String message, int maxTokens) {
        try (Session s = smol.newSession(SessionConfig.defaults().withPolicy(policy).withThreads(2).withContextLength(1024))) {
            return s.chat(message, GenerationParams.greedy().withMaxTokens(maxTokens), null);
        }
    }

    @Test
    void pyramidWithABudgetAboveThePromptGeneratesWhatFullGenerates() {
        String q = STORY + "\nWhat is the name of Anna's dog?";
        Generation full = run(PolicyConfig.builder("full").build(), q, 24);
        for (String name : new String[]{"pyramid", "snapkv", "h2o", "adakv", "streaming"}) {
            Generation g = run(PolicyConfig.of(name, 512), q, 24);
            assertArrayEquals(full.tokens(), g.tokens(), name + " with budget 512 ≥ prompt must equal full");
        }
    }

    @Test
    void smallBudgetsStillAnswer() {
        String q = STORY + "\nWhat is the name of Anna's dog?";
        Generation full = run(PolicyConfig.builder("full").build(), q, 24);
        assertTrue(full.text().contains("Pepper"), "full cache: " + full.text());
        Generation pyramid = run(PolicyConfig.of("pyramid", 48), q, 24);
        assertTrue(pyramid.promptTokens() > 100, "the prompt must be longer than the budget");
        assertTrue(pyramid.text().contains("Pepper"), "pyramid-48: " + pyramid.text());
    }

    @Test
    void decodeBoundKeepsTheCacheAtItsCapOverALongGeneration() {
        PolicyConfig capped = PolicyConfig.builder("snapkv").budget(64).maxKvTokens(96).build();
        try (Session s = smol.newSession(SessionConfig.defaults().withPolicy(capped).withThreads(2).withContextLength(4096))) {
            KvCache cache = s.cache();
            int[] caps = new int[cache.layers()];
            for (int l = 0; l < caps.length; l++) caps[l] = cache.region(l).capacity();
            s.generate("Once upon a time", GenerationParams.greedy().withMaxTokens(8), null);
            var t = s.transformer();
            int steps = 2000;
            int token = 1;
            for (int i = 0; i < steps; i++) {
                t.forward(token);
                token = argmaxNotEog(t.logits());
                for (int l = 0; l < caps.length; l++) {
                    LayerRegion r = cache.region(l);
                    for (int h = 0; h < r.kvHeads(); h++) assertTrue(r.length(h) <= caps[l]);
                }
            }
            assertTrue(cache.evictions() > 0);
            assertTrue(t.position() > 2000);
            long live = cache.memory().liveKvBytes();
            long capBytes = Arrays.stream(caps).asLongStream().sum() * 2L * 3 * 64 * 4;
            assertTrue(live <= capBytes, live + " > " + capBytes);
            for (int l = 0; l < caps.length; l++) assertEquals(caps[l], cache.region(l).length(0), "layer " + l + " should sit at its cap");
        }
    }

    static int argmaxNotEog(java.lang.foreign.MemorySegment logits) {
        int best = -1;
        float bestV = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < smol.config().vocab(); i++) {
            if (smol.tokenizer().isEog(i)) continue;
            float v = logits.getAtIndex(java.lang.foreign.ValueLayout.JAVA_FLOAT, i);
            if (v > bestV) { bestV = v; best = i; }
        }
        return best;
    }
}
