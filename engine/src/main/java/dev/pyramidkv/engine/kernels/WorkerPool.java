package dev.pyramidkv.engine.kernels;

import java.lang.management.ManagementFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A fixed pool of {@code threads} threads (the caller is one of them) that share a range of work in small
 * chunks claimed from a counter, so a thread that the OS delays (the machine is shared) costs at most the
 * chunk it holds: the others take the rest. Workers spin briefly between calls, then park: decode issues
 * hundreds of small calls per token. {@link #run} allocates nothing.
 */
public final class WorkerPool implements AutoCloseable {
    /** Work on items [from, to). Implementations are created once and reused. */
    public interface RangeTask {
        void run(int from, int to);
    }

    /** Work on items [from, to) by thread {@code thread} (0 = the caller, up to threads() − 1), e.g. to use its own scratch. */
    public interface ThreadRangeTask {
        void run(int thread, int from, int to);
    }

    private static final long SPIN_NANOS = 200_000;
    /** Chunks per thread a range is cut into: small enough to balance, large enough that claiming is cheap. */
    private static final int CHUNKS_PER_THREAD = 4;

    private final Worker[] workers;
    private final int threads;
    // the call in flight: written by the caller before it publishes a new generation in `state`
    private ThreadRangeTask task;
    private RangeTask rangeTask;
    private int total;
    private int chunk;
    /** generation (high 32 bits) and the next unclaimed item (low 32 bits), so a claim is one CAS. */
    private final AtomicLong state = new AtomicLong();
    private final AtomicInteger remaining = new AtomicInteger();
    private final ThreadRangeTask adapter = (thread, from, to) -> rangeTask.run(from, to);
    private volatile boolean closed;
    private volatile Throwable failure;

    public WorkerPool(int threads) {
        if (threads < 1) throw new IllegalArgumentException("--threads must be at least 1, got " + threads);
        this.threads = threads;
        workers = new Worker[threads - 1];
        for (int i = 0; i < workers.length; i++) {
            workers[i] = new Worker(i + 1);
            workers[i].start();
        }
    }

    public int threads() { return threads; }

    /**
     * Heap bytes allocated so far by the calling thread and this pool's workers (HotSpot's per-thread
     * counters): the difference over a stretch of work is what that work allocated on every thread it ran on.
     */
    public long allocatedBytes() {
        var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long sum = mx.getCurrentThreadAllocatedBytes();
        for (Worker w : workers) sum += Math.max(0, mx.getThreadAllocatedBytes(w.threadId()));
        return sum;
    }

    /** Runs {@code task} over [0, n), shared by all threads in chunks; returns when all are done. */
    public void run(int n, RangeTask task) {
        if (threads == 1 || n < 2) {
            task.run(0, n);
            return;
        }
        rangeTask = task;
        try {
            run(n, 1, adapter);
        } finally {
            rangeTask = null;
        }
    }

    /**
     * Runs {@code task} over [0, n) in chunks of at least {@code grain} items, shared by all threads;
     * returns when all are done.
     */
    public void run(int n, int grain, ThreadRangeTask task) {
        if (threads == 1 || n <= grain) {
            task.run(0, 0, n);
            return;
        }
        // Close the previous generation first: a late thread that read its state may compare it with the
        // fields written below, but its claim (a CAS on that state) now fails.
        long generation = (state.get() >>> 32) + 1;
        state.set((generation - 1) << 32 | Integer.MAX_VALUE);
        this.task = task;
        this.total = n;
        this.chunk = Math.max(grain, (n + threads * CHUNKS_PER_THREAD - 1) / (threads * CHUNKS_PER_THREAD));
        remaining.set(n);
        state.set(generation << 32);                 // publishes the fields above
        for (Worker w : workers) if (w.parked) LockSupport.unpark(w);
        try {
            work(0, generation);
        } finally {
            long start = System.nanoTime();
            while (remaining.get() != 0) {           // chunks still running on other threads
                if (System.nanoTime() - start < SPIN_NANOS) Thread.onSpinWait();
                else Thread.yield();
            }
            this.task = null;
        }
        Throwable f = failure;
        if (f != null) {
            failure = null;
            if (f instanceof RuntimeException re) throw re;
            if (f instanceof Error e) throw e;
            throw new IllegalStateException(f);
        }
    }

    /** Claims and runs chunks of generation {@code generation} until none is left. */
    private void work(int thread, long generation) {
        while (true) {
            long s = state.get();
            int next = (int) s;
            if (s >>> 32 != generation || next >= total) return;
            int end = Math.min(total, next + chunk);
            if (!state.compareAndSet(s, s + (end - next))) continue;
            try {
                task.run(thread, next, end);
            } catch (Throwable t) {
                failure = t;
            } finally {
                remaining.addAndGet(next - end);
            }
        }
    }

    private final class Worker extends Thread {
        final int index;
        volatile boolean parked;

        Worker(int index) {
            super("pyramidkv-worker-" + index);
            this.index = index;
            setDaemon(true);
        }

        @Override
        public void run() {
            long seen = 0;
            while (true) {
                long start = System.nanoTime();
                long generation;
                while ((generation = state.get() >>> 32) == seen && !closed) {
                    if (System.nanoTime() - start < SPIN_NANOS) {
                        Thread.onSpinWait();
                    } else {
                        parked = true;
                        if (state.get() >>> 32 == seen && !closed) LockSupport.park(WorkerPool.this);
                        parked = false;
                    }
                }
                if (closed) return;
                seen = generation;
                work(index, generation);
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        for (Worker w : workers) LockSupport.unpark(w);
    }
}
