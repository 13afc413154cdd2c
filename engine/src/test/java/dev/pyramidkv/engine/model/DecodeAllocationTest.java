package dev.pyramidkv.engine.model;

import org.junit.jupiter.api.Tag;
import dev.pyramidkv.engine.api.Engine;
import dev.pyramidkv.engine.api.Generation;
import dev.pyramidkv.engine.api.GenerationParams;
import dev.pyramidkv.engine.api.Session;
import dev.pyramidkv.engine.api.SessionConfig;
import dev.pyramidkv.engine.testing.JitWarmup;
import dev.pyramidkv.engine.testing.TestModels;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SmolLM2 decode on two threads allocates nothing on the Java heap per token, counting the caller and the
 * pool's worker (packed GEMV, attention, SiLU, softmax all run there), once C2 has compiled it. A vector value
 * that C2 fails to keep in registers shows up here as kilobytes to megabytes per token.
 */
@Tag("download")
class DecodeAllocationTest {

    @Test
    void twoThreadDecodeAllocatesNothingPerToken() throws Exception {
        var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        try (Engine engine = Engine.load(TestModels.smollm2());
             Session s = engine.newSession(SessionConfig.defaults().withThreads(2).withContextLength(1024))) {
            s.generate("The weather today", GenerationParams.greedy().withMaxTokens(4), null);
            Transformer t = s.transformer();
            long[] ids = Thread.getAllStackTraces().keySet().stream()
                    .filter(th -> th == Thread.currentThread() || th.getName().startsWith("pyramidkv-worker-"))
                    .mapToLong(Thread::threadId).toArray();
            assertEquals(2, ids.length, "the caller and one worker");
            Runnable restartNearTheEnd = () -> { if (t.position() > 700) { s.reset(); s.generate("The weather today", GenerationParams.greedy().withMaxTokens(4), null); } };
            JitWarmup.untilAllocationFree(() -> { restartNearTheEnd.run(); t.forward(504); }, () -> Arrays.stream(mx.getThreadAllocatedBytes(ids)).sum(), 90);
            restartNearTheEnd.run();
            long[] before = mx.getThreadAllocatedBytes(ids);
            int steps = 200;
            for (int i = 0; i < steps; i++) t.forward(504);
            long[] after = mx.getThreadAllocatedBytes(ids);
            long perToken = (Arrays.stream(after).sum() - Arrays.stream(before).sum()) / steps;
            assertTrue(perToken < 1024, perToken + " heap bytes per decoded token, 2 threads");

            // the same through the API, as `pyramidkv bench` reports it: sampling and text output included
            s.reset();
            Generation g = s.generate("The weather today", GenerationParams.greedy().withMaxTokens(200), null);
            assertTrue(g.decodeTokens() > 100, "decoded " + g.decodeTokens());
            assertTrue(g.decodeHeapBytesPerToken() < 1024, g.decodeHeapBytesPerToken() + " bytes per token through generate");
        }
    }
}
