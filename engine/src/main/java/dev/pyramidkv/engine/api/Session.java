package dev.pyramidkv.engine.api;

import dev.pyramidkv.cache.CacheMemory;
import dev.pyramidkv.cache.KvCache;
import dev.pyramidkv.cache.KvShape;
import dev.pyramidkv.dnnl.DnnlEngine;
import dev.pyramidkv.engine.chat.Message;
import dev.pyramidkv.engine.kernels.WorkerPool;
import dev.pyramidkv.engine.model.LlamaConfig;
import dev.pyramidkv.engine.model.Transformer;
import dev.pyramidkv.engine.sampling.Sampler;
import dev.pyramidkv.engine.tokenizer.TokenStream;
import dev.pyramidkv.engine.tokenizer.Tokenizer;

import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;

/**
 * One conversation with a model: its KV cache, activations and worker threads, all freed by
 * {@link #close()}. Calls continue the same sequence (the cache is reused across turns) until
 * {@link #reset()}. One thread at a time; {@link #cancel()} may be called from any thread.
 *
 * <p>Cancellation: {@code cancel()} stops the generation in progress, or, when none is, the next one, so a
 * cancel racing with the start of a generation is never lost. A generation consumes the cancel: it ends
 * with {@link StopReason#CANCELLED} if it saw it, and the next one starts uncancelled either way. Seen
 * before the prefill, nothing is prefilled and the sequence is unchanged; seen after it, the prompt stays
 * in the cache and the tokens generated so far are returned. The prefill of a first prompt (an empty cache)
 * stops between layers (and between chunks of the Java backend): the cache is emptied, as after
 * {@link #reset()}. The prefill of a later turn runs to its end, then the cancel takes effect before the
 * first token is sampled.
 */
public final class Session implements AutoCloseable {
    private final Engine engine;
    private final SessionConfig config;
    private final Arena arena;
    private final WorkerPool pool;
    private final KvCache cache;
    private final Transformer transformer;
    private final Backend backend;
    private final DnnlEngine dnnl;       // null on the Java backend
    private final Sampler sampler;
    private final int contextLength;
    private final int[] sequence;        // every token in the cache's sequence, by position
    private final int[] generated;       // the current generation's tokens
    private final long[] stepNanos;      // the current generation's decode step times
    private int length;
    private int unfed = -1;              // the last generated token when a generation stopped before feeding it
    private final List<Message> messages = new ArrayList<>();
    private String rendered = "";        // the chat so far as the template renders it, replies included
    private volatile boolean cancelled;
    private final BooleanSupplier cancelRequested = () -> cancelled;
    private boolean closed;

    Session(Engine engine, SessionConfig config) {
        this.engine = engine;
        this.config = config;
        LlamaConfig c = engine.config();
        this.contextLength = config.contextLength() == 0 ? c.contextLength() : config.contextLength();
        if (contextLength > c.contextLength()) {
            throw new IllegalArgumentException("context length " + contextLength + " exceeds the model's " + c.contextLength());
        }
        this.backend = engine.effective(config.backend());
        this.arena = Arena.ofShared();
        DnnlEngine dnnlEngine = null;
        try {
            this.dnnl = dnnlEngine = backend == Backend.ONEDNN ? DnnlEngine.create() : null;
            this.pool = new WorkerPool(config.threads());
            KvShape shape = new KvShape(c.layers(), c.heads(), c.kvHeads(), c.headDim());
            this.cache = KvCache.allocate(arena, shape, config.policy(), contextLength, config.decodeHeadroom());
            this.transformer = new Transformer(engine.model(), arena, pool, cache, contextLength,
                    dnnl, dnnl == null ? null : engine.prefillWeights());
            this.sampler = new Sampler(c.vocab());
            this.sequence = new int[contextLength];
            this.generated = new int[contextLength];
            this.stepNanos = new long[contextLength];
        } catch (RuntimeException e) {
            if (dnnlEngine != null) dnnlEngine.close();
            arena.close();
            throw e;
        }
    }

    public SessionConfig config() { return config; }

    /** What runs this session's prompt prefills: the configured backend, or Java if oneDNN was missing. */
    public Backend backend() { return backend; }

    public KvCache cache() { return cache; }

    public CacheMemory memory() { return cache.memory(); }

    /** Tokens in the sequence so far (prompts and generated tokens). */
    public int position() { return length; }

    public int contextLength() { return contextLength; }

    public Transformer transformer() { return transformer; }

    /** Stops the running generation after the current token, or the next generation before its prefill. */
    public void cancel() { cancelled = true; }

    /** Forgets the conversation; the memory stays reserved for the next one. */
    public void reset() {
        cache.clear();
        length = 0;
        unfed = -1;
        messages.clear();
        rendered = "";
    }

    /** Starts a chat with a system message (rendered with the first user turn). */
    public void startChat(String systemMessage) {
        if (!messages.isEmpty() || length > 0) throw new IllegalStateException("the conversation has already started; reset() first");
        messages.add(Message.system(systemMessage));
    }

    /** The chat so far (user messages and replies). */
    public List<Message> messages() { return List.copyOf(messages); }

    /**
     * One chat turn: the user message joins the conversation, the conversation is rendered through the
     * model's chat template, and only what the cache has not seen yet is prefilled. If the template renders
     * earlier turns differently than before, the session starts over from the full rendering.
     */
    public Generation chat(String userMessage, GenerationParams params, TokenListener listener) {
        checkOpen();
        List<Message> next = new ArrayList<>(messages);
        next.add(Message.user(userMessage));
        String full = engine.chatTemplate().render(next, true);
        if (length > 0 && !full.startsWith(rendered)) reset();
        String delta = full.substring(rendered.length());
        Tokenizer tok = engine.tokenizer();
        boolean bos = length == 0 && tok.addsBos() && !delta.startsWith(tok.piece(tok.bos()));
        Generation g = generate(tok.encode(delta, bos, true), params, listener);
        if (g.promptTokens() == 0) return g;   // cancelled before the prefill: the turn never happened
        messages.clear();
        messages.addAll(next);
        messages.add(Message.assistant(g.text()));
        rendered = full + g.text();
        return g;
    }

