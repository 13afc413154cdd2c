package dev.pyramidkv.engine.tokenizer;

import org.junit.jupiter.api.Tag;
import dev.pyramidkv.engine.testing.TestModels;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Qwen2.5-Coder-0.5B-Instruct: tokenizer.ggml.model = gpt2, pre = qwen2, 151,936 tokens with the padding. */
@Tag("download")
@Tag("llamacpp")
class QwenTokenizerTest extends TokenizerConformanceTest {

    @Override
    Path modelPath() { return TestModels.qwen25Coder05b(); }

    @Test
    void specialTokensAreQwensChatMl() {
        assertInstanceOf(BytePairTokenizer.class, tokenizer);
        assertEquals("gpt2", tokenizer.model());
        assertFalse(tokenizer.addsBos());
        assertEquals(tokenizer.tokenId("<|im_end|>"), tokenizer.eos());
        assertTrue(tokenizer.isEog(tokenizer.tokenId("<|im_end|>")));
        assertTrue(tokenizer.isEog(tokenizer.tokenId("<|endoftext|>")));
        assertFalse(tokenizer.isEog(tokenizer.tokenId("<|im_start|>")));
    }

    @Test
    void chatTurnsParseTheirControlTokensLikeLlamaCpp() {
        String chat = "<|im_start|>system\nYou are Qwen.<|im_end|>\n<|im_start|>user\ndef f(x):\n    return x[::-1]  # 12345<|im_end|>\n"
                + "<|im_start|>assistant\n";
        assertEncodesLikeLlamaCpp(chat);
        int[] ids = tokenizer.encode(chat, false, true);
        assertEquals(tokenizer.tokenId("<|im_start|>"), ids[0]);
        assertEquals(chat, tokenizer.decode(ids, true));
    }

    @Test
    void qwen2SplitsNumbersIntoSingleDigitsAndKeepsNewlinesWithPunctuation() {
        int[] ids = tokenizer.encode("12345", false, false);
        assertEquals(5, ids.length);
        for (int i = 0; i < 5; i++) assertEquals(String.valueOf(i + 1), tokenizer.tokenText(ids[i]));
        assertEncodesLikeLlamaCpp("x = (1, 2);\n\n\n  y = x[0]\r\n\tz\u00a0= 'It''s'");
        assertArrayEquals(llamaCpp.encode("A\u2003\u2003b\n\u3000c"), tokenizer.encode("A\u2003\u2003b\n\u3000c", false, true));
    }
}
