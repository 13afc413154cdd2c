package dev.pyramidkv.engine.tokenizer;

import dev.pyramidkv.engine.gguf.GgufMetadata;

import java.nio.charset.StandardCharsets;
import java.util.PriorityQueue;

/**
 * SentencePiece BPE with scores and byte fallback ({@code tokenizer.ggml.model = "llama"}), as llama.cpp's
 * {@code llm_tokenizer_spm_session}: spaces become '▁' (U+2581), a '▁' is put in front of the text at the
 * start and after each special token when {@code tokenizer.ggml.add_space_prefix} (default true), every code
 * point starts as a symbol, and the adjacent pair whose concatenation is the token with the highest score is
 * merged (leftmost on ties) until no pair forms a token. A symbol that is no token is written as its UTF-8
 * bytes, one {@code <0xXX>} token each.
 */
public final class SentencePieceTokenizer extends Tokenizer {
    private static final char SPACE_MARK = '\u2581';

    /** byte value -> its {@code <0xXX>} token (or the one-character token for that byte), or -1 */
    private final int[] byteTokens = new int[256];

    private SentencePieceTokenizer(Vocabulary vocabulary) {
        super(vocabulary, SentencePieceTokenizer::normalPiece);
        for (int b = 0; b < 256; b++) {
            int id = vocabulary.id(String.format("<0x%02X>", b));
            if (id < 0 && b < 0x80) id = vocabulary.id(String.valueOf((char) b));
            byteTokens[b] = id;
        }
    }

    static SentencePieceTokenizer build(GgufMetadata metadata) {
        // llama.cpp's SPM defaults: BOS 1, EOS 2, unknown 0, BOS added, space prefix added.
        return new SentencePieceTokenizer(Vocabulary.fromGguf(metadata, new Vocabulary.Defaults(1, 2, 0, true, true)));
    }

    @Override
    public String model() { return "llama"; }

    private static byte[] normalPiece(String tokenText) {
        return tokenText.replace(SPACE_MARK, ' ').getBytes(StandardCharsets.UTF_8);
    }

    /** A candidate merge of symbols {@code left} and {@code right} whose texts together have {@code length} chars. */
    private record Bigram(int left, int right, float score, int length) {}

    @Override
    void encodeText(String fragment, boolean afterSpecial, TokenList out) {
        String text = (vocabulary.addSpacePrefix && afterSpecial ? " " + fragment : fragment).replace(' ', SPACE_MARK);
        int n = text.codePointCount(0, text.length());
        // symbol i covers text[start[i], start[i] + length[i]); merged-away symbols have length 0
        int[] start = new int[n];
        int[] length = new int[n];
        int[] previous = new int[n];
        int[] next = new int[n];
        for (int i = 0, offset = 0; i < n; i++) {
            int chars = Character.charCount(text.codePointAt(offset));
            start[i] = offset;
            length[i] = chars;
            previous[i] = i - 1;
            next[i] = i + 1 < n ? i + 1 : -1;
            offset += chars;
        }

        PriorityQueue<Bigram> queue = new PriorityQueue<>(Math.max(1, n),
                (a, b) -> a.score != b.score ? Float.compare(b.score, a.score) : Integer.compare(a.left, b.left));
        for (int i = 1; i < n; i++) addBigram(text, start, length, i - 1, i, queue);
        while (!queue.isEmpty()) {
            Bigram bigram = queue.poll();
            int left = bigram.left, right = bigram.right;
            if (length[left] == 0 || length[right] == 0 || length[left] + length[right] != bigram.length) continue;
            length[left] += length[right];
            length[right] = 0;
            next[left] = next[right];
            if (next[right] >= 0) previous[next[right]] = left;
            addBigram(text, start, length, previous[left], left, queue);
            addBigram(text, start, length, left, next[left], queue);
        }

        for (int i = 0; i >= 0 && n > 0; i = next[i]) {
            String symbol = text.substring(start[i], start[i] + length[i]);
            int id = vocabulary.id(symbol);
            if (id >= 0) {
                out.add(id);
            } else {
                for (byte b : symbol.getBytes(StandardCharsets.UTF_8)) out.add(byteToken(b));
            }
        }
    }

    private void addBigram(String text, int[] start, int[] length, int left, int right, PriorityQueue<Bigram> queue) {
        if (left < 0 || right < 0) return;
        int merged = length[left] + length[right];
        int id = vocabulary.id(text.substring(start[left], start[left] + merged));
        if (id >= 0) queue.add(new Bigram(left, right, vocabulary.scores[id], merged));
    }

    private int byteToken(byte b) {
        int id = byteTokens[b & 0xFF];
        if (id < 0) {
            throw new IllegalStateException(String.format(
                    "the vocabulary has no byte token <0x%02X> to fall back to for a character it cannot spell", b & 0xFF));
        }
        return id;
    }
}
