package dev.pyramidkv.engine.tokenizer;

import dev.pyramidkv.engine.testing.TestModels;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** stories260K.gguf: tokenizer.ggml.model = llama, 512 tokens, no add_space_prefix key (so true), 256 byte tokens. */
class SentencePieceTokenizerTest extends TokenizerConformanceTest {

    @Override
    Path modelPath() { return TestModels.stories260K(); }

    @Test
    void specialTokensComeFromMetadataAndLlamaDefaults() {
        assertInstanceOf(SentencePieceTokenizer.class, tokenizer);
        assertEquals("llama", tokenizer.model());
        assertEquals(512, tokenizer.vocabularySize());
        assertEquals(1, tokenizer.bos());      // tokenizer.ggml.bos_token_id
        assertEquals(2, tokenizer.eos());      // tokenizer.ggml.eos_token_id
        assertEquals(0, tokenizer.unknown());  // tokenizer.ggml.unknown_token_id
        assertEquals(-1, tokenizer.eot());     // no key, and no <|im_end|>-like token
        assertTrue(tokenizer.addsBos());       // no add_bos_token key: llama default
        assertTrue(tokenizer.isEog(2));
        assertFalse(tokenizer.isEog(1));
        assertEquals("<s>", tokenizer.tokenText(1));
        assertEquals(TokenType.BYTE, tokenizer.tokenType(3));
        assertEquals(TokenType.UNKNOWN, tokenizer.tokenType(0));
    }

    @Test
    void addBosPutsBosBeforeTheText() {
        int[] withBos = tokenizer.encode("Once upon a time", true, false);
        int[] without = tokenizer.encode("Once upon a time", false, false);
        assertEquals(1, withBos[0]);
        assertArrayEquals(without, java.util.Arrays.copyOfRange(withBos, 1, withBos.length));
    }

    @Test
    void spaceIsPrefixedAtTheStartAndAfterEachSpecialToken() {
        // "Once" is spelt "▁Once": the text gets a space in front, written ▁; after <s> the prefix comes back
        int[] start = tokenizer.encode("Once", false, false);
        assertEquals("▁Once", tokenizer.tokenText(start[0]));
        int[] afterSpecial = tokenizer.encode("<s>Once", false, true);
        int[] once = tokenizer.encode("Once", false, false);
        assertEquals(1, afterSpecial[0]);
        assertArrayEquals(once, java.util.Arrays.copyOfRange(afterSpecial, 1, afterSpecial.length));
    }

    @Test
    void decodeRemovesTheLeadingSpaceOnlyOfTheFirstToken() {
        int[] ids = tokenizer.encode("Once upon", false, false);
        assertEquals("Once upon", tokenizer.decode(ids));
        // like llama_detokenize: a hidden BOS in front uses up the removal, the prefix space stays
        assertEquals(" Once upon", tokenizer.decode(tokenizer.encode("Once upon", true, false)));
        assertEquals("<s> Once upon", tokenizer.decode(tokenizer.encode("Once upon", true, false), true));
    }

    @Test
    void unknownCharactersFallBackToByteTokens() {
        int[] ids = tokenizer.encode("日", false, false); // not in a 512-token vocabulary: ▁ then E6 97 A5
        assertEquals(TokenType.BYTE, tokenizer.tokenType(ids[ids.length - 1]));
        assertEquals("<0xA5>", tokenizer.tokenText(ids[ids.length - 1]));
        assertEquals("日", tokenizer.decode(ids));
    }
}
