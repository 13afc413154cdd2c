package dev.pyramidkv.engine.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The synthetic tasks, in the style of RULER (Hsieh et al., 2024), by their command-line names.
 * A task with {@link #usesDepth()} places its one queried needle at the grid's depth; the others place
 * their facts at seeded random depths and run once per context length and sample.
 */
public enum TaskKind {
    /** One pass key (five digits) in the haystack: "What is the pass key?" (Mohtashami and Jaggi). */
    PASSKEY("passkey", true, 12, Scoring.EXACT),
    /** RULER niah_single: one "special magic number" (seven digits) for a key. */
    NIAH_NUMBER("niah_number", true, 16, Scoring.CONTAINS),
    /** niah_single with a word as the value. */
    NIAH_WORD("niah_word", true, 12, Scoring.CONTAINS),
    /** niah_single with a UUID as the value. */
    NIAH_UUID("niah_uuid", true, 40, Scoring.CONTAINS),
    /** RULER niah_multikey: four needles with different keys, one of them queried. */
    NIAH_MULTIKEY("niah_multikey", true, 16, Scoring.CONTAINS),
    /** RULER niah_multivalue: four numbers for the same key, all of them asked for. */
    NIAH_MULTIVALUE("niah_multivalue", false, 48, Scoring.CONTAINS),
    /** RULER variable tracking: a chain of five assignments; name every variable holding the value. */
    VARIABLE_TRACKING("vt", false, 32, Scoring.CONTAINS),
    /** RULER common-word extraction: the three words repeated most often in a numbered list. */
    COMMON_WORDS("cwe", false, 24, Scoring.CONTAINS);

    private final String cliName;
    private final boolean usesDepth;
    private final int maxAnswerTokens;
    private final Scoring scoring;

    TaskKind(String cliName, boolean usesDepth, int maxAnswerTokens, Scoring scoring) {
        this.cliName = cliName;
        this.usesDepth = usesDepth;
        this.maxAnswerTokens = maxAnswerTokens;
        this.scoring = scoring;
    }

    public String cliName() { return cliName; }

    /** True if the grid's needle depth applies (one queried needle); false for tasks with random placement. */
    public boolean usesDepth() { return usesDepth; }

    /** Tokens an answer may take; decoding stops there. */
    public int maxAnswerTokens() { return maxAnswerTokens; }

    public Scoring scoring() { return scoring; }

    public static TaskKind parse(String name) {
        String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        for (TaskKind t : values()) if (t.cliName.equals(n)) return t;
        throw new IllegalArgumentException("task: unknown task '" + name + "'; expected one of " + names());
    }

    /** A comma-separated list of task names; "all" means every task. */
    public static List<TaskKind> parseList(String list) {
        List<TaskKind> out = new ArrayList<>();
        for (String part : list.split(",")) {
            if (part.isBlank()) continue;
            if (part.trim().equalsIgnoreCase("all")) {
                for (TaskKind t : values()) if (!out.contains(t)) out.add(t);
                continue;
            }
            TaskKind t = parse(part);
            if (!out.contains(t)) out.add(t);
        }
        if (out.isEmpty()) throw new IllegalArgumentException("tasks: empty list; expected some of " + names());
        return out;
    }

    static String names() {
        StringBuilder sb = new StringBuilder();
        for (TaskKind t : values()) sb.append(sb.isEmpty() ? "" : "|").append(t.cliName);
        return sb.toString();
    }
}
