package dev.pyramidkv.engine.eval;

/**
 * One prompt of a grid: a task at a context length (prompt tokens, at most), a needle depth in percent
 * ({@link #NO_DEPTH} for tasks that place their facts at random) and a sample index.
 */
public record PromptSpec(TaskKind task, int contextLength, int depth, int sample) {
    public static final int NO_DEPTH = -1;

    public PromptSpec {
        if (task == null) throw new IllegalArgumentException("task: must not be null");
        if (contextLength < 1) throw new IllegalArgumentException("contextLength: must be >= 1, got " + contextLength);
        if (task.usesDepth() ? depth < 0 || depth > 100 : depth != NO_DEPTH) {
            throw new IllegalArgumentException("depth=" + depth + ": task " + task.cliName()
                    + (task.usesDepth() ? " needs a depth in [0, 100] percent" : " places its facts at random and takes no depth (-1)"));
        }
        if (sample < 0) throw new IllegalArgumentException("sample: must be >= 0, got " + sample);
    }

    /** E.g. {@code passkey/1024/d50/s0} or {@code cwe/1024/s2}. */
    public String id() {
        return task.cliName() + "/" + contextLength + (depth == NO_DEPTH ? "" : "/d" + depth) + "/s" + sample;
    }
}
