package dev.pyramidkv.engine.tokenizer;

import org.junit.jupiter.api.Tag;
import dev.pyramidkv.engine.testing.TestModels;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** SmolLM2-135M-Instruct: tokenizer.ggml.model = gpt2, pre = smollm, 49152 tokens, add_bos_token = false. */
@Tag("download")
class BytePairTokenizerTest extends TokenizerConformanceTest {

    @Override
    Path modelPath() { return TestModels.smollm2(); }

    @Test
    void specialTokensComeFromMetadataAndTokenTexts() {
        assertInstanceOf(BytePairTokenizer.class, tokenizer);
        assertEquals("gpt2", tokenizer.model());
        assertEquals(49152, tokenizer.vocabularySize());
        assertEquals(1, tokenizer.bos());   // <|im_start|>
        assertEquals(2, tokenizer.eos());   // <|im_end|>
        assertEquals(2, tokenizer.eot());   // no key: found by its text <|im_end|>
        assertFalse(tokenizer.addsBos());   // tokenizer.ggml.add_bos_token = false
        assertTrue(tokenizer.isEog(2));
        assertTrue(tokenizer.isEog(0));     // <|endoftext|>
        assertFalse(tokenizer.isEog(1));
        assertEquals(1, tokenizer.tokenId("<|im_start|>"));
        assertEquals(-1, tokenizer.tokenId("<s>"));
    }

    @Test
    void addBosAddsNothingWhenTheModelSaysNo() {
        assertArrayEquals(tokenizer.encode("Hello", false, false), tokenizer.encode("Hello", true, false));
    }

    @Test
    void decodeWithSpecialTokensRendersThemBack() {
        String chat = "<|im_start|>user\nWhat is 2+2?<|im_end|>\n<|im_start|>assistant\n";
        int[] ids = tokenizer.encode(chat, false, true);
        assertEquals(1, ids[0]);
        assertEquals(chat, tokenizer.decode(ids, true));
        assertEquals("user\nWhat is 2+2?\nassistant\n", tokenizer.decode(ids));
    }

    @Test
    void digitsAreSplitOneByOne() {
        int[] ids = tokenizer.encode("12345", false, false);
        assertEquals(5, ids.length);
        for (int i = 0; i < 5; i++) assertEquals(String.valueOf(i + 1), tokenizer.tokenText(ids[i]));
    }

    @Test
    void streamHoldsBackCharactersSplitAcrossTokens() {
        String text = "😀🎉 日本語";
        int[] ids = tokenizer.encode(text, false, false);
        // precondition: some token ends inside a character, i.e. its bytes alone are not valid UTF-8
        assertTrue(Arrays.stream(ids).anyMatch(id -> !isValidUtf8(tokenizer.pieceBytes(id, false))),
                "expected a token that splits a character in " + Arrays.toString(ids));
        TokenStream stream = tokenizer.stream(false);
        StringBuilder out = new StringBuilder();
        int held = 0;
        for (int id : ids) {
            String chunk = stream.push(id);
            if (chunk.isEmpty()) held++;
            out.append(chunk);
        }
        assertEquals("", stream.flush());
        assertEquals(text, out.toString());
        assertTrue(held > 0, "no push was held back");
    }

    private static boolean isValidUtf8(byte[] bytes) {
        try {
            StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes));
            return true;
        } catch (java.nio.charset.CharacterCodingException e) {
            return false;
        }
    }
}
