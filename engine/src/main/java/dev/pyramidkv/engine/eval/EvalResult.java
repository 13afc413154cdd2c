package dev.pyramidkv.engine.eval;

import dev.pyramidkv.engine.json.Json;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One cell of a grid: one prompt answered with one KV-cache configuration. A results file holds one per
 * line as JSON ({@link #toJson()}).
 *
 * @param model        the model file's name
 * @param task         task name ({@link TaskKind#cliName()})
 * @param contextLength the grid's context length (the prompt has at most this many tokens)
 * @param depth        needle depth in percent, or -1 for tasks with random placement
 * @param sample       sample index
 * @param seed         the grid seed
 * @param promptTokens the prompt's actual token count
 * @param policy       policy name (full, streaming, ...)
 * @param budget       average KV tokens per layer (0 for full)
 * @param label        short label, e.g. {@code pyramid-128}
 * @param policyConfig every setting of the policy ({@code PolicyConfig.toString()}); part of the key
 * @param expected     what a correct answer holds
 * @param answer       the decoded answer
 * @param answerTokens tokens decoded
 * @param score        in [0, 1], by the task's scoring rule
 * @param kvBytes      live K+V bytes after the prompt was compressed
 * @param kvFullBytes  what the full cache holds for the same prompt
 * @param uncompressed true when the budget was at least the prompt length, so the full cache answered
 * @param prefillMillis the prompt's one prefill (shared by all its cells)
 * @param decodeMillis this cell's decoding
 * @param threads      worker threads
 */
public record EvalResult(String model, String task, int contextLength, int depth, int sample, long seed, int promptTokens,
                         String policy, int budget, String label, String policyConfig, List<String> expected, String answer,
                         int answerTokens, double score, long kvBytes, long kvFullBytes, boolean uncompressed,
                         double prefillMillis, double decodeMillis, int threads) {

    public EvalResult {
        expected = List.copyOf(expected);
    }

    /** Identifies the cell: a rerun skips cells whose key is already in the results. */
    public String key() {
        return key(model, task, contextLength, depth, sample, seed, policyConfig);
    }

    static String key(String model, String task, int contextLength, int depth, int sample, long seed, String policyConfig) {
        return model + "|" + task + "|" + contextLength + "|" + depth + "|" + sample + "|" + seed + "|" + policyConfig;
    }

    public double kvRatio() { return kvFullBytes == 0 ? Double.NaN : (double) kvBytes / kvFullBytes; }

    public String toJson() {
        List<String> exp = new ArrayList<>(expected.size());
        for (String e : expected) exp.add(Json.quote(e));
        return Json.object()
                .put("model", model).put("task", task).put("context_length", contextLength).put("depth", depth)
                .put("sample", sample).put("seed", seed).put("prompt_tokens", promptTokens)
                .put("policy", policy).put("budget", budget).put("label", label).put("policy_config", policyConfig)
                .putRaw("expected", Json.array(exp)).put("answer", answer).put("answer_tokens", answerTokens)
                .put("score", score).put("kv_bytes", kvBytes).put("kv_full_bytes", kvFullBytes)
                .put("uncompressed", uncompressed).put("prefill_ms", prefillMillis).put("decode_ms", decodeMillis)
                .put("threads", threads)
                .toString();
    }

    /** Parses a line written by {@link #toJson()}; a missing or mistyped field fails naming it. */
    public static EvalResult fromJson(String line) {
        Map<String, Object> m = JsonLine.parseObject(line);
        List<String> expected = new ArrayList<>();
        if (!(m.get("expected") instanceof List<?> list)) throw new IllegalArgumentException("field 'expected': expected an array");
        for (Object o : list) expected.add(String.valueOf(o));
        return new EvalResult(text(m, "model"), text(m, "task"), (int) integer(m, "context_length"), (int) integer(m, "depth"),
                (int) integer(m, "sample"), integer(m, "seed"), (int) integer(m, "prompt_tokens"), text(m, "policy"),
                (int) integer(m, "budget"), text(m, "label"), text(m, "policy_config"), expected, text(m, "answer"),
                (int) integer(m, "answer_tokens"), number(m, "score"), integer(m, "kv_bytes"), integer(m, "kv_full_bytes"),
                flag(m, "uncompressed"), number(m, "prefill_ms"), number(m, "decode_ms"), (int) integer(m, "threads"));
    }

    private static String text(Map<String, Object> m, String field) {
        if (m.get(field) instanceof String s) return s;
        throw new IllegalArgumentException("field '" + field + "': expected a string, got " + m.get(field));
    }

    private static double number(Map<String, Object> m, String field) {
        if (m.get(field) instanceof BigDecimal d) return d.doubleValue();
        throw new IllegalArgumentException("field '" + field + "': expected a number, got " + m.get(field));
    }

    private static long integer(Map<String, Object> m, String field) {
        if (m.get(field) instanceof BigDecimal d) {
            try {
                return d.longValueExact();
            } catch (ArithmeticException e) {
                // reported below
            }
        }
        throw new IllegalArgumentException("field '" + field + "': expected an integer, got " + m.get(field));
    }

    private static boolean flag(Map<String, Object> m, String field) {
        if (m.get(field) instanceof Boolean b) return b;
        throw new IllegalArgumentException("field '" + field + "': expected true or false, got " + m.get(field));
    }
}
