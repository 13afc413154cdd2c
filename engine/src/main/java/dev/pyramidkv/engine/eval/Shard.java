package dev.pyramidkv.engine.eval;

/**
 * Part {@code index} of {@code count} of a grid: the prompts whose position in the grid's order is
 * {@code index} modulo {@code count}, so every shard gets a similar mix of lengths.
 */
public record Shard(int index, int count) {
    public static final Shard ALL = new Shard(0, 1);

    public Shard {
        if (count < 1) throw new IllegalArgumentException("shard: the count must be >= 1, got " + count);
        if (index < 0 || index >= count) throw new IllegalArgumentException("shard: the index must be in [0, " + count + "), got " + index);
    }

    /** Parses {@code i/n}, e.g. {@code 0/2}. */
    public static Shard parse(String text) {
        String[] parts = text.strip().split("/");
        if (parts.length != 2) throw new IllegalArgumentException("shard: expected i/n (e.g. 0/2), got '" + text + "'");
        try {
            return new Shard(Integer.parseInt(parts[0].strip()), Integer.parseInt(parts[1].strip()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("shard: expected i/n with whole numbers (e.g. 0/2), got '" + text + "'");
        }
    }

    public boolean includes(int promptIndex) { return promptIndex % count == index; }

    /** {@code results.jsonl}, or {@code results-shard-i-of-n.jsonl} for a part. */
    public String resultsFileName() {
        return count == 1 ? "results.jsonl" : "results-shard-" + index + "-of-" + count + ".jsonl";
    }
}
