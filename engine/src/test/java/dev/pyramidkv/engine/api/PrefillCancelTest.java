package dev.pyramidkv.engine.api;

import dev.pyramidkv.engine.testing.TestModels;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A cancel during a first prompt's prefill stops it between layers: the generation ends CANCELLED long before
 * the prefill would have, the cache is empty again, and the session then answers as a fresh one does.
 */
@Tag("download")
class PrefillCancelTest {

    @Test
    void aCancelStopsAPrefillBetweenLayersAndLeavesAnEmptyCache() throws Exception {
        String prompt = "The quick brown fox jumps over the lazy dog near the river bank. ".repeat(40);
        GenerationParams params = GenerationParams.greedy().withMaxTokens(4);
        SessionConfig config = SessionConfig.defaults().withThreads(2).withContextLength(1024).withBackend(Backend.JAVA);
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        try (Engine engine = Engine.load(TestModels.smollm2()); Session s = engine.newSession(config)) {
            Generation full = s.generate(prompt, params, null);      // also warms the prefill up
            long prefillMillis = full.prefillNanos() / 1_000_000;
            s.reset();

            Future<?> cancel = timer.schedule(s::cancel, prefillMillis / 4, TimeUnit.MILLISECONDS);
            long t0 = System.nanoTime();
            Generation g = s.generate(prompt, params, null);
            long returnedMillis = (System.nanoTime() - t0) / 1_000_000;
            cancel.get();
            assertEquals(StopReason.CANCELLED, g.stopReason());
            assertEquals(0, g.promptTokens(), "the prefill did not complete");
            assertEquals(0, s.position());
            assertEquals(0, s.memory().liveKvBytes(), "the cache is empty again");
            assertTrue(returnedMillis < prefillMillis * 3 / 4, "cancelled after " + prefillMillis / 4 + " ms, returned after "
                    + returnedMillis + " ms; a whole prefill takes " + prefillMillis + " ms");

            Generation again = s.generate(prompt, params, null);
            assertArrayEquals(full.tokens(), again.tokens(), "after a stopped prefill the session answers as a fresh one");
        } finally {
            timer.shutdownNow();
        }
    }
}
