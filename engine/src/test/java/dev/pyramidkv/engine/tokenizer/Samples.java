package dev.pyramidkv.engine.tokenizer;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Texts the tokenizers are checked on: each one aims at a rule of the tokenizers. */
final class Samples {
    private Samples() {}

    static final List<String> TEXTS = List.of(
            "Hello world",
            " Hello  world ",
            "Once upon a time, there was a little girl named Lily.",
            "don't you're I'll we've she'd it's he's I'm",
            "DON'T YOU'RE 'S 'RE ' s 'x",
            "1234567890 3.14159 -42 1,000,000 2024-06-01 0x1F 007",
            "tabs\tand\nnewlines\n\n  indented\r\nend",
            "\t\t\tx",
            "a  1  b",
            "   leading spaces",
            "trailing spaces   ",
            "",
            " ",
            "\n",
            "\n\n\n",
            "Café naïve résumé Ünïcödé façade",
            "e\u0301 combining accent",
            "日本語のテキスト 中文 한국어",
            "Zürich, São Paulo, Kraków, Ελληνικά, Русский, עברית, العربية",
            "emoji 😀🎉👍🏽 family 👨‍👩‍👧",
            "def f(x):\n    return x ** 2  # comment\n",
            "for (int i = 0; i < n; i++) { sum += a[i]; }",
            "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n",
            "<|im_start|><|im_start|> <|im_end <<|im_start|>>",
            "<s>Once upon</s> a time <unk>",
            "!!! ??? ... --- ***",
            "lll ppp ooo llll ooooo Hmmm zzz", // runs of one letter: equal-score merges, leftmost first
            "x\u00a0y\u3000z\u2003w",
            "Ⅻ ½ ² ٣ ३",
            "http://example.com/path?q=1&r=2#frag");

    private static final String[] PIECES = {
            "a", "b", "Z", "the", "The", " ", "  ", "\n", "\t", "\r\n", "0", "7", "42", "'s", "'ll", "'", ".", ",", "!",
            "é", "ü", "ß", "日", "本", "한", "😀", "👍🏽", "\u200d", "½", "\u00a0", "\u3000", "<|im_start|>", "<|im_end|>",
            "<s>", "</s>", "<unk>", "<", "|", ">", "{", "}", "==", "\u2581", "-", "_", "lll", "o"};

    /** Reproducible random mixtures of the pieces above, {@code count} of them, up to 24 pieces each. */
    static List<String> randomMixtures(int count, long seed) {
        Random random = new Random(seed);
        List<String> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            StringBuilder s = new StringBuilder();
            int n = random.nextInt(25);
            for (int j = 0; j < n; j++) s.append(PIECES[random.nextInt(PIECES.length)]);
            out.add(s.toString());
        }
        return out;
    }

    /** All sample texts joined, repeated: a few thousand tokens. */
    static String longText() {
        return String.join(" \n", TEXTS).repeat(12);
    }
}
