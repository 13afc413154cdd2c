package dev.pyramidkv.engine.tokenizer;

import dev.pyramidkv.engine.gguf.GgufMetadata;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Byte-level BPE ({@code tokenizer.ggml.model = "gpt2"}), as llama.cpp's {@code llm_tokenizer_bpe_session}:
 * the pre-tokenizer named by {@code tokenizer.ggml.pre} splits text into words; each word's UTF-8 bytes become
 * byte-level characters, one symbol each; then the adjacent pair with the lowest merge rank
 * ({@code tokenizer.ggml.merges} line number) is merged, leftmost first, until no pair has a rank.
 *
 * <p>Symbols are ints: a token id, or for a merge part that is not a token an extra id past the vocabulary.
 * Merge ranks are looked up by the pair of symbol ids.
 */
public final class BytePairTokenizer extends Tokenizer {
    static final String MERGES = "tokenizer.ggml.merges";

    private final PreTokenizer preTokenizer;
    /** (left symbol, right symbol) -> merge rank */
    private final PairRanks ranks;
    /** merge rank -> the symbol the pair becomes */
    private final int[] mergedSymbol;
    /** texts of the extra symbols, indexed by symbol - vocabularySize() */
    private final List<String> extraSymbolTexts;
    /** byte value -> symbol of its byte-level character */
    private final int[] byteSymbol = new int[256];

    private BytePairTokenizer(Vocabulary vocabulary, PreTokenizer preTokenizer, String[] merges) {
        super(vocabulary, ByteLevel::decode);
        this.preTokenizer = preTokenizer;
        Map<String, Integer> extraSymbols = new HashMap<>();
        this.extraSymbolTexts = new ArrayList<>();
        for (int b = 0; b < 256; b++) byteSymbol[b] = symbol(String.valueOf(ByteLevel.charOf(b)), extraSymbols);
        this.ranks = new PairRanks(merges.length);
        this.mergedSymbol = new int[merges.length];
        for (int rank = 0; rank < merges.length; rank++) {
            String merge = merges[rank];
            int space = merge.indexOf(' ', 1);
            if (space < 0) {
                throw new IllegalArgumentException("GGUF metadata '" + MERGES + "'[" + rank + "] = '" + merge
                        + "' is not two symbols separated by a space");
            }
            String left = merge.substring(0, space);
            String right = merge.substring(space + 1);
            int leftSymbol = symbol(left, extraSymbols);
            int rightSymbol = symbol(right, extraSymbols);
            mergedSymbol[rank] = symbol(left + right, extraSymbols);
            ranks.putIfAbsent(leftSymbol, rightSymbol, rank);
        }
    }

    static BytePairTokenizer build(GgufMetadata metadata) {
        // llama.cpp's BPE defaults: BOS = EOS = 11, no unknown token, no BOS added, no space prefix.
        Vocabulary vocabulary = Vocabulary.fromGguf(metadata, new Vocabulary.Defaults(11, 11, -1, false, false));
        PreTokenizer preTokenizer = PreTokenizer.forType(metadata.getString(PreTokenizer.PRE));
        return new BytePairTokenizer(vocabulary, preTokenizer, metadata.getStringArray(MERGES));
    }

    @Override
    public String model() { return "gpt2"; }

    @Override
    void encodeText(String text, boolean afterSpecial, TokenList out) {
        Word word = new Word();
        for (String piece : preTokenizer.split(text)) word.encode(piece.getBytes(StandardCharsets.UTF_8), out);
    }

    /** Merge state for one word at a time: a doubly linked list of symbols over the word's bytes. */
    private final class Word {
        private int[] symbols = new int[64];
        private int[] previous = new int[64];
        private int[] next = new int[64];
        private final LongMinHeap candidates = new LongMinHeap(); // rank << 32 | left position

        void encode(byte[] bytes, TokenList out) {
            int n = bytes.length;
            if (n == 1) {
                emit(byteSymbol[bytes[0] & 0xFF], out);
                return;
            }
            if (symbols.length < n) {
                symbols = new int[n];
                previous = new int[n];
                next = new int[n];
            }
            for (int i = 0; i < n; i++) {
                symbols[i] = byteSymbol[bytes[i] & 0xFF];
                previous[i] = i - 1;
                next[i] = i + 1 < n ? i + 1 : -1;
            }
            candidates.clear();
            for (int i = 1; i < n; i++) addCandidate(i - 1, i);
            while (!candidates.isEmpty()) {
                long candidate = candidates.poll();
                int rank = (int) (candidate >>> 32);
                int left = (int) candidate;
                if (symbols[left] < 0) continue;                 // merged into its left neighbour meanwhile
                int right = next[left];
                if (right < 0 || ranks.rank(symbols[left], symbols[right]) != rank) continue; // pair changed meanwhile
                symbols[left] = mergedSymbol[rank];
                symbols[right] = -1;
                next[left] = next[right];
                if (next[right] >= 0) previous[next[right]] = left;
                addCandidate(previous[left], left);
                addCandidate(left, next[left]);
            }
            for (int i = 0; i >= 0; i = next[i]) emit(symbols[i], out);
        }

        private void addCandidate(int left, int right) {
            if (left < 0 || right < 0) return;
            int rank = ranks.rank(symbols[left], symbols[right]);
            if (rank >= 0) candidates.add((long) rank << 32 | left);
        }
    }

    /** A symbol that is a token is output as is; otherwise each of its ASCII bytes that is a token (llama.cpp). */
    private void emit(int symbol, TokenList out) {
        if (symbol < vocabularySize()) {
            out.add(symbol);
            return;
        }
        for (byte b : extraSymbolTexts.get(symbol - vocabularySize()).getBytes(StandardCharsets.UTF_8)) {
            int id = b >= 0 ? vocabulary.id(String.valueOf((char) b)) : -1;
            if (id >= 0) out.add(id);
        }
    }

    private int symbol(String text, Map<String, Integer> extraSymbols) {
        int id = vocabulary.id(text);
        if (id >= 0) return id;
        return extraSymbols.computeIfAbsent(text, t -> {
            extraSymbolTexts.add(t);
            return vocabulary.size() + extraSymbolTexts.size() - 1;
        });
    }
}
