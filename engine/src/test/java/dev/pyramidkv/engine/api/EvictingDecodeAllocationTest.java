package dev.pyramidkv.engine.api;

import org.junit.jupiter.api.Tag;
import dev.pyramidkv.cache.KvType;
import dev.pyramidkv.cache.PolicyConfig;
import dev.pyramidkv.engine.testing.JitWarmup;
import dev.pyramidkv.engine.testing.TestModels;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.lang.management.ManagementFactory;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.*;

/**
 * SmolLM2 decode with eviction active (H2O, capped at 40 tokens per layer) allocates nothing on the Java heap
 * per token, counting the caller and the pool's worker, whatever the K/V storage type (quantized rows are
 * encoded on append, compacted, and read in place by the attention kernels). Its own class, so its own JVM: a
 * JIT state left by other work can keep vector values boxed (measured: megabytes per token), which this must
 * not hide or blame.
 */
@Tag("download")
class EvictingDecodeAllocationTest {

    @ParameterizedTest
    @EnumSource(KvType.class)
    void decodeWithEvictionAllocatesNoHeapPerToken(KvType type) throws Exception {
        var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        PolicyConfig capped = PolicyConfig.builder("h2o").budget(32).maxKvTokens(40).kvType(type).build();
        try (Engine engine = Engine.load(TestModels.smollm2());
             Session s = engine.newSession(SessionConfig.defaults().withPolicy(capped).withThreads(2).withContextLength(2048))) {
            s.generate("The weather today", GenerationParams.greedy().withMaxTokens(4), null);
            var t = s.transformer();
            long[] ids = Thread.getAllStackTraces().keySet().stream()
                    .filter(th -> th == Thread.currentThread() || th.getName().startsWith("pyramidkv-worker-"))
                    .mapToLong(Thread::threadId).toArray();
            assertEquals(2, ids.length, "the caller and one worker");
            Runnable restartNearTheEnd = () -> {
                if (t.position() > 1700) { s.reset(); s.generate("The weather today", GenerationParams.greedy().withMaxTokens(4), null); }
            };
            int[] step = {0};
            // fill the cap and let C2 compile the decode path (its queue is long in a busy JVM)
            JitWarmup.untilAllocationFree(() -> { restartNearTheEnd.run(); t.forward(504 + step[0]++ % 50); },
                    () -> Arrays.stream(mx.getThreadAllocatedBytes(ids)).sum(), 90);
            restartNearTheEnd.run();
            for (int i = 0; i < 60; i++) t.forward(504 + i % 50);   // back at the cap after a restart
            long evictionsBefore = s.cache().evictions();
            long[] before = mx.getThreadAllocatedBytes(ids);
            int steps = 200;
            for (int i = 0; i < steps; i++) t.forward(504 + i % 50);
            long[] after = mx.getThreadAllocatedBytes(ids);
            long perToken = (Arrays.stream(after).sum() - Arrays.stream(before).sum()) / steps;
            assertTrue(s.cache().evictions() > evictionsBefore, "eviction must be active while measuring");
            assertTrue(perToken < 1024, perToken + " heap bytes per decoded token with eviction (h2o, cap 40, kv " + type.cliName() + "), 2 threads");
        }
    }
}
