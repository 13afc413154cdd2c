package dev.pyramidkv.engine.tokenizer;

import dev.pyramidkv.engine.gguf.GgufMetadata;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.function.Function;

/**
 * Text to token ids and back, built from a model's GGUF metadata and equal to llama.cpp's tokenizer:
 * {@code tokenizer.ggml.model = "llama"} gives a {@link SentencePieceTokenizer}, {@code "gpt2"} a
 * {@link BytePairTokenizer}. Instances are immutable and safe to share between threads.
 */
public abstract sealed class Tokenizer permits SentencePieceTokenizer, BytePairTokenizer {
    static final String MODEL = "tokenizer.ggml.model";

    final Vocabulary vocabulary;
    private final SpecialTokenSplitter splitter;
    /** Each token's bytes with special tokens rendered (llama.cpp's token-to-piece cache). */
    private final byte[][] pieces;

    /** @param normalPiece the bytes a NORMAL token's text stands for (differs between the two models) */
    Tokenizer(Vocabulary vocabulary, Function<String, byte[]> normalPiece) {
        this.vocabulary = vocabulary;
        this.splitter = new SpecialTokenSplitter(vocabulary);
        this.pieces = new byte[vocabulary.size()][];
        for (int id = 0; id < pieces.length; id++) pieces[id] = renderPiece(id, normalPiece);
    }

    /** The tokenizer the file's {@code tokenizer.ggml.model} names. */
    public static Tokenizer fromGguf(GgufMetadata metadata) {
        Objects.requireNonNull(metadata, "metadata");
        String model = metadata.getString(MODEL);
        return switch (model) {
            case "llama" -> SentencePieceTokenizer.build(metadata);
            case "gpt2" -> BytePairTokenizer.build(metadata);
            default -> throw new IllegalArgumentException("GGUF metadata '" + MODEL + "' = '" + model
                    + "' is not supported: expected 'llama' (SentencePiece BPE) or 'gpt2' (byte-level BPE)");
        };
    }

    /**
     * Token ids of {@code text}, as llama.cpp's {@code llama_tokenize(vocab, text, addBos, parseSpecial)}.
     *
     * @param addBos       put the BOS token first, but only if the model asks for one ({@link #addsBos()},
     *                     from {@code tokenizer.ggml.add_bos_token}); this is llama.cpp's {@code add_special}
     *                     except that an EOS is never appended
     * @param parseSpecial turn control-token texts found in {@code text} (e.g. {@code <|im_start|>}) into their
     *                     ids; otherwise they are tokenized as plain text. User-defined tokens are always matched.
     * @throws IllegalArgumentException if {@code text} holds an unpaired UTF-16 surrogate (it has no UTF-8 form)
     */
    public final int[] encode(String text, boolean addBos, boolean parseSpecial) {
        Objects.requireNonNull(text, "text");
        requireWellFormed(text);
        TokenList out = new TokenList(text.length() / 3 + 2);
        if (addBos && vocabulary.addBos) out.add(vocabulary.bos);
        boolean afterSpecial = true; // the start of the input counts as following a special token
        for (SpecialTokenSplitter.Fragment fragment : splitter.split(text, parseSpecial)) {
            if (fragment.isToken()) {
                out.add(fragment.token());
                afterSpecial = true;
            } else {
                encodeText(text.substring(fragment.start(), fragment.end()), afterSpecial, out);
                afterSpecial = false;
            }
        }
        return out.toArray();
    }

    /** Tokenizes one piece of plain text (no special tokens in it). */
    abstract void encodeText(String text, boolean afterSpecial, TokenList out);

    /** Same as {@link #decode(int[], boolean) decode(ids, false)}: control and unknown tokens render as nothing. */
    public final String decode(int[] ids) {
        return decode(ids, false);
    }

