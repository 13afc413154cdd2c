package dev.pyramidkv.engine.eval;

import java.util.List;

/**
 * A generated prompt, ready to prefill.
 *
 * @param spec     what was asked for
 * @param seed     the grid seed it was generated from
 * @param text     the whole prompt: the chat template's rendering of the user message, then the answer prefix
 * @param tokens   {@code text} tokenized (BOS included when the model wants one); at most {@code spec.contextLength()}
 * @param expected the strings a correct answer contains (or, for exact scoring, is)
 * @param needles  the sentences inserted into the haystack, in text order (empty for cwe)
 * @param haystackStart character offset in {@code text} where the haystack (or word list) begins
 * @param haystackEnd   character offset where it ends
 */
public record EvalPrompt(PromptSpec spec, long seed, String text, int[] tokens, List<String> expected, List<String> needles,
                         int haystackStart, int haystackEnd) {
    public EvalPrompt {
        expected = List.copyOf(expected);
        needles = List.copyOf(needles);
    }

    public TaskKind task() { return spec.task(); }

    public Scoring scoring() { return spec.task().scoring(); }

    public int maxAnswerTokens() { return spec.task().maxAnswerTokens(); }

    public double score(String answer) { return scoring().score(answer, expected); }
}
