package dev.pyramidkv.dnnl;

import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;

import static org.junit.jupiter.api.Assertions.*;

/** Executing a created primitive allocates nothing on the Java heap (the decode loop relies on it). */
class NoAllocationTest {

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    @Test
    void executingMatmulAndSoftmaxAllocatesNothing() {
        try (DnnlEngine engine = DnnlEngine.create(); Arena arena = Arena.ofConfined();
             Matmul mm = Matmul.create(engine, MatmulSpec.f32(1, 16, 16, WeightsLayout.NK));
             Softmax sm = Softmax.create(engine, 1, 16)) {
            MemorySegment x = arena.allocate(16 * 4, 64), w = arena.allocate(16 * 16 * 4, 64);
            MemorySegment y1 = arena.allocate(16 * 4, 64), y2 = arena.allocate(16 * 4, 64);

            Runnable step = () -> {        // alternate output buffers, so data handles really change
                mm.execute(x, w, y1);
                sm.executeInPlace(y1);
                mm.execute(x, w, y2);
                sm.execute(y2, y1);
            };
            for (int i = 0; i < 30_000; i++) step.run();   // let the JIT compile the path

            int calls = 5_000;
            long before = THREADS.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < calls; i++) step.run();
            long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;
            assertTrue(allocated < calls, "executing allocated " + allocated + " bytes over " + calls + " steps");
        }
    }
}
