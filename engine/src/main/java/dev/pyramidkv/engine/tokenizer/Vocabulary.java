package dev.pyramidkv.engine.tokenizer;

import dev.pyramidkv.engine.gguf.GgufMetadata;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * Token texts, types and scores plus the special-token ids, read from GGUF metadata the way llama.cpp's
 * {@code llama_vocab::impl::load} does: per-model defaults, then metadata overrides, then detection of
 * end-of-turn and fill-in-the-middle tokens by their text.
 */
final class Vocabulary {
    static final String TOKENS = "tokenizer.ggml.tokens";
    static final String SCORES = "tokenizer.ggml.scores";
    static final String TOKEN_TYPES = "tokenizer.ggml.token_type";
    static final String ADD_BOS = "tokenizer.ggml.add_bos_token";
    static final String ADD_SPACE_PREFIX = "tokenizer.ggml.add_space_prefix";

    /** What llama.cpp assumes for a tokenizer model before it reads the metadata. */
    record Defaults(int bos, int eos, int unknown, boolean addBos, boolean addSpacePrefix) {}

    // Texts by which llama.cpp recognises tokens the converter did not label (llama-vocab.cpp, "auto-detect special tokens").
    private static final List<String> EOT_TEXTS = List.of("<|eot_id|>", "<|im_end|>", "<|end|>", "<end_of_turn>",
            "<|endoftext|>", "<|end_of_text|>", "<EOT>", "_<EOT>", "[EOT]", "<｜end▁of▁sentence｜>", "<end_of_utterance>");
    private static final List<String> EOM_TEXTS = List.of("<|eom_id|>");
    private static final List<String> FIM_PRE_TEXTS = List.of("<|fim_prefix|>", "<fim-prefix>", "<fim_prefix>",
            "<｜fim▁begin｜>", "<PRE>", "▁<PRE>", "<|code_prefix|>", "<|prefix|>");
    private static final List<String> FIM_SUF_TEXTS = List.of("<|fim_suffix|>", "<fim-suffix>", "<fim_suffix>",
            "<｜fim▁hole｜>", "<SUF>", "▁<SUF>", "<|code_suffix|>", "<|suffix|>");
    private static final List<String> FIM_MID_TEXTS = List.of("<|fim_middle|>", "<fim-middle>", "<fim_middle>",
            "<｜fim▁end｜>", "<MID>", "▁<MID>", "<|code_middle|>", "<|middle|>");
    private static final List<String> FIM_PAD_TEXTS = List.of("<|fim_pad|>", "<fim-pad>", "<fim_pad>", "<PAD>", "[PAD]");
    private static final List<String> FIM_REP_TEXTS = List.of("<|fim_repo|>", "<|repo_name|>", "<fim-repo>", "<REPO>", "<reponame>");
    private static final List<String> FIM_SEP_TEXTS = List.of("<|file_sep|>");
    private static final List<String> EOG_TEXTS = List.of("<|eot_id|>", "<|im_end|>", "<|end|>", "<end_of_turn>",
            "<|endoftext|>", "<|eom_id|>", "<EOT>", "_<EOT>", "[EOT]", "[EOS]", "<|end_of_text|>", "<end_of_utterance>");

    final String[] texts;
    final TokenType[] types;
    final float[] scores;
    private final Map<String, Integer> ids;
    final int bos;
    final int eos;
    final int eot;
    final int unknown;
    final boolean addBos;
    final boolean addSpacePrefix;
    private final BitSet endOfGeneration;
    /** Control, user-defined and unknown tokens, longest UTF-8 text first: the order special tokens are cut out of text. */
    final int[] specialTokensLongestFirst;

    private Vocabulary(String[] texts, TokenType[] types, float[] scores, Map<String, Integer> ids, int bos, int eos,
                       int eot, int unknown, boolean addBos, boolean addSpacePrefix, BitSet endOfGeneration) {
        this.texts = texts;
        this.types = types;
        this.scores = scores;
        this.ids = ids;
        this.bos = bos;
        this.eos = eos;
        this.eot = eot;
        this.unknown = unknown;
        this.addBos = addBos;
        this.addSpacePrefix = addSpacePrefix;
        this.endOfGeneration = endOfGeneration;
        this.specialTokensLongestFirst = IntStream.range(0, texts.length)
                .filter(id -> types[id] == TokenType.CONTROL || types[id] == TokenType.USER_DEFINED || types[id] == TokenType.UNKNOWN)
                .boxed()
                .sorted(Comparator.<Integer>comparingInt(id -> -texts[id].getBytes(StandardCharsets.UTF_8).length).thenComparingInt(id -> id))
                .mapToInt(Integer::intValue).toArray();
    }

