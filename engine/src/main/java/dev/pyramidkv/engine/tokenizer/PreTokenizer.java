package dev.pyramidkv.engine.tokenizer;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Splits text into words before byte-level BPE, as llama.cpp's {@code unicode_regex_split} does for the
 * model's {@code tokenizer.ggml.pre}. Supported:
 * <ul>
 *   <li>{@code smollm}, two steps: {@code \p{N}} (every number code point is a word of its own), then the GPT-2
 *       expression {@code 's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+} applied to
 *       the text between them, each piece on its own, so {@code (?!\S)} cannot look past a piece's end;
 *   <li>{@code qwen2}, one step: {@code (?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}|
 *       ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+} (Qwen2's tokenizer.json expression, case folding spelled out).
 * </ul>
 * {@code \s} is llama.cpp's whitespace set (Unicode White_Space), not Java's ASCII {@code \s}; {@code \p{L}} and
 * {@code \p{N}} are the Unicode general categories L* and N*, code point by code point.
 */
final class PreTokenizer {
    static final String PRE = "tokenizer.ggml.pre";

    private static final String WHITESPACE = "\\t\\n\\u000B\\f\\r \\u0085\\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000";
    private static final Pattern GPT2 = Pattern.compile(
            "'s|'t|'re|'ve|'m|'ll|'d"
            + "| ?\\p{L}+"
            + "| ?\\p{N}+"
            + "| ?[^" + WHITESPACE + "\\p{L}\\p{N}]+"
            + "|[" + WHITESPACE + "]+(?![^" + WHITESPACE + "])"
            + "|[" + WHITESPACE + "]+");
    private static final Pattern QWEN2 = Pattern.compile(
            "(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])"
            + "|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+"
            + "|\\p{N}"
            + "| ?[^" + WHITESPACE + "\\p{L}\\p{N}]+[\\r\\n]*"
            + "|[" + WHITESPACE + "]*[\\r\\n]+"
            + "|[" + WHITESPACE + "]+(?![^" + WHITESPACE + "])"
            + "|[" + WHITESPACE + "]+");

    private final Pattern pattern;
    private final boolean numbersFirst;   // split every number code point off before the expression (smollm)

    private PreTokenizer(Pattern pattern, boolean numbersFirst) {
        this.pattern = pattern;
        this.numbersFirst = numbersFirst;
    }

    static PreTokenizer forType(String pre) {
        return switch (pre) {
            case "smollm" -> new PreTokenizer(GPT2, true);
            case "qwen2" -> new PreTokenizer(QWEN2, false);
            default -> throw new IllegalArgumentException("GGUF metadata '" + PRE + "' = '" + pre
                    + "' is not supported: expected 'smollm' or 'qwen2'");
        };
    }

    /** The words of {@code text}, in order; concatenated they give {@code text} back. */
    List<String> split(String text) {
        List<String> words = new ArrayList<>(text.length() / 4 + 1);
        Matcher matcher = pattern.matcher(text);
        if (!numbersFirst) {
            splitPiece(matcher, text, 0, text.length(), words);
            return words;
        }
        int pieceStart = 0;
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            int next = i + Character.charCount(cp);
            if (isNumber(cp)) {
                splitPiece(matcher, text, pieceStart, i, words);
                words.add(text.substring(i, next));
                pieceStart = next;
            }
            i = next;
        }
        splitPiece(matcher, text, pieceStart, text.length(), words);
        return words;
    }

    /** Applies the GPT-2 expression to {@code text[start, end)}; text it does not match becomes a word too. */
    private static void splitPiece(Matcher matcher, String text, int start, int end, List<String> words) {
        if (start == end) return;
        matcher.region(start, end); // opaque bounds: look-ahead sees the piece's end as the end of input
        int position = start;
        while (matcher.find()) {
            if (matcher.start() > position) words.add(text.substring(position, matcher.start()));
            words.add(text.substring(matcher.start(), matcher.end()));
            position = matcher.end();
        }
        if (position < end) words.add(text.substring(position, end));
    }

    private static boolean isNumber(int cp) {
        int type = Character.getType(cp);
        return type == Character.DECIMAL_DIGIT_NUMBER || type == Character.LETTER_NUMBER || type == Character.OTHER_NUMBER;
    }
}
