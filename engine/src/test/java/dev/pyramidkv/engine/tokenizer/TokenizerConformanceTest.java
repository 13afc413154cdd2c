package dev.pyramidkv.engine.tokenizer;

import org.junit.jupiter.api.Tag;
import de.kherud.llama.LlamaModel;
import dev.pyramidkv.engine.gguf.GgufFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Checks a model's tokenizer against llama.cpp on the same file; subclasses name the model. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Tag("llamacpp")
abstract class TokenizerConformanceTest {
    Tokenizer tokenizer;
    LlamaModel llamaCpp;

    abstract Path modelPath();

    @BeforeAll
    void load() throws IOException {
        try (GgufFile file = GgufFile.open(modelPath())) {
            tokenizer = Tokenizer.fromGguf(file.metadata());
        }
        llamaCpp = LlamaCppPeer.of(modelPath());
    }

    /** What llama.cpp's encode computes: no BOS, special tokens parsed. */
    void assertEncodesLikeLlamaCpp(String text) {
        int[] expected = llamaCpp.encode(text);
        int[] actual = tokenizer.encode(text, false, true);
        assertArrayEquals(expected, actual, () -> "tokens of \"" + printable(text) + "\"\n llama.cpp: "
                + Arrays.toString(expected) + "\n ours:      " + Arrays.toString(actual));
    }

    @Test
    void encodesSamplesLikeLlamaCpp() {
        for (String text : Samples.TEXTS) assertEncodesLikeLlamaCpp(text);
    }

    @Test
    void encodesRandomMixturesLikeLlamaCpp() {
        for (String text : Samples.randomMixtures(400, 20240601L)) assertEncodesLikeLlamaCpp(text);
    }

    @Test
    void encodesLongTextLikeLlamaCpp() {
        assertEncodesLikeLlamaCpp(Samples.longText());
    }

    @Test
    void everyTokenPieceEqualsLlamaCpp() {
        for (int id = 0; id < tokenizer.vocabularySize(); id++) {
            // both sides decode the piece's bytes as UTF-8 with replacement, so partial sequences compare too
            assertEquals(llamaCpp.decode(new int[] {id}), tokenizer.piece(id), "piece of token " + id);
        }
    }

    @Test
    void decodeInvertsEncodeWithoutSpecialParsing() {
        for (String text : Samples.TEXTS) assertRoundTrip(text);
        for (String text : Samples.randomMixtures(400, 7L)) {
            if (text.indexOf('\u2581') < 0) assertRoundTrip(text); // a literal '▁' decodes as a space (SentencePiece)
        }
    }

    private void assertRoundTrip(String text) {
        assertEquals(text, tokenizer.decode(tokenizer.encode(text, false, false)), () -> "round trip of \"" + printable(text) + "\"");
    }

    @Test
    void controlTokenTextsStayTextWithoutSpecialParsing() {
        String text = "<|im_start|>user\nHi<|im_end|><s>x</s><unk>";
        int[] plain = tokenizer.encode(text, false, false);
        for (int id : plain) assertFalse(tokenizer.tokenType(id) == TokenType.CONTROL, "control token " + id + " in plain encoding");
        int[] parsed = tokenizer.encode(text, false, true);
        assertTrue(Arrays.stream(parsed).anyMatch(id -> tokenizer.tokenType(id) == TokenType.CONTROL), "no control token parsed");
    }

    @Test
    void streamEmitsOnlyCompleteCharacters() {
        for (String text : Samples.TEXTS) {
            int[] ids = tokenizer.encode(text, false, false);
            TokenStream stream = tokenizer.stream(false);
            StringBuilder streamed = new StringBuilder();
            for (int id : ids) {
                String chunk = stream.push(id);
                assertFalse(chunk.indexOf('\uFFFD') >= 0, () -> "broken character streaming \"" + printable(text) + "\"");
                streamed.append(chunk);
            }
            streamed.append(stream.flush());
            ByteArrayOutputStream pieces = new ByteArrayOutputStream();
            for (int id : ids) pieces.writeBytes(tokenizer.pieceBytes(id, false));
            assertEquals(pieces.toString(StandardCharsets.UTF_8), streamed.toString(), () -> "stream of \"" + printable(text) + "\"");
        }
    }

    static String printable(String s) {
        return s.replace("\n", "\\n").replace("\t", "\\t").replace("\r", "\\r");
    }
}
