package dev.pyramidkv.engine.tokenizer;

import dev.pyramidkv.engine.gguf.GgufFile;
import dev.pyramidkv.engine.gguf.GgufMetadata;
import dev.pyramidkv.engine.testing.GgufBuilder;
import dev.pyramidkv.engine.testing.TestModels;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Small hand-made vocabularies: merge order by hand, and clear errors for metadata we cannot use. */
class TokenizerFromMetadataTest {

    private static GgufMetadata metadata(GgufBuilder builder) {
        byte[] bytes = builder.build();
        MemorySegment image = Arena.ofAuto().allocate(bytes.length, 64);
        image.copyFrom(MemorySegment.ofArray(bytes));
        return GgufFile.parse(image).metadata();
    }

    /** A byte-level vocabulary: the 256 byte characters (ids 0..255), then {@code extra}. */
    private static GgufBuilder gpt2(List<String> extra, String... merges) {
        List<String> tokens = new ArrayList<>();
        for (int b = 0; b < 256; b++) tokens.add(String.valueOf(ByteLevel.charOf(b)));
        tokens.addAll(extra);
        return new GgufBuilder()
                .kvString("tokenizer.ggml.model", "gpt2")
                .kvString("tokenizer.ggml.pre", "smollm")
                .kvStringArray("tokenizer.ggml.tokens", tokens.toArray(String[]::new))
                .kvStringArray("tokenizer.ggml.merges", merges);
    }

    private static void assertMessage(IllegalArgumentException e, String... parts) {
        for (String part : parts) assertTrue(e.getMessage().contains(part), () -> "'" + part + "' missing from: " + e.getMessage());
    }

    @Test
    void equalRanksMergeLeftmostFirst() {
        Tokenizer t = Tokenizer.fromGguf(metadata(gpt2(List.of("aa"), "a a")));
        assertArrayEquals(new int[] {256, 'a'}, t.encode("aaa", false, false)); // aa + a, not a + aa
    }

    @Test
    void lowerRankMergesFirstWhereverItIs() {
        Tokenizer t = Tokenizer.fromGguf(metadata(gpt2(List.of("ab", "bc"), "b c", "a b")));
        assertArrayEquals(new int[] {'a', 257}, t.encode("abc", false, false)); // "b c" (rank 0) beats "a b"
        Tokenizer swapped = Tokenizer.fromGguf(metadata(gpt2(List.of("ab", "bc"), "a b", "b c")));
        assertArrayEquals(new int[] {256, 'c'}, swapped.encode("abc", false, false));
    }

    @Test
    void mergesBuildOnMerges() {
        Tokenizer t = Tokenizer.fromGguf(metadata(gpt2(List.of("aa", "aaa", "aaaa"), "a a", "aa a", "aa aa")));
        assertArrayEquals(new int[] {258}, t.encode("aaaa", false, false)); // a a, a a -> aa aa -> aaaa
        assertArrayEquals(new int[] {257}, t.encode("aaa", false, false));  // aa a -> aaa
    }

    @Test
    void unsupportedTokenizerModelIsNamed() {
        GgufBuilder b = new GgufBuilder().kvString("tokenizer.ggml.model", "bert").kvStringArray("tokenizer.ggml.tokens", "a");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> Tokenizer.fromGguf(metadata(b))),
                "tokenizer.ggml.model", "bert");
    }

    @Test
    void missingKeysAreNamed() {
        assertMessage(assertThrows(IllegalArgumentException.class, () -> Tokenizer.fromGguf(metadata(
                new GgufBuilder().kvString("general.architecture", "llama")))), "tokenizer.ggml.model");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> Tokenizer.fromGguf(metadata(
                new GgufBuilder().kvString("tokenizer.ggml.model", "llama")))), "tokenizer.ggml.tokens");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> Tokenizer.fromGguf(metadata(
                new GgufBuilder().kvString("tokenizer.ggml.model", "gpt2").kvString("tokenizer.ggml.pre", "smollm")
                        .kvStringArray("tokenizer.ggml.tokens", "a")))), "tokenizer.ggml.merges");
    }

    @Test
    void unsupportedPreTokenizerIsNamed() {
        GgufBuilder b = new GgufBuilder().kvString("tokenizer.ggml.model", "gpt2").kvString("tokenizer.ggml.pre", "deepseek-llm")
                .kvStringArray("tokenizer.ggml.tokens", "a").kvStringArray("tokenizer.ggml.merges");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> Tokenizer.fromGguf(metadata(b))),
                "tokenizer.ggml.pre", "deepseek-llm");
    }

    @Test
    void malformedVocabularyIsNamed() {
        assertMessage(assertThrows(IllegalArgumentException.class, () -> Tokenizer.fromGguf(metadata(
                gpt2(List.of("a"))))), "duplicate token", "'a'");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> Tokenizer.fromGguf(metadata(
                gpt2(List.of("aa"), "aa")))), "tokenizer.ggml.merges", "[0]", "'aa'");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> Tokenizer.fromGguf(metadata(
                new GgufBuilder().kvString("tokenizer.ggml.model", "llama").kvStringArray("tokenizer.ggml.tokens")))),
                "tokenizer.ggml.tokens", "empty");
    }

    @Test
    void badArgumentsAreNamed() throws IOException {
        Tokenizer t;
        try (GgufFile file = GgufFile.open(TestModels.stories260K())) {
            t = Tokenizer.fromGguf(file.metadata());
        }
        Tokenizer tokenizer = t;
        assertMessage(assertThrows(IllegalArgumentException.class, () -> tokenizer.encode("a\uD800b", false, false)),
                "unpaired", "surrogate", "index 1");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> tokenizer.pieceBytes(512, true)), "512", "[0, 512)");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> tokenizer.decode(new int[] {-1})), "-1");
        assertThrows(NullPointerException.class, () -> tokenizer.encode(null, false, false));
    }
}
