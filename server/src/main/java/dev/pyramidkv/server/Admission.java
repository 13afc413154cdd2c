package dev.pyramidkv.server;

import java.util.ArrayDeque;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Admission by memory: each request reserves its session's KV bytes against a limit, and at most
 * {@code maxSessions} sessions run at once. Requests that do not fit wait in a bounded FIFO queue (the head
 * goes first, so a large request is not starved by small ones); when the queue is full the request is
 * refused with 429 at once.
 */
final class Admission {
    private final long limitBytes;
    private final int maxSessions;
    private final int queueLimit;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<Object> queue = new ArrayDeque<>();
    private long reserved;
    private int sessions;
    private boolean closed;

    Admission(long limitBytes, int maxSessions, int queueLimit) {
        this.limitBytes = limitBytes;
        this.maxSessions = maxSessions;
        this.queueLimit = queueLimit;
    }

    /** A granted reservation; closing it gives the bytes and the session slot back (once). */
    final class Ticket implements AutoCloseable {
        final long bytes;
        private boolean released;

        private Ticket(long bytes) { this.bytes = bytes; }

        @Override
        public void close() {
            lock.lock();
            try {
                if (released) return;
                released = true;
                reserved -= bytes;
                sessions--;
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    /** Reserves {@code bytes}, waiting in the queue if they do not fit now. */
    Ticket admit(long bytes) throws InterruptedException {
        if (bytes > limitBytes) {
            throw ApiException.invalid("max_tokens", "kv_memory_exceeded", "this request needs " + bytes + " bytes of KV cache, more than the server's limit of "
                    + limitBytes + " (--max-kv-bytes); ask for fewer max_tokens or a KV policy with a budget (kv.policy, kv.budget)");
        }
        lock.lock();
        try {
            if (closed) throw ApiException.unavailable("the server is shutting down");
            if (queue.isEmpty() && fits(bytes)) return grant(bytes);
            if (queue.size() >= queueLimit) {
                throw ApiException.busy("the server is at its KV memory or session limit and " + queue.size() + " requests are already waiting; retry later");
            }
            Object me = new Object();
            queue.addLast(me);
            try {
                while (!closed && !(queue.peekFirst() == me && fits(bytes))) changed.await();
                if (closed) throw ApiException.unavailable("the server is shutting down");
                return grant(bytes);
            } finally {
                queue.remove(me);
                changed.signalAll();   // the next in line may fit now
            }
        } finally {
            lock.unlock();
        }
    }

    private boolean fits(long bytes) {
        return sessions < maxSessions && reserved + bytes <= limitBytes;
    }

    private Ticket grant(long bytes) {
        reserved += bytes;
        sessions++;
        return new Ticket(bytes);
    }

    /** Refuses every waiting and future request with 503. */
    void close() {
        lock.lock();
        try {
            closed = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    long reservedBytes() {
        lock.lock();
        try { return reserved; } finally { lock.unlock(); }
    }

    int sessions() {
        lock.lock();
        try { return sessions; } finally { lock.unlock(); }
    }

    int queued() {
        lock.lock();
        try { return queue.size(); } finally { lock.unlock(); }
    }

    long limitBytes() { return limitBytes; }
}
