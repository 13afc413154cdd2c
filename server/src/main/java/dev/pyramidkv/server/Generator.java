package dev.pyramidkv.server;

import dev.pyramidkv.cache.KvCache;
import dev.pyramidkv.cache.KvShape;
import dev.pyramidkv.cache.PolicyConfig;
import dev.pyramidkv.engine.api.Engine;
import dev.pyramidkv.engine.api.Generation;
import dev.pyramidkv.engine.api.GenerationParams;
import dev.pyramidkv.engine.api.Session;
import dev.pyramidkv.engine.api.SessionConfig;
import dev.pyramidkv.engine.api.StopReason;
import dev.pyramidkv.engine.api.TokenListener;
import dev.pyramidkv.engine.chat.ChatTemplateException;
import dev.pyramidkv.engine.model.LlamaConfig;
import dev.pyramidkv.engine.tokenizer.Tokenizer;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Runs each request in its own {@link Session} on the shared {@link Engine}: admitted by KV memory, then
 * generated on a platform thread of a pool of {@code maxSessions} (the HTTP handlers run on virtual threads,
 * which must not be pinned by long native compute). Each session has {@code threadsPerSession} worker
 * threads and its own cache and activations; the weights are shared, read-only. The session's memory is
 * freed, and its reservation returned, before the request's last event is delivered.
 */
final class Generator {
    private static final System.Logger LOG = System.getLogger(Generator.class.getName());

    private final Engine engine;
    private final ServerSettings settings;
    private final Admission admission;
    private final Metrics metrics;
    private final ExecutorService workers;
    private final Set<Job> running = ConcurrentHashMap.newKeySet();

    Generator(Engine engine, ServerSettings settings, Metrics metrics) {
        this.engine = engine;
        this.settings = settings;
        this.metrics = metrics;
        this.admission = new Admission(settings.maxKvBytes(), settings.maxSessions(), settings.queueLimit());
        this.workers = Executors.newFixedThreadPool(settings.maxSessions(), Thread.ofPlatform().name("pyramidkv-session-", 0).daemon().factory());
    }

    /** A request ready to run: its tokens, its session and what its KV cache reserves. */
    record Prepared(int[] prompt, SessionConfig session, GenerationParams params, long kvBytes) {}

    /** Tokenizes the request and sizes its session; every refusal that needs no memory happens here. */
    Prepared prepare(CompletionRequest r) {
        Tokenizer tok = engine.tokenizer();
        int[] prompt;
        if (r.chat()) {
            String text;
            try {
                text = engine.chatTemplate().render(r.messages(), true);
            } catch (ChatTemplateException e) {
                throw ApiException.invalid("messages", "the model's chat template refused the messages: " + e.getMessage());
            }
            // as Session.chat: the template may write the BOS itself
            prompt = tok.encode(text, tok.addsBos() && !text.startsWith(tok.piece(tok.bos())), true);
        } else {
            prompt = tok.encode(r.prompt(), tok.addsBos(), true);
        }
        if (prompt.length == 0) throw ApiException.invalid(r.chat() ? "messages" : "prompt", "the prompt is empty");
        int modelContext = engine.config().contextLength();
        if (prompt.length >= modelContext) {
            throw ApiException.invalid(r.chat() ? "messages" : "prompt", "context_length_exceeded", "This model's maximum context length is "
                    + modelContext + " tokens. However, your " + (r.chat() ? "messages" : "prompt") + " resulted in " + prompt.length
                    + " tokens, which leaves no room for a completion.");
        }
        PolicyConfig policy = r.policy();
        int maxTokens = r.params().maxTokens();
        // the session holds the prompt and the completion (a long completion ends at the model's context);
        // a compressed cache is sized by its budget, whatever the context
        long wanted = Math.max((long) prompt.length + maxTokens, Math.max(policy.budget(), policy.maxKvTokens().orElse(0)));
        int context = (int) Math.min(modelContext, wanted);
        SessionConfig session = new SessionConfig(policy, settings.threadsPerSession(), context, maxTokens, settings.backend());
        try {
            return new Prepared(prompt, session, r.params(), kvBytes(engine.config(), session));   // sizing checks the policy
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid("kv", "kv." + e.getMessage() + " (the model's context is " + modelContext + ")");
        }
    }

