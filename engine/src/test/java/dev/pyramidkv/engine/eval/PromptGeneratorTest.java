package dev.pyramidkv.engine.eval;

import org.junit.jupiter.api.Tag;
import dev.pyramidkv.engine.api.Engine;
import dev.pyramidkv.engine.testing.TestModels;
import dev.pyramidkv.engine.tokenizer.Tokenizer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The task generators with SmolLM2's tokenizer and chat template (no forward pass). */
@Tag("download")
class PromptGeneratorTest {
    static Engine smol;
    static PromptGenerator generator;

    @BeforeAll
    static void load() throws Exception {
        smol = Engine.load(TestModels.smollm2());
        generator = new PromptGenerator(smol.tokenizer(), smol.chatTemplate());
    }

    @AfterAll
    static void close() {
        smol.close();
    }

    private static PromptSpec spec(TaskKind task, int length, int depth, int sample) {
        return new PromptSpec(task, length, task.usesDepth() ? depth : PromptSpec.NO_DEPTH, sample);
    }

    @ParameterizedTest
    @EnumSource(TaskKind.class)
    void sameSeedSamePromptOtherSeedOtherPrompt(TaskKind task) {
        EvalPrompt a = generator.generate(spec(task, 1024, 40, 0), 7);
        EvalPrompt b = generator.generate(spec(task, 1024, 40, 0), 7);
        assertEquals(a.text(), b.text());
        assertArrayEquals(a.tokens(), b.tokens());
        assertEquals(a.expected(), b.expected());
        EvalPrompt c = generator.generate(spec(task, 1024, 40, 0), 8);
        assertNotEquals(a.text(), c.text());
        assertNotEquals(a.expected(), c.expected());
        EvalPrompt d = generator.generate(spec(task, 1024, 40, 1), 7);
        assertNotEquals(a.expected(), d.expected(), "another sample asks for something else");
    }

    @ParameterizedTest
    @EnumSource(TaskKind.class)
    void promptsFillTheirLengthGoThroughTheTemplateAndHoldTheAnswer(TaskKind task) {
        for (int length : new int[]{512, 2048}) {
            EvalPrompt p = generator.generate(spec(task, length, 50, 0), 42);
            int n = p.tokens().length;
            assertTrue(n <= length && n >= length - 48, task + " at " + length + " has " + n + " tokens");
            assertArrayEquals(smol.tokenizer().encode(p.text(), smol.tokenizer().addsBos(), true), p.tokens());
            assertTrue(p.text().startsWith("<|im_start|>system\n"), "SmolLM2's template renders a system turn");
            assertTrue(p.text().contains("<|im_end|>\n<|im_start|>assistant\n"), "the user turn ends and the assistant's begins");
            String haystack = p.text().substring(p.haystackStart(), p.haystackEnd());
            for (String needle : p.needles()) assertTrue(haystack.contains(needle), needle);
            for (String e : p.expected()) {
                if (task == TaskKind.COMMON_WORDS) continue;   // the words are the list itself
                assertTrue(p.needles().stream().anyMatch(s -> s.contains(e)), "some needle holds " + e);
            }
        }
    }

    /** The needle's first token, located in the prompt's tokens, sits at the requested depth of the haystack's tokens. */
    @ParameterizedTest
    @ValueSource(ints = {0, 10, 25, 50, 75, 90, 100})
    void theNeedleSitsAtTheRequestedDepthInTokens(int depth) {
        for (TaskKind task : List.of(TaskKind.PASSKEY, TaskKind.NIAH_UUID, TaskKind.NIAH_MULTIKEY)) {
            EvalPrompt p = generator.generate(new PromptSpec(task, 1024, depth, 0), 42);
            int[] charToToken = tokenAtChar(smol.tokenizer(), p.tokens(), p.text());
            String queried = p.needles().stream().filter(s -> s.contains(p.expected().getFirst())).findFirst().orElseThrow();
            int hayStart = charToToken[p.haystackStart()], hayEnd = charToToken[p.haystackEnd()];
            int needleTok = charToToken[p.text().indexOf(queried, p.haystackStart())];
            // depth counts prose tokens: take every needle's own tokens out
            int before = needleTok - hayStart, total = hayEnd - hayStart;
            int from = p.haystackStart();
            for (String n : p.needles()) {
                int at = p.text().indexOf(n, from);
                int span = charToToken[at + n.length()] - charToToken[at];
                total -= span;
                if (charToToken[at] < needleTok) before -= span;
                from = at + n.length();
            }
            double measured = (double) before / total;
            if (depth == 0) assertEquals(0, before, task + ": no prose before the needle");
            if (depth == 100) assertEquals(total, before, task + ": no prose after the needle");
            assertEquals(depth / 100.0, measured, 0.03, task + " at depth " + depth + ": needle at token " + before + " of " + total);
        }
    }

