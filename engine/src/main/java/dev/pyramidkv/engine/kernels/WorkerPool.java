package dev.pyramidkv.engine.kernels;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A fixed pool that splits a range of rows over {@code threads} threads (the caller is one of them).
 * Workers spin briefly between calls, then park: decode issues hundreds of small calls per token.
 * {@link #run} allocates nothing.
 */
public final class WorkerPool implements AutoCloseable {
    /** Work on rows [from, to). Implementations are created once and reused. */
    public interface RangeTask {
        void run(int from, int to);
    }

    private static final long SPIN_NANOS = 200_000;

    private final Thread[] workers;
    private final int threads;
    private volatile RangeTask task;
    private volatile int total;
    private volatile int generation;
    private volatile boolean closed;
    private final AtomicInteger pending = new AtomicInteger();
    private volatile Throwable failure;

    public WorkerPool(int threads) {
        if (threads < 1) throw new IllegalArgumentException("--threads must be at least 1, got " + threads);
        this.threads = threads;
        workers = new Thread[threads - 1];
        for (int i = 0; i < workers.length; i++) {
            int index = i + 1;
            workers[i] = Thread.ofPlatform().daemon().name("pyramidkv-worker-" + index).start(() -> loop(index));
        }
    }

    public int threads() { return threads; }

    /**
     * Runs {@code task} over [0, n) split into contiguous chunks, one per thread (thread i of T gets
     * [⌊n·i/T⌋, ⌊n·(i+1)/T⌋), so with n = T each thread gets just its own index); returns when all are done.
     */
    public void run(int n, RangeTask task) {
        if (threads == 1 || n < 2) {
            task.run(0, n);
            return;
        }
        this.task = task;
        this.total = n;
        pending.set(workers.length);
        generation++;
        for (Thread w : workers) LockSupport.unpark(w);
        try {
            runChunk(0, task, n);
        } finally {
            long start = System.nanoTime();
            while (pending.get() != 0) {
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

    private void runChunk(int index, RangeTask t, int n) {
        int from = (int) ((long) n * index / threads);
        int to = (int) ((long) n * (index + 1) / threads);
        if (from < to) t.run(from, to);
    }

    private void loop(int index) {
        int seen = 0;
        while (true) {
            long start = System.nanoTime();
            while (generation == seen && !closed) {
                if (System.nanoTime() - start < SPIN_NANOS) Thread.onSpinWait();
                else LockSupport.park(this);
            }
            if (closed) return;
            seen = generation;
            try {
                runChunk(index, task, total);
            } catch (Throwable t) {
                failure = t;
            } finally {
                pending.decrementAndGet();
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        for (Thread w : workers) LockSupport.unpark(w);
    }
}
