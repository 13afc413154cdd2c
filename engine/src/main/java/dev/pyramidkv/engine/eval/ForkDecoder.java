package dev.pyramidkv.engine.eval;

import dev.pyramidkv.cache.KvCache;
import dev.pyramidkv.cache.KvType;
import dev.pyramidkv.cache.KvShape;
import dev.pyramidkv.cache.PolicyConfig;
import dev.pyramidkv.cache.PolicyKind;
import dev.pyramidkv.engine.api.Engine;
import dev.pyramidkv.engine.api.GenerationParams;
import dev.pyramidkv.engine.api.Session;
import dev.pyramidkv.engine.api.SessionConfig;
import dev.pyramidkv.engine.model.LlamaConfig;
import dev.pyramidkv.engine.model.Transformer;
import dev.pyramidkv.engine.sampling.Sampler;
import dev.pyramidkv.engine.tokenizer.Tokenizer;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Answers one prompt with many KV-cache configurations from a single prefill: the prompt is prefilled once,
 * each layer's full K/V and attention scores are staged once, and every configuration (policy × budget)
 * compresses its own fork from them. Then each fork decodes its answer greedily.
 * <p>
 * Every configuration, {@code full} included, is a fork allocated for exactly this prompt in an arena that
 * is closed once the prompt's answers are decoded, so memory stays bounded by one prompt. The session's
 * own cache is a minimal StreamingLLM cache that only satisfies the prefill and is never decoded from.
 * A configuration whose budget is at least the prompt length compresses nothing (the policies keep every
 * token then); it is answered by the full cache and marked {@link Answer#uncompressed()}.
 * <p>
 * The first answer token comes from the prefill's logits, which every configuration shares (prefill
 * attention is over the full prompt, as in the paper); compression shows from the second token on.
 */
public final class ForkDecoder implements AutoCloseable {
    private final Session session;
    private final Transformer transformer;
    private final Tokenizer tokenizer;
    private final KvShape shape;
    private final int window;
    private final int maxAnswerTokens;
    private final Sampler sampler;
    private final float[] prefillLogits;
    private final int[] answer;

    /** One configuration's answer to the prompt. */
    public record Answer(PolicyConfig policy, int[] tokens, String text, long kvBytes, long fullKvBytes, long decodeNanos,
                         boolean uncompressed) {}

    /** The answers of one prompt, in the order of the configurations asked for. */
    public record Outcome(int promptTokens, long prefillNanos, List<Answer> answers) {}

    /**
     * @param maxPromptTokens the longest prompt to come
     * @param maxAnswerTokens the longest answer to come
     * @param window          the observation window every configuration uses (forks share the prefill's scores)
     */
    public ForkDecoder(Engine engine, int threads, int maxPromptTokens, int maxAnswerTokens, int window) {
        LlamaConfig c = engine.config();
        if (maxPromptTokens < 1) throw new IllegalArgumentException("maxPromptTokens: must be >= 1, got " + maxPromptTokens);
        if (maxAnswerTokens < 1) throw new IllegalArgumentException("maxAnswerTokens: must be >= 1, got " + maxAnswerTokens);
        int context = maxPromptTokens + maxAnswerTokens;
        if (context > c.contextLength()) {
            throw new IllegalArgumentException("prompts of " + maxPromptTokens + " tokens plus answers of " + maxAnswerTokens
                    + " exceed the model's context length of " + c.contextLength() + " tokens");
        }
        PolicyConfig minimal = PolicyConfig.builder(PolicyKind.STREAMING).window(window).budget(window + 5).build();
        this.session = engine.newSession(new SessionConfig(minimal, threads, context, maxAnswerTokens));
        this.transformer = session.transformer();
        this.tokenizer = engine.tokenizer();
        this.shape = new KvShape(c.layers(), c.heads(), c.kvHeads(), c.headDim());
        this.window = window;
        this.maxAnswerTokens = maxAnswerTokens;
        this.sampler = new Sampler(c.vocab());
        this.prefillLogits = new float[c.vocab()];
        this.answer = new int[maxAnswerTokens];
    }

