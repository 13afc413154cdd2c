package dev.pyramidkv.engine.eval;

import dev.pyramidkv.cache.PolicyConfig;
import dev.pyramidkv.cache.PolicyKind;
import dev.pyramidkv.engine.api.Engine;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Runs a grid (or one shard of it) on a model: for each prompt not finished yet, one prefill forked into
 * every configuration still missing for it, greedy answers, scores, and the prompt's cells appended to the
 * results file. A rerun with the same file skips finished cells (and prompts with none missing are not even
 * prefilled).
 */
public final class EvalRunner {
    private final Engine engine;
    private final int threads;

    /** Told about the run's progress, on the running thread. */
    public interface Listener {
        /** Before the first prefill: prompts (and their context lengths summed) that have work to do. */
        default void started(int prompts, long tokens, int finishedPrompts) {}

        /** After each prompt's cells are written. */
        default void promptDone(PromptSpec spec, int promptTokens, ForkDecoder.Outcome outcome) {}
    }

    /** What a run did. */
    public record Summary(int promptsRun, int promptsSkipped, int cellsRun, int cellsSkipped, long nanos) {}

    public EvalRunner(Engine engine, int threads) {
        if (threads < 1) throw new IllegalArgumentException("threads: must be >= 1, got " + threads);
        this.engine = engine;
        this.threads = threads;
    }

    public Summary run(EvalGrid grid, Shard shard, ResultStore store, Listener listener) throws IOException {
        long t0 = System.nanoTime();
        String model = engine.path().getFileName().toString();
        // what is left to do, prompt by prompt
        List<PromptSpec> todo = new ArrayList<>();
        List<List<PolicyConfig>> missing = new ArrayList<>();
        int promptsSkipped = 0, cellsSkipped = 0;
        long tokens = 0;
        List<PromptSpec> all = grid.prompts();
        for (int i = 0; i < all.size(); i++) {
            if (!shard.includes(i)) continue;
            PromptSpec spec = all.get(i);
            List<PolicyConfig> left = new ArrayList<>();
            for (PolicyConfig p : grid.policies()) {
                String key = EvalResult.key(model, spec.task().cliName(), spec.contextLength(), spec.depth(), spec.sample(), grid.seed(), p.toString());
                if (store.has(key)) cellsSkipped++;
                else left.add(p);
            }
            if (left.isEmpty()) {
                promptsSkipped++;
                continue;
            }
            todo.add(spec);
            missing.add(left);
            tokens += spec.contextLength();
        }
        PromptGenerator generator = new PromptGenerator(engine.tokenizer(), engine.chatTemplate());
        checkFits(generator, todo, grid.seed());
        listener.started(todo.size(), tokens, promptsSkipped);
        int cellsRun = 0;
        if (!todo.isEmpty()) {
            int longest = todo.stream().mapToInt(PromptSpec::contextLength).max().orElseThrow();
            try (ForkDecoder decoder = new ForkDecoder(engine, threads, longest, grid.maxAnswerTokens(), grid.window())) {
                for (int i = 0; i < todo.size(); i++) {
                    PromptSpec spec = todo.get(i);
                    EvalPrompt prompt = generator.generate(spec, grid.seed());
                    Scoring scoring = prompt.scoring();
                    ForkDecoder.Outcome outcome = decoder.run(prompt.tokens(), missing.get(i), prompt.maxAnswerTokens(),
                            partial -> scoring.decided(partial, prompt.expected()));
                    List<EvalResult> results = new ArrayList<>();
                    for (ForkDecoder.Answer a : outcome.answers()) results.add(result(model, grid, prompt, outcome, a));
                    store.append(results);
                    cellsRun += results.size();
                    listener.promptDone(spec, prompt.tokens().length, outcome);
                }
            }
        }
        return new Summary(todo.size(), promptsSkipped, cellsRun, cellsSkipped, System.nanoTime() - t0);
    }

    /** Generates one prompt per task and length before any prefill, so a length too short fails at once. */
    private static void checkFits(PromptGenerator generator, List<PromptSpec> todo, long seed) {
        Set<String> checked = new HashSet<>();
        for (PromptSpec spec : todo) {
            if (checked.add(spec.task().cliName() + "/" + spec.contextLength())) generator.generate(spec, seed);
        }
    }

    private EvalResult result(String model, EvalGrid grid, EvalPrompt prompt, ForkDecoder.Outcome outcome, ForkDecoder.Answer a) {
        PromptSpec s = prompt.spec();
        PolicyConfig p = a.policy();
        return new EvalResult(model, s.task().cliName(), s.contextLength(), s.depth(), s.sample(), grid.seed(), outcome.promptTokens(),
                p.kind().cliName(), p.kind() == PolicyKind.FULL ? 0 : p.budget(), p.label(), p.toString(), prompt.expected(), a.text(),
                a.tokens().length, prompt.score(a.text()), a.kvBytes(), a.fullKvBytes(), a.uncompressed(),
                outcome.prefillNanos() / 1e6, a.decodeNanos() / 1e6, threads);
    }
}
