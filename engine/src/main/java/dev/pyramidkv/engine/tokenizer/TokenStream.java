package dev.pyramidkv.engine.tokenizer;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Turns generated tokens into text as they arrive. A byte-level token can end in the middle of a UTF-8
 * sequence (an emoji is often split over two or three tokens), so the trailing bytes of an incomplete
 * sequence are held back until the tokens that complete it arrive. Not thread-safe: one per generation.
 */
public final class TokenStream {
    private final Tokenizer tokenizer;
    private final boolean renderSpecial;
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream(16);

    TokenStream(Tokenizer tokenizer, boolean renderSpecial) {
        this.tokenizer = tokenizer;
        this.renderSpecial = renderSpecial;
    }

    /** Adds a token; returns the text that is now complete (often "", never a partial character). */
    public String push(int id) {
        tokenizer.appendPiece(id, renderSpecial, pending);
        byte[] bytes = pending.toByteArray();
        int complete = completePrefixLength(bytes);
        pending.reset();
        pending.write(bytes, complete, bytes.length - complete);
        return complete == 0 ? "" : new String(bytes, 0, complete, StandardCharsets.UTF_8);
    }

    /** Returns whatever is held back (an incomplete sequence becomes U+FFFD) and empties the stream. */
    public String flush() {
        String rest = pending.toString(StandardCharsets.UTF_8);
        pending.reset();
        return rest;
    }

    /**
     * Length of the longest prefix that does not end inside a UTF-8 sequence: if the last lead byte (within
     * the last 4 bytes) announces more continuation bytes than follow it, the prefix stops before it.
     * Invalid bytes count as complete; decoding turns them into U+FFFD.
     */
    static int completePrefixLength(byte[] bytes) {
        int n = bytes.length;
        for (int i = n - 1; i >= Math.max(0, n - 4); i--) {
            int b = bytes[i] & 0xFF;
            if ((b & 0xC0) == 0x80) continue;           // continuation byte: keep looking for the lead byte
            int length = b >= 0xF8 ? 1 : b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1; // 0xF8.. is no lead byte
            return i + length > n ? i : n;
        }
        return n;
    }
}
