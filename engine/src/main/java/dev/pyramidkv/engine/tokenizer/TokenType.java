package dev.pyramidkv.engine.tokenizer;

/** The kind of a vocabulary entry, as stored in {@code tokenizer.ggml.token_type} (llama.cpp's llama_token_type). */
public enum TokenType {
    /** 0, or any value outside 1..6: rendered as nothing, never produced by encoding. */
    UNDEFINED,
    /** 1: ordinary text. */
    NORMAL,
    /** 2: the unknown token, e.g. {@code <unk>}. */
    UNKNOWN,
    /** 3: a control token such as {@code <s>} or {@code <|im_end|>}; matched in text only when parsing special tokens. */
    CONTROL,
    /** 4: an added token that is always matched in text, like a word of its own. */
    USER_DEFINED,
    /** 5: reserved, never produced. */
    UNUSED,
    /** 6: one raw byte, written {@code <0xXX>} (SentencePiece byte fallback). */
    BYTE;

    static TokenType fromGguf(int code) {
        return switch (code) {
            case 1 -> NORMAL;
            case 2 -> UNKNOWN;
            case 3 -> CONTROL;
            case 4 -> USER_DEFINED;
            case 5 -> UNUSED;
            case 6 -> BYTE;
            default -> UNDEFINED;
        };
    }

    /** Control and unknown tokens are "special": hidden when decoding unless asked to render them. */
    boolean isSpecial() {
        return this == CONTROL || this == UNKNOWN;
    }
}
