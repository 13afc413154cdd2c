package dev.pyramidkv.engine.tokenizer;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * GPT-2's byte-level alphabet: every byte is written as one printable character so that BPE tokens are
 * ordinary strings. Printable Latin-1 bytes map to themselves; the other 68 bytes (controls, space, 0x7F-0xA0,
 * 0xAD) map to U+0100.. in byte order. A space becomes 'Ġ' (U+0120), a newline 'Ċ' (U+010A).
 */
final class ByteLevel {
    private static final char[] BYTE_TO_CHAR = new char[256];
    private static final int[] CHAR_TO_BYTE = new int[512];

    static {
        java.util.Arrays.fill(CHAR_TO_BYTE, -1);
        int next = 256;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= 0x21 && b <= 0x7E) || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            char c = (char) (printable ? b : next++);
            BYTE_TO_CHAR[b] = c;
            CHAR_TO_BYTE[c] = b;
        }
    }

    private ByteLevel() {}

    /** The byte-level form of a piece of text: one character per UTF-8 byte. */
    static String encode(String text) {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        char[] out = new char[utf8.length];
        for (int i = 0; i < utf8.length; i++) out[i] = BYTE_TO_CHAR[utf8[i] & 0xFF];
        return new String(out);
    }

    static char charOf(int b) { return BYTE_TO_CHAR[b & 0xFF]; }

    /**
     * The bytes a byte-level token text stands for (llama.cpp's {@code llama_decode_text}); a character outside
     * the alphabet is written {@code [UNK_BYTE_0x<its utf-8 hex><token text>]} as llama.cpp does.
     */
    static byte[] decode(String tokenText) {
        byte[] bytes = new byte[tokenText.length()];
        for (int i = 0; i < tokenText.length(); i++) {
            char c = tokenText.charAt(i);
            if (c >= CHAR_TO_BYTE.length || CHAR_TO_BYTE[c] < 0) return decodeWithUnknown(tokenText);
            bytes[i] = (byte) CHAR_TO_BYTE[c];
        }
        return bytes;
    }

    private static byte[] decodeWithUnknown(String tokenText) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(tokenText.length() * 2);
        tokenText.codePoints().forEach(cp -> {
            int b = cp < CHAR_TO_BYTE.length ? CHAR_TO_BYTE[cp] : -1;
            if (b >= 0) {
                out.write(b);
            } else {
                String hex = HexFormat.of().formatHex(Character.toString(cp).getBytes(StandardCharsets.UTF_8));
                out.writeBytes(("[UNK_BYTE_0x" + hex + tokenText + "]").getBytes(StandardCharsets.UTF_8));
            }
        });
        return out.toByteArray();
    }
}