    /**
     * Prefills {@code prompt} once and decodes up to {@code maxTokens} answer tokens with every configuration
     * in {@code policies} (distinct). Decoding stops at an end-of-generation token, at {@code maxTokens}, or
     * when {@code stop} (may be null) accepts the answer text so far.
     */
    public Outcome run(int[] prompt, List<PolicyConfig> policies, int maxTokens, Predicate<String> stop) {
        int n = prompt.length;
        if (n < 1 || n + maxTokens > session.contextLength()) {
            throw new IllegalArgumentException("prompt of " + n + " tokens plus " + maxTokens + " answer tokens must fit in "
                    + session.contextLength() + " (this decoder's context)");
        }
        if (maxTokens < 1 || maxTokens > maxAnswerTokens) throw new IllegalArgumentException("maxTokens: must be in [1, " + maxAnswerTokens + "], got " + maxTokens);
        // configurations that compress nothing at this length are answered by the full cache of their K/V type
        Map<PolicyConfig, List<Integer>> byEffective = new LinkedHashMap<>();
        for (int i = 0; i < policies.size(); i++) {
            PolicyConfig p = policies.get(i);
            if (p.window() != window) throw new IllegalArgumentException("policy " + p.label() + " has window " + p.window() + ", this decoder " + window);
            byEffective.computeIfAbsent(compresses(p, n) ? p : fullCache(p.kvType()), k -> new ArrayList<>()).add(i);
        }
        Answer[] answers = new Answer[policies.size()];
        try (Arena arena = Arena.ofShared()) {
            List<PolicyConfig> effective = new ArrayList<>(byEffective.keySet());
            List<KvCache> forks = new ArrayList<>(effective.size());
            for (PolicyConfig p : effective) forks.add(KvCache.allocateForPrompt(arena, shape, p, n, maxTokens));

            session.reset();
            transformer.useCache(session.cache());
            long t0 = System.nanoTime();
            transformer.forward(prompt, 0, n, forks);
            long prefillNanos = System.nanoTime() - t0;
            MemorySegment.copy(transformer.logits(), ValueLayout.JAVA_FLOAT, 0, prefillLogits, 0, prefillLogits.length);

            for (int f = 0; f < forks.size(); f++) {
                KvCache fork = forks.get(f);
                long kvBytes = fork.memory().liveKvBytes(), fullBytes = fork.memory().fullEquivalentBytes();
                long d0 = System.nanoTime();
                int count = decode(fork, prompt, maxTokens, stop);
                long decodeNanos = System.nanoTime() - d0;
                int[] tokens = Arrays.copyOf(answer, count);
                String text = tokenizer.decode(tokens);
                for (int i : byEffective.get(effective.get(f))) {
                    PolicyConfig asked = policies.get(i);
                    answers[i] = new Answer(asked, tokens, text, kvBytes, fullBytes, decodeNanos,
                            asked.kind() != PolicyKind.FULL && !compresses(asked, n));
                }
            }
            transformer.useCache(session.cache());   // the forks die with the arena
            session.reset();
            return new Outcome(n, prefillNanos, List.of(answers));
        }
    }

    /** Greedy decoding from the prefill's logits into {@code answer}; returns the token count. */
    private int decode(KvCache fork, int[] prompt, int maxTokens, Predicate<String> stop) {
        transformer.useCache(fork);
        sampler.reset(GenerationParams.greedy().samplerSettings(), prompt, prompt.length);
        int token = sampler.sample(MemorySegment.ofArray(prefillLogits));
        int count = 0;
        while (!tokenizer.isEog(token)) {
            answer[count++] = token;
            if (count >= maxTokens) break;
            if (stop != null && stop.test(tokenizer.decode(Arrays.copyOf(answer, count)))) break;
            transformer.forward(token);
            token = sampler.sample(transformer.logits());
        }
        return count;
    }

    /** False when a policy keeps every token of an {@code n}-token prompt (budget at least n). */
    static boolean compresses(PolicyConfig p, int n) {
        return p.kind() != PolicyKind.FULL && p.budget() < n;
    }

    private PolicyConfig fullCache(KvType type) {
        return PolicyConfig.builder(PolicyKind.FULL).window(window).kvType(type).build();
    }

    @Override
    public void close() {
        session.close();
    }
}
