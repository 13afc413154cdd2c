package dev.pyramidkv.engine.cli;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OptionsTest {
    private static Options generateLike() {
        return new Options()
                .modelOption()
                .jsonOption()
                .value("--max-tokens", "N", "tokens to generate")
                .value("--temperature", "T", "0 = greedy")
                .value("--pooling", "max|avg", "score pooling");
    }

    private static String usageError(Options options, String... args) {
        return assertThrows(UsageException.class, () -> options.parse(List.of(args))).getMessage();
    }

    @Test
    void valuesFlagsAndBothSpellings() {
        ParsedArgs a = generateLike().parse(List.of("--model", "m.gguf", "--json", "--max-tokens=12", "--temperature", "-0.5"));
        assertEquals(Optional.of("m.gguf"), a.string("--model"));
        assertTrue(a.flag("--json"));
        assertFalse(a.flag("--help"));
        assertEquals(12, a.intValue("--max-tokens", 256));
        assertEquals(-0.5, a.doubleValue("--temperature", 1.0));
        assertEquals("max", a.choice("--pooling", "max", "max", "avg"));
        assertTrue(a.has("--model"));
        assertFalse(a.has("--pooling"));
    }

    @Test
    void defaultsApplyWhenAbsentAndTheLastRepeatWins() {
        ParsedArgs a = generateLike().parse(List.of("--max-tokens", "1", "--max-tokens", "7"));
        assertEquals(7, a.intValue("--max-tokens", 256));
        assertEquals(0.8, a.doubleValue("--temperature", 0.8));
        assertEquals("fallback", a.string("--model", "fallback"));
    }

    @Test
    void unknownOptionsAndStrayArgumentsAreUsageErrors() {
        assertEquals("unknown option --max-token", usageError(generateLike(), "--max-token", "3"));
        assertEquals("unknown option -x", usageError(generateLike(), "-x"));
        assertEquals("unexpected argument 'hello'", usageError(generateLike(), "hello"));
    }

    @Test
    void missingValuesAndValuesOnFlagsAreUsageErrors() {
        assertEquals("--max-tokens needs a value (N)", usageError(generateLike(), "--max-tokens"));
        // "--model --json": the value was forgotten; --json is not a file name.
        assertEquals("--model needs a value (PATH)", usageError(generateLike(), "--model", "--json"));
        assertEquals("--json is a flag and takes no value, got 'yes'", usageError(generateLike(), "--json=yes"));
    }

    @Test
    void malformedValuesNameTheOption() {
        Options o = generateLike();
        assertEquals("--max-tokens: expected an integer, got 'ten'",
                assertThrows(UsageException.class, () -> o.parse(List.of("--max-tokens", "ten")).intValue("--max-tokens", 1)).getMessage());
        assertEquals("--max-tokens: expected an integer, got '99999999999'",
                assertThrows(UsageException.class, () -> o.parse(List.of("--max-tokens=99999999999")).intValue("--max-tokens", 1)).getMessage());
        assertEquals("--max-tokens: expected an integer in [1, 4096], got 0",
                assertThrows(UsageException.class, () -> o.parse(List.of("--max-tokens=0")).intValue("--max-tokens", 1, 1, 4096)).getMessage());
        assertEquals("--temperature: expected a number, got 'NaN'",
                assertThrows(UsageException.class, () -> o.parse(List.of("--temperature=NaN")).doubleValue("--temperature", 0)).getMessage());
        assertEquals("--temperature: expected a number, got 'hot'",
                assertThrows(UsageException.class, () -> o.parse(List.of("--temperature=hot")).doubleValue("--temperature", 0)).getMessage());
        assertEquals("--pooling: expected one of max|avg, got 'min'",
                assertThrows(UsageException.class, () -> o.parse(List.of("--pooling=min")).choice("--pooling", "max", "max", "avg")).getMessage());
    }

    @Test
    void positionalsOnlyWhenDeclaredAndDoubleDashEndsOptions() {
        Options o = new Options().flag("--all", "everything").positionals("FILE", "files to analyze");
        ParsedArgs a = o.parse(List.of("a.json", "--all", "--", "--not-an-option.json", "-"));
        assertEquals(List.of("a.json", "--not-an-option.json", "-"), a.positionals());
        assertTrue(a.flag("--all"));
    }

    @Test
    void askingForAnUndeclaredOptionIsAProgrammingError() {
        ParsedArgs a = generateLike().parse(List.of());
        assertThrows(IllegalArgumentException.class, () -> a.string("--budget"));
        assertThrows(IllegalArgumentException.class, () -> a.flag("--model"));     // a value option, not a flag
        assertThrows(IllegalArgumentException.class, () -> a.string("--json"));    // a flag, not a value
        assertThrows(IllegalArgumentException.class, () -> new Options().flag("--json", "a").flag("--json", "b"));
        assertThrows(IllegalArgumentException.class, () -> new Options().flag("json", "no dashes"));
    }

    @Test
    void helpListsEveryOptionWithItsValueLabel() {
        String help = generateLike().help("generate", "generate text");
        assertTrue(help.startsWith("usage: pyramidkv generate [options]\n\ngenerate text\n"), help);
        for (String s : List.of("--model PATH", "--json", "--max-tokens N", "--temperature T", "--pooling max|avg", "--help", "--debug")) {
            assertTrue(help.contains("  " + s + " "), () -> s + " missing from\n" + help);
        }
    }
}