    @Test
    void theHaystackIsVariedProseWithoutDigitsOrNeedleWords() {
        EvalPrompt p = generator.generate(new PromptSpec(TaskKind.PASSKEY, 4096, 50, 0), 42);
        String hay = p.text().substring(p.haystackStart(), p.haystackEnd()).replace(p.needles().getFirst(), "");
        List<String> sentences = Arrays.stream(hay.split("(?<=\\.) ")).map(String::strip).filter(s -> !s.isEmpty()).toList();
        assertTrue(sentences.size() > 150, "sentences: " + sentences.size());
        Set<String> distinct = new HashSet<>(sentences);
        assertTrue(distinct.size() > 0.95 * sentences.size(), distinct.size() + " distinct of " + sentences.size());
        assertFalse(hay.chars().anyMatch(Character::isDigit), "no digits in the prose");
        assertFalse(hay.contains("magic") || hay.contains("pass key") || hay.contains("VAR "));
        // and the prose of a longer prompt starts like the shorter one (only the amount changes)
        EvalPrompt shorter = generator.generate(new PromptSpec(TaskKind.PASSKEY, 1024, 50, 0), 42);
        String shortHay = shorter.text().substring(shorter.haystackStart(), shorter.haystackEnd());
        assertEquals(p.expected(), shorter.expected(), "the same pass key at every length");
        assertTrue(hay.startsWith(shortHay.substring(0, 200)));
    }

    @Test
    void commonWordsAreTheThreeMostFrequentEntries() {
        EvalPrompt p = generator.generate(new PromptSpec(TaskKind.COMMON_WORDS, 2048, PromptSpec.NO_DEPTH, 3), 42);
        String list = p.text().substring(p.haystackStart(), p.haystackEnd());
        Map<String, Integer> counts = new HashMap<>();
        String[] parts = list.split(" ");
        for (int i = 0; i < parts.length; i += 2) {
            assertEquals((i / 2 + 1) + ".", parts[i], "entries are numbered in order");
            counts.merge(parts[i + 1], 1, Integer::sum);
        }
        List<String> byCount = new ArrayList<>(counts.keySet());
        byCount.sort((a, b) -> counts.get(b) - counts.get(a));
        assertEquals(new HashSet<>(p.expected()), new HashSet<>(byCount.subList(0, 3)));
        int leastCommon = p.expected().stream().mapToInt(counts::get).min().orElseThrow();
        assertTrue(counts.get(byCount.get(3)) < leastCommon, "every other word is rarer than the common ones");
    }

    @Test
    void variableTrackingIsAChainInTextOrder() {
        EvalPrompt p = generator.generate(new PromptSpec(TaskKind.VARIABLE_TRACKING, 1024, PromptSpec.NO_DEPTH, 0), 42);
        List<String> names = p.expected();
        assertEquals(5, names.size());
        int last = -1;
        for (int i = 0; i < names.size(); i++) {
            String statement = "VAR " + names.get(i) + " = " + (i == 0 ? "" : "VAR " + names.get(i - 1) + ".");
            int at = p.text().indexOf(statement, p.haystackStart());
            assertTrue(at > last, "statement " + i + " follows the previous one: " + statement);
            last = at;
        }
    }

    @Test
    void multiValueNeedlesShareOneKey() {
        EvalPrompt p = generator.generate(new PromptSpec(TaskKind.NIAH_MULTIVALUE, 1024, PromptSpec.NO_DEPTH, 0), 42);
        assertEquals(4, p.expected().size());
        assertEquals(4, p.needles().size());
        Set<String> keys = new HashSet<>();
        for (String n : p.needles()) keys.add(n.substring(0, n.indexOf(" is: ")));
        assertEquals(1, keys.size(), p.needles().toString());
    }

    @Test
    void aLengthTooShortForTheTaskFailsNamingIt() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> generator.generate(new PromptSpec(TaskKind.NIAH_UUID, 64, 50, 0), 42));
        assertTrue(e.getMessage().startsWith("contextLength=64: too short for task niah_uuid"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new PromptSpec(TaskKind.PASSKEY, 1024, 101, 0));
        assertThrows(IllegalArgumentException.class, () -> new PromptSpec(TaskKind.COMMON_WORDS, 1024, 50, 0));
    }

    /** For each character offset of {@code text}, the index of the token that holds it ({@code tokens.length} at the end). */
    static int[] tokenAtChar(Tokenizer tok, int[] tokens, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        assertEquals(text.length(), bytes.length, "the prompts are ASCII");
        ByteArrayOutputStream joined = new ByteArrayOutputStream();
        int[] at = new int[bytes.length + 1];
        int first = tokens.length > 0 && tok.addsBos() && tokens[0] == tok.bos() && !text.startsWith(tok.piece(tok.bos())) ? 1 : 0;
        for (int t = first; t < tokens.length; t++) {
            byte[] piece = tok.pieceBytes(tokens[t], true);
            for (int b = 0; b < piece.length; b++) at[joined.size() + b] = t;
            joined.writeBytes(piece);
        }
        assertArrayEquals(bytes, joined.toByteArray(), "the tokens spell the text");
        at[bytes.length] = tokens.length;
        return at;
    }
}
