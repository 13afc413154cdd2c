package dev.pyramidkv.cache;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.foreign.Arena;
import java.lang.management.ManagementFactory;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Decode must not allocate on the Java heap: measures this thread's allocated bytes over many append +
 * observe + evict steps (a measurement of allocation, not of time).
 */
class AllocationTest {

    @ParameterizedTest
    @ValueSource(strings = {"streaming", "h2o", "snapkv", "pyramid", "adakv"})
    void decodeStepsAllocateNothingPerToken(String policy) {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().threadId();
        PolicyConfig cfg = PolicyConfig.builder(policy).budget(64).maxKvTokens(96).build();
        try (Arena arena = Arena.ofConfined()) {
            DecodeBoundTest.Driver driver = new DecodeBoundTest.Driver(arena, cfg, 0);
            int position = DecodeBoundTest.PROMPT;
            for (int i = 0; i < 3000; i++) driver.step(position++);      // warm up: JIT, escape analysis
            long evictionsBefore = driver.cache.evictions();
            int tokens = 4000;
            long before = threads.getThreadAllocatedBytes(thread);
            for (int i = 0; i < tokens; i++) driver.step(position++);
            long allocated = threads.getThreadAllocatedBytes(thread) - before;
            double perToken = (double) allocated / tokens;
            assertTrue(driver.cache.evictions() - evictionsBefore >= tokens, "every token evicted in every head");
            assertTrue(perToken < 1024, policy + " allocates " + perToken + " bytes per token");
        }
    }
}