    /** The bytes a session's KV cache allocates (K, V and positions of every slot), as {@link KvCache#allocate} sizes it. */
    static long kvBytes(LlamaConfig c, SessionConfig session) {
        KvShape shape = new KvShape(c.layers(), c.heads(), c.kvHeads(), c.headDim());
        session.policy().kvType().checkHeadDim(c.headDim());
        long slots = 0;
        for (int capacity : KvCache.capacities(shape, session.policy(), session.contextLength(), session.decodeHeadroom())) slots += capacity;
        return slots * shape.kvHeads() * (2 * session.policy().kvType().rowBytes(c.headDim()) + Integer.BYTES);
    }

    /**
     * Admits the request (waiting in the queue if its memory is not free) and starts it.
     *
     * @param streamText whether the job's events include the text as it is generated
     */
    Job start(Prepared p, boolean streamText) throws InterruptedException {
        Admission.Ticket ticket = admission.admit(p.kvBytes());
        Job job = new Job(p, ticket, streamText);
        running.add(job);
        try {
            workers.execute(job::run);
        } catch (RejectedExecutionException e) {
            running.remove(job);
            ticket.close();
            throw ApiException.unavailable("the server is shutting down");
        }
        return job;
    }

    /** One running request. Its events are text pieces, then the {@link Generation} or the failure. */
    final class Job {
        private final Prepared prepared;
        private final Admission.Ticket ticket;
        private final boolean streamText;
        private final BlockingQueue<Object> events = new LinkedBlockingQueue<>();
        private final CountDownLatch done = new CountDownLatch(1);
        private volatile boolean cancelled;
        private volatile Session session;
        private volatile long liveKvBytes;

        private Job(Prepared prepared, Admission.Ticket ticket, boolean streamText) {
            this.prepared = prepared;
            this.ticket = ticket;
            this.streamText = streamText;
        }

        private void run() {
            Object result;
            try (Session s = engine.newSession(prepared.session())) {
                session = s;
                if (cancelled) s.cancel();   // a cancel that came before the session existed
                TokenListener listener = streamText ? text -> {
                    liveKvBytes = s.memory().liveKvBytes();
                    events.add(text);
                } : null;
                Generation g = s.generate(prepared.prompt(), prepared.params(), listener);
                metrics.generated(g);
                if (g.stopReason() == StopReason.CANCELLED) metrics.cancelled();
                result = g;
            } catch (Throwable t) {
                result = t;
            } finally {
                session = null;
                running.remove(this);
                ticket.close();
            }
            events.add(result);
            done.countDown();
        }

        /** The next event: a String of text, then a Generation or a Throwable, which is the last. */
        Object next() throws InterruptedException { return events.take(); }

        /** Stops the generation (after the current token, or before its prefill); its memory is freed as it ends. */
        void cancel() {
            cancelled = true;
            Session s = session;
            if (s != null) s.cancel();
        }

        void awaitDone() throws InterruptedException { done.await(); }

        boolean awaitDone(Duration timeout) throws InterruptedException { return done.await(timeout.toNanos(), TimeUnit.NANOSECONDS); }

        int promptTokens() { return prepared.prompt().length; }
    }

    long liveKvBytes() {
        long sum = 0;
        for (Job j : running) sum += j.liveKvBytes;
        return sum;
    }

    Admission admission() { return admission; }

    /**
     * Refuses new and waiting requests, lets the running ones finish until {@code deadline}, then cancels
     * the rest and gives them as long again to end (a cancel takes effect after the current token, or once a
     * running prefill is over).
     *
     * @return true if every session ended (and its memory was freed)
     */
    boolean shutdown(Duration deadline) throws InterruptedException {
        admission.close();
        awaitRunning(deadline);
        Set<Job> left = Set.copyOf(running);
        if (!left.isEmpty()) LOG.log(System.Logger.Level.INFO, "shutdown: cancelling " + left.size() + " generations still running");
        for (Job j : left) j.cancel();
        boolean ended = awaitRunning(deadline);
        if (!ended) LOG.log(System.Logger.Level.WARNING, "shutdown: " + running.size() + " generations did not end within " + deadline + " of their cancel");
        workers.shutdown();
        return ended;
    }

    private boolean awaitRunning(Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        for (Job j : Set.copyOf(running)) {
            if (!j.awaitDone(Duration.ofNanos(Math.max(0, end - System.nanoTime())))) return false;
        }
        return true;
    }
}
