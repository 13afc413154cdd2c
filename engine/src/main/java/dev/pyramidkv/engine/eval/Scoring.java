package dev.pyramidkv.engine.eval;

import java.util.List;
import java.util.Locale;

/**
 * How an answer is scored against the expected strings, in [0, 1]. Comparison ignores case.
 * <ul>
 *   <li>{@link #EXACT}: the answer's first sentence (up to a newline, or a {@code . ! ?} followed by a space),
 *       trimmed, without surrounding quotes, is the single expected string: 1 or 0. "52885. Remember it." is an
 *       exact answer for 52885, "52885 is the key." is not.</li>
 *   <li>{@link #CONTAINS}: the fraction of expected strings that appear in the answer as whole words (not
 *       inside a longer run of letters and digits: "71432" is not found in "714321").</li>
 * </ul>
 */
public enum Scoring {
    EXACT("exact"),
    CONTAINS("contains");

    private final String label;

    Scoring(String label) { this.label = label; }

    public String label() { return label; }

    public static Scoring parse(String label) {
        for (Scoring s : values()) if (s.label.equals(label)) return s;
        throw new IllegalArgumentException("scoring: unknown '" + label + "', expected exact|contains");
    }

    public double score(String answer, List<String> expected) {
        if (expected.isEmpty()) throw new IllegalArgumentException("expected: at least one answer is needed");
        return switch (this) {
            case EXACT -> {
                if (expected.size() != 1) throw new IllegalArgumentException("expected: exact match takes one answer, got " + expected);
                yield firstSentence(answer).equals(expected.getFirst().toLowerCase(Locale.ROOT)) ? 1 : 0;
            }
            case CONTAINS -> {
                String a = answer.toLowerCase(Locale.ROOT);
                int found = 0;
                for (String e : expected) if (containsWord(a, e.toLowerCase(Locale.ROOT))) found++;
                yield (double) found / expected.size();
            }
        };
    }

    /**
     * True when more text cannot change the score of an answer that begins with {@code partial}, so decoding
     * may stop: every expected string found ({@link #CONTAINS}, unless the last one sits at the very end and
     * could still grow into a longer word); a first sentence that is complete, or whose beginning already
     * differs from the expected string ({@link #EXACT}).
     */
    public boolean decided(String partial, List<String> expected) {
        String a = partial.toLowerCase(Locale.ROOT);
        return switch (this) {
            case CONTAINS -> {
                for (String e : expected) {
                    String w = e.toLowerCase(Locale.ROOT);
                    if (!containsWord(a, w) || a.endsWith(w)) yield false;
                }
                yield true;
            }
            case EXACT -> {
                String head = a.stripLeading();
                if (sentenceEnd(head) < head.length()) yield true;
                if (head.startsWith("\"") || head.startsWith("'")) head = head.substring(1);
                String e = expected.getFirst().toLowerCase(Locale.ROOT);
                int n = Math.min(head.length(), e.length());
                yield !head.regionMatches(0, e, 0, n);
            }
        };
    }

    /** The first sentence, lower case, trimmed, without its end mark and surrounding quotes. */
    static String firstSentence(String answer) {
        String a = answer.stripLeading().toLowerCase(Locale.ROOT);
        a = a.substring(0, sentenceEnd(a)).strip();
        while (true) {   // "52885." and '"barrel."' both come down to the bare answer
            if (!a.isEmpty() && ".!?".indexOf(a.charAt(a.length() - 1)) >= 0) {
                a = a.substring(0, a.length() - 1).strip();
            } else if (a.length() >= 2 && (a.charAt(0) == '"' || a.charAt(0) == '\'') && a.charAt(a.length() - 1) == a.charAt(0)) {
                a = a.substring(1, a.length() - 1).strip();
            } else {
                return a;
            }
        }
    }

    /**
     * Where the first sentence of {@code text} ends (exclusive, its end mark included): at a newline, or after
     * a {@code . ! ?} that a blank follows; {@code text.length()} if it has not ended yet.
     */
    static int sentenceEnd(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\n') return i;
            if (".!?".indexOf(c) >= 0 && i + 1 < text.length() && Character.isWhitespace(text.charAt(i + 1))) return i + 1;
        }
        return text.length();
    }

    /** {@code word} occurs in {@code text} with no letter or digit right before or after it. */
    static boolean containsWord(String text, String word) {
        if (word.isEmpty()) return false;
        for (int at = text.indexOf(word); at >= 0; at = text.indexOf(word, at + 1)) {
            int end = at + word.length();
            boolean left = at == 0 || !Character.isLetterOrDigit(text.charAt(at - 1));
            boolean right = end == text.length() || !Character.isLetterOrDigit(text.charAt(end));
            if (left && right) return true;
        }
        return false;
    }
}
