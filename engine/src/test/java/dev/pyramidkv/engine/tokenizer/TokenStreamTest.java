package dev.pyramidkv.engine.tokenizer;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Where a byte sequence may be cut without splitting a UTF-8 character (bytes written by hand). */
class TokenStreamTest {

    private static int cut(int... bytes) {
        byte[] b = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) b[i] = (byte) bytes[i];
        return TokenStream.completePrefixLength(b);
    }

    @Test
    void completeSequencesAreEmittedWhole() {
        assertEquals(0, cut());
        assertEquals(2, cut('h', 'i'));
        assertEquals(3, cut(0xE6, 0x97, 0xA5));             // 日
        assertEquals(5, cut('a', 0xF0, 0x9F, 0x98, 0x80));   // a😀
        assertEquals(2, cut(0xC3, 0xA9));                    // é
    }

    @Test
    void anIncompleteTailIsHeldBack() {
        assertEquals(0, cut(0xF0, 0x9F));                    // first half of 😀
        assertEquals(1, cut('a', 0xE6, 0x97));               // a + two of 日's three bytes
        assertEquals(1, cut('a', 0xC3));                     // a + lead byte of é
        assertEquals(3, cut(0xE6, 0x97, 0xA5, 0xF0, 0x9F, 0x98)); // 日 + three of 😀's four bytes
    }

    @Test
    void invalidBytesAreNotHeldBack() {
        assertEquals(1, cut(0x80));                          // stray continuation byte
        assertEquals(1, cut(0xFF));                          // never valid in UTF-8
        assertEquals(5, cut(0x80, 0x80, 0x80, 0x80, 0x80));  // no lead byte within the last four
    }
}
