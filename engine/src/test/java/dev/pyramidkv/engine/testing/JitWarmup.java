package dev.pyramidkv.engine.testing;

import java.util.function.LongSupplier;

/**
 * Runs a step until the JIT has compiled it: until 20 steps in a row allocate less than 1 KB each on the heap
 * (before C2 compiles them, Vector API operations run in Java fallbacks that box every vector), or until
 * {@code maxSeconds} pass. In a JVM that has already compiled many other methods (the whole test suite) C2's
 * queue is long and this takes seconds to tens of seconds.
 */
public final class JitWarmup {
    private JitWarmup() {}

    /** @param allocated the heap bytes allocated so far by the threads that run the step */
    public static void untilAllocationFree(Runnable step, LongSupplier allocated, int maxSeconds) {
        long deadline = System.nanoTime() + maxSeconds * 1_000_000_000L;
        for (int i = 0; i < 200; i++) step.run();
        while (System.nanoTime() < deadline) {
            long before = allocated.getAsLong();
            for (int i = 0; i < 20; i++) step.run();
            if (allocated.getAsLong() - before < 20 * 1024) return;
        }
    }
}
