package dev.pyramidkv.engine.kernels;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Random;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.*;

class WorkerPoolTest {

    /**
     * Many back-to-back calls of random sizes: every item runs exactly once per call and no call hangs. A
     * stress test, so it catches races only sometimes: one where a thread that read the previous call's state
     * late claimed items with the next call's fields (the count of unfinished items went negative, a hang)
     * showed within 4–17 million calls like these; this runs 2 million.
     */
    @Test
    void everyItemRunsOnceAcrossMillionsOfShortCalls() {
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            try (WorkerPool pool = new WorkerPool(2)) {
                AtomicLong sum = new AtomicLong();
                AtomicIntegerArray perThread = new AtomicIntegerArray(2);
                WorkerPool.RangeTask range = (from, to) -> { for (int i = from; i < to; i++) sum.addAndGet(i + 1); };
                WorkerPool.ThreadRangeTask threaded = (thread, from, to) -> {
                    perThread.addAndGet(thread, to - from);
                    for (int i = from; i < to; i++) sum.addAndGet(i + 1);
                };
                Random rnd = new Random(1);
                for (int call = 0; call < 2_000_000; call++) {
                    int n = 1 + rnd.nextInt(64);
                    sum.set(0);
                    if (call % 2 == 0) pool.run(n, range);
                    else pool.run(n, 1 + rnd.nextInt(4), threaded);
                    assertEquals((long) n * (n + 1) / 2, sum.get(), "call " + call + " over " + n + " items");
                }
                assertTrue(perThread.get(0) > 0, "the caller takes part");
            }
        });
    }

    @Test
    void aFailingChunkFailsTheCallAndThePoolGoesOn() {
        try (WorkerPool pool = new WorkerPool(2)) {
            var e = assertThrows(IllegalStateException.class, () -> pool.run(100, (from, to) -> {
                if (from <= 50 && 50 < to) throw new IllegalStateException("item 50");
            }));
            assertEquals("item 50", e.getMessage());
            AtomicLong sum = new AtomicLong();
            pool.run(10, (from, to) -> { for (int i = from; i < to; i++) sum.addAndGet(i); });
            assertEquals(45, sum.get());
        }
    }

    @Test
    void threadsMustBePositive() {
        var e = assertThrows(IllegalArgumentException.class, () -> new WorkerPool(0));
        assertTrue(e.getMessage().contains("at least 1"), e.getMessage());
    }
}