    /**
     * Text of a token sequence, as llama.cpp's {@code llama_detokenize(ids, remove_special=false, renderSpecial)}:
     * when the model adds a space prefix while encoding, the first token's leading space is dropped, so that
     * {@code decode(encode(s, false, false)).equals(s)}. Bytes that are not valid UTF-8 become U+FFFD.
     */
    public final String decode(int[] ids, boolean renderSpecial) {
        Objects.requireNonNull(ids, "ids");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(ids.length * 4);
        boolean removeSpace = vocabulary.addSpacePrefix;
        for (int id : ids) {
            byte[] piece = pieceBytes(id, renderSpecial);
            int skip = removeSpace && piece.length > 0 && piece[0] == ' ' ? 1 : 0;
            bytes.write(piece, skip, piece.length - skip);
            removeSpace = false;
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /**
     * The bytes token {@code id} stands for (llama.cpp's {@code llama_token_to_piece} without stripping): one
     * token may hold part of a UTF-8 sequence, see {@link #stream(boolean)}. Control and unknown tokens give their
     * text if {@code renderSpecial}, else nothing; unused and undefined tokens give nothing. Returns a copy.
     */
    public final byte[] pieceBytes(int id, boolean renderSpecial) {
        checkId(id);
        if (!renderSpecial && vocabulary.types[id].isSpecial()) return new byte[0];
        return pieces[id].clone();
    }

    /** {@link #pieceBytes(int, boolean) pieceBytes(id, true)} as a string; a partial UTF-8 sequence becomes U+FFFD. */
    public final String piece(int id) {
        checkId(id);
        return new String(pieces[id], StandardCharsets.UTF_8);
    }

    /** An incremental decoder for generated tokens that emits only complete UTF-8 sequences. */
    public final TokenStream stream(boolean renderSpecial) {
        return new TokenStream(this, renderSpecial);
    }

    /** Appends token {@code id}'s bytes to {@code out}; used by {@link TokenStream} without copying. */
    final void appendPiece(int id, boolean renderSpecial, ByteArrayOutputStream out) {
        checkId(id);
        if (!renderSpecial && vocabulary.types[id].isSpecial()) return;
        out.write(pieces[id], 0, pieces[id].length);
    }

    /** Number of tokens in the vocabulary; valid ids are {@code 0 .. vocabularySize()-1}. */
    public final int vocabularySize() { return vocabulary.size(); }

    /** The token's text as stored in the file (e.g. {@code ▁the}, {@code Ġthe}, {@code <0x0A>}), for debugging. */
    public final String tokenText(int id) {
        checkId(id);
        return vocabulary.texts[id];
    }

    public final TokenType tokenType(int id) {
        checkId(id);
        return vocabulary.types[id];
    }

    /** The id of the token whose text is exactly {@code text}, or -1. */
    public final int tokenId(String text) {
        return vocabulary.id(Objects.requireNonNull(text, "text"));
    }

    /** Beginning-of-sequence token id, or -1 if the model has none. */
    public final int bos() { return vocabulary.bos; }

    /** End-of-sequence token id, or -1 if the model has none. */
    public final int eos() { return vocabulary.eos; }

    /** End-of-turn token id ({@code tokenizer.ggml.eot_token_id}, else found by text such as {@code <|im_end|>}), or -1. */
    public final int eot() { return vocabulary.eot; }

    /** Unknown-token id, or -1 if the model has none. */
    public final int unknown() { return vocabulary.unknown; }

    /** Whether the model wants BOS at the start of a sequence ({@code tokenizer.ggml.add_bos_token}). */
    public final boolean addsBos() { return vocabulary.addBos; }

    /** Whether generation ends at this token: EOS, EOT and the other end-of-generation tokens llama.cpp knows. */
    public final boolean isEog(int id) { return vocabulary.isEndOfGeneration(id); }

    /** {@code "llama"} or {@code "gpt2"}, the GGUF {@code tokenizer.ggml.model}. */
    public abstract String model();

    private byte[] renderPiece(int id, Function<String, byte[]> normalPiece) {
        String text = vocabulary.texts[id];
        return switch (vocabulary.types[id]) {
            case CONTROL, UNKNOWN, USER_DEFINED -> text.getBytes(StandardCharsets.UTF_8);
            case NORMAL -> normalPiece.apply(text);
            case BYTE -> new byte[] {byteOf(id, text)};
            case UNUSED, UNDEFINED -> new byte[0];
        };
    }

    /** The byte a {@code <0xXX>} token stands for. */
    private static byte byteOf(int id, String text) {
        if (text.length() != 6 || !text.startsWith("<0x") || text.charAt(5) != '>') {
            throw new IllegalArgumentException("token " + id + " '" + text + "' has type BYTE but is not written <0xXX>");
        }
        try {
            return (byte) Integer.parseInt(text, 3, 5, 16);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("token " + id + " '" + text + "' has type BYTE but is not written <0xXX>", e);
        }
    }

    private void checkId(int id) {
        if (id < 0 || id >= vocabulary.size()) {
            throw new IllegalArgumentException("token id " + id + " is outside the vocabulary [0, " + vocabulary.size() + ")");
        }
    }

    private static void requireWellFormed(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new IllegalArgumentException("text has an unpaired UTF-16 surrogate U+"
                        + Integer.toHexString(c).toUpperCase() + " at index " + i + "; it cannot be encoded as UTF-8");
            }
        }
    }
}
