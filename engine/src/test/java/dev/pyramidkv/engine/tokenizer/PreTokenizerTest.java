package dev.pyramidkv.engine.tokenizer;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The smollm pre-tokenizer's words, worked out by hand from llama.cpp's two steps: split off every \p{N}
 * code point, then apply the GPT-2 expression to each remaining piece on its own.
 */
class PreTokenizerTest {
    private final PreTokenizer smollm = PreTokenizer.forType("smollm");

    @Test
    void wordsKeepTheirLeadingSpace() {
        assertEquals(List.of("Hello", " world", "!"), smollm.split("Hello world!"));
        assertEquals(List.of("don", "'t", " stop"), smollm.split("don't stop"));
    }

    @Test
    void everyDigitIsAWordOfItsOwn() {
        assertEquals(List.of("1", "2", "3", "4", "5"), smollm.split("12345"));
        assertEquals(List.of("x", "½", " ", "²"), smollm.split("x½ ²"));
    }

    @Test
    void whitespaceBeforeAWordLeavesOneSpaceForIt() {
        assertEquals(List.of("x", "  ", " y"), smollm.split("x   y"));
        assertEquals(List.of("hi", "!!", "\n", "\n", "there"), smollm.split("hi!!\n\nthere"));
        assertEquals(List.of("x", "\u3000", "y"), smollm.split("x\u3000y"));
    }

    @Test
    void lookAheadStopsAtANumber() {
        // "a  " ends where "1" is split off, so its two spaces are trailing whitespace and stay together
        assertEquals(List.of("a", "  ", "1", " ", " b"), smollm.split("a  1  b"));
    }

    @Test
    void wordsJoinBackToTheText() {
        for (String text : Samples.TEXTS) assertEquals(text, String.join("", smollm.split(text)));
    }

    @Test
    void unknownPreTokenizerIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PreTokenizer.forType("llama3"));
        assertTrue(e.getMessage().contains("tokenizer.ggml.pre") && e.getMessage().contains("llama3"), e.getMessage());
    }
}