    /** Continues the sequence with raw text (no chat template), then generates. */
    public Generation generate(String prompt, GenerationParams params, TokenListener listener) {
        Tokenizer tok = engine.tokenizer();
        int[] ids = tok.encode(prompt, length == 0 && tok.addsBos(), true);
        return generate(ids, params, listener);
    }

    /** Continues the sequence with these tokens, then generates up to {@code params.maxTokens()} tokens. */
    public Generation generate(int[] prompt, GenerationParams params, TokenListener listener) {
        checkOpen();
        if (prompt.length == 0) throw new IllegalArgumentException("empty prompt: nothing to continue from");
        if (unfed >= 0) {   // the previous reply's last token joins the sequence first
            int[] withLast = new int[prompt.length + 1];
            withLast[0] = unfed;
            System.arraycopy(prompt, 0, withLast, 1, prompt.length);
            prompt = withLast;
        }
        if (length + prompt.length > contextLength) {
            throw new IllegalArgumentException("prompt of " + prompt.length + " tokens" + (length > 0 ? " after " + length + " earlier ones" : "")
                    + " exceeds the context length of " + contextLength + " tokens");
        }
        if (cancelled) {
            cancelled = false;
            return new Generation("", new int[0], 0, StopReason.CANCELLED, 0, 0, 0, 0, new long[0]);
        }
        long t0 = System.nanoTime();
        try {
            transformer.forward(prompt, 0, prompt.length, List.of(), cancelRequested);
        } catch (CancellationException stopped) {   // a first prompt's prefill: the cache is empty again
            cancelled = false;
            reset();
            return new Generation("", new int[0], 0, StopReason.CANCELLED, System.nanoTime() - t0, 0, 0, 0, new long[0]);
        }
        System.arraycopy(prompt, 0, sequence, length, prompt.length);
        length += prompt.length;
        unfed = -1;
        long t1 = System.nanoTime();
        long heap0 = pool.allocatedBytes();

        Tokenizer tok = engine.tokenizer();
        sampler.reset(params.samplerSettings(), sequence, length);
        Output out = new Output(tok, params.stop(), listener);
        int count = 0, steps = 0;
        long stepStart = t1;
        StopReason reason = StopReason.MAX_TOKENS;
        while (true) {
            if (count >= params.maxTokens()) { reason = StopReason.MAX_TOKENS; break; }
            if (cancelled) { reason = StopReason.CANCELLED; break; }
            int token = sampler.sample(transformer.logits());
            if (tok.isEog(token) && !params.ignoreEos()) { reason = StopReason.END_OF_TEXT; break; }
            generated[count++] = token;
            sampler.accept(token);
            if (out.push(token)) { reason = StopReason.STOP_STRING; break; }
            if (length >= contextLength) { reason = StopReason.CONTEXT_FULL; break; }
            if (count >= params.maxTokens()) { reason = StopReason.MAX_TOKENS; unfed = token; break; }
            transformer.forward(token);
            sequence[length++] = token;
            long now = System.nanoTime();
            stepNanos[steps++] = now - stepStart;
            stepStart = now;
        }
        cancelled = false;   // consumed: a cancel that came during this generation does not reach the next
        long t2 = System.nanoTime();
        long heap = pool.allocatedBytes() - heap0;
        return new Generation(out.finish(generated, count), Arrays.copyOf(generated, count), prompt.length, reason, t1 - t0, t2 - t1, steps, heap,
                Arrays.copyOf(stepNanos, steps));
    }

    private void checkOpen() {
        if (closed) throw new IllegalStateException("session is closed");
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        pool.close();
        if (dnnl != null) dnnl.close();
        arena.close();
        engine.closed(this);
    }

    /**
     * Assembles generated text and streams it, holding back what could still become a stop string.
     * Without a listener and stop strings ("lazy"), tokens are decoded only at the end, so the decode loop
     * allocates nothing.
     */
    private static final class Output {
        private final List<String> stops;
        private final TokenListener listener;
        private final TokenStream stream;
        private final StringBuilder text = new StringBuilder();
        private final int holdBack;
        private int emitted;
        private boolean stopped;

        Output(Tokenizer tokenizer, List<String> stops, TokenListener listener) {
            this.stops = stops;
            this.listener = listener;
            this.stream = tokenizer.stream(false);
            int longest = 0;
            for (String s : stops) longest = Math.max(longest, s.length());
            this.holdBack = Math.max(0, longest - 1);
        }

        private boolean lazy() { return listener == null && stops.isEmpty(); }

        /** Adds a token; returns true when a stop string appeared. */
        boolean push(int token) {
            if (lazy()) return false;
            text.append(stream.push(token));
            for (String s : stops) {
                int at = text.indexOf(s, Math.max(0, emitted - s.length()));
                if (at >= 0) {
                    text.setLength(at);
                    emit(text.length());
                    stopped = true;
                    return true;
                }
            }
            emit(text.length() - holdBack);
            return false;
        }

        String finish(int[] tokens, int count) {
            if (lazy()) for (int i = 0; i < count; i++) text.append(stream.push(tokens[i]));
            if (!stopped) text.append(stream.flush());
            emit(text.length());
            return text.toString();
        }

        private void emit(int upTo) {
            if (listener != null && upTo > emitted) {
                listener.onText(text.substring(emitted, upTo));
                emitted = upTo;
            }
        }
    }
}