    static Vocabulary fromGguf(GgufMetadata metadata, Defaults defaults) {
        String[] texts = metadata.getStringArray(TOKENS).clone();
        int n = texts.length;
        if (n == 0) throw new IllegalArgumentException("GGUF metadata '" + TOKENS + "' is empty: a tokenizer needs at least one token");

        float[] scores = new float[n];
        if (metadata.has(SCORES)) {
            float[] s = metadata.get(SCORES).value() instanceof long[] ? toFloats(metadata.getIntArray(SCORES)) : metadata.getFloatArray(SCORES);
            if (s.length < n) throw new IllegalArgumentException("GGUF metadata '" + SCORES + "' has " + s.length + " entries, expected " + n + " (one per token)");
            System.arraycopy(s, 0, scores, 0, n);
        }

        TokenType[] types = new TokenType[n];
        Arrays.fill(types, TokenType.NORMAL);
        if (metadata.has(TOKEN_TYPES)) {
            int[] codes = metadata.getIntArray(TOKEN_TYPES);
            if (codes.length < n) throw new IllegalArgumentException("GGUF metadata '" + TOKEN_TYPES + "' has " + codes.length + " entries, expected " + n + " (one per token)");
            for (int i = 0; i < n; i++) types[i] = TokenType.fromGguf(codes[i]);
        }

        Map<String, Integer> ids = new HashMap<>(n * 2);
        for (int i = 0; i < n; i++) {
            if (texts[i].isEmpty()) texts[i] = "[EMPTY_" + i + "]"; // as llama.cpp does
            Integer previous = ids.putIfAbsent(texts[i], i);
            if (previous != null) {
                throw new IllegalArgumentException("GGUF metadata '" + TOKENS + "': duplicate token '" + texts[i] + "' at ids " + previous + " and " + i);
            }
        }

        int bos = specialId(metadata, "tokenizer.ggml.bos_token_id", defaults.bos(), n);
        int eos = specialId(metadata, "tokenizer.ggml.eos_token_id", defaults.eos(), n);
        int unknown = specialId(metadata, "tokenizer.ggml.unknown_token_id", defaults.unknown(), n);
        int eot = specialId(metadata, "tokenizer.ggml.eot_token_id", -1, n);
        int eom = specialId(metadata, "tokenizer.ggml.eom_token_id", -1, n);
        int fimPre = specialId(metadata, "tokenizer.ggml.fim_pre_token_id", specialId(metadata, "tokenizer.ggml.prefix_token_id", -1, n), n);
        int fimSuf = specialId(metadata, "tokenizer.ggml.fim_suf_token_id", specialId(metadata, "tokenizer.ggml.suffix_token_id", -1, n), n);
        int fimMid = specialId(metadata, "tokenizer.ggml.fim_mid_token_id", specialId(metadata, "tokenizer.ggml.middle_token_id", -1, n), n);
        int fimPad = specialId(metadata, "tokenizer.ggml.fim_pad_token_id", -1, n);
        int fimRep = specialId(metadata, "tokenizer.ggml.fim_rep_token_id", -1, n);
        int fimSep = specialId(metadata, "tokenizer.ggml.fim_sep_token_id", -1, n);

        boolean addBos = metadata.getBool(ADD_BOS, defaults.addBos());
        if (addBos && bos < 0) {
            throw new IllegalArgumentException("GGUF metadata: '" + ADD_BOS + "' is true but there is no valid 'tokenizer.ggml.bos_token_id'");
        }
        boolean addSpacePrefix = metadata.getBool(ADD_SPACE_PREFIX, defaults.addSpacePrefix());

        // Tokens the converter did not label are found by text; a match that is not typed CONTROL becomes CONTROL.
        // llama.cpp walks an unordered map here, so with several candidates its pick is arbitrary; we take list order.
        if (eot < 0) eot = detect(EOT_TEXTS, ids, types);
        if (eom < 0) eom = detect(EOM_TEXTS, ids, types);
        // fill-in-the-middle prefix/suffix/middle ids are not used here; detecting them still makes them CONTROL
        if (fimPre < 0) detect(FIM_PRE_TEXTS, ids, types);
        if (fimSuf < 0) detect(FIM_SUF_TEXTS, ids, types);
        if (fimMid < 0) detect(FIM_MID_TEXTS, ids, types);
        if (fimPad < 0) fimPad = detect(FIM_PAD_TEXTS, ids, types);
        if (fimRep < 0) fimRep = detect(FIM_REP_TEXTS, ids, types);
        if (fimSep < 0) fimSep = detect(FIM_SEP_TEXTS, ids, types);

        BitSet eog = new BitSet(n);
        for (int id : new int[] {fimPad, fimRep, fimSep, eos, eot, eom}) if (id >= 0) eog.set(id);
        for (String text : EOG_TEXTS) {
            Integer id = ids.get(text);
            if (id != null) {
                eog.set(id);
                if (types[id] != TokenType.CONTROL) types[id] = TokenType.CONTROL;
            }
        }
        return new Vocabulary(texts, types, scores, ids, bos, eos, eot, unknown, addBos, addSpacePrefix, eog);
    }

    /** A special-token id from metadata; an id outside the vocabulary falls back to the default, as in llama.cpp. */
    private static int specialId(GgufMetadata metadata, String key, int fallback, int vocabularySize) {
        int id = fallback < vocabularySize ? fallback : -1;
        if (!metadata.has(key)) return id;
        long value = metadata.getLong(key);
        return value >= 0 && value < vocabularySize ? (int) value : id;
    }

    private static int detect(List<String> candidates, Map<String, Integer> ids, TokenType[] types) {
        for (String text : candidates) {
            Integer id = ids.get(text);
            if (id != null) {
                types[id] = TokenType.CONTROL;
                return id;
            }
        }
        return -1;
    }

    private static float[] toFloats(int[] values) {
        float[] out = new float[values.length];
        for (int i = 0; i < values.length; i++) out[i] = values[i];
        return out;
    }

    int size() { return texts.length; }

    /** The id of the token with exactly this text, or -1. */
    int id(String text) {
        Integer id = ids.get(text);
        return id == null ? -1 : id;
    }

    boolean isEndOfGeneration(int id) { return id >= 0 && endOfGeneration.get(id); }
}
