package dev.pyramidkv.engine.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pyramidkv.engine.registry.KnownModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The shell with the real command list, run in-process with its streams captured. */
class CliTest {
    @TempDir
    Path tmp;

    record Result(int status, String out, String err) {
        List<String> errLines() {
            return err.lines().toList();
        }
    }

    private Result run(Map<String, String> extraEnv, String... args) {
        return run(new Cli(Main.COMMANDS), extraEnv, args);
    }

    private Result run(Cli cli, Map<String, String> extraEnv, String... args) {
        Map<String, String> env = new HashMap<>();
        env.put("PYRAMIDKV_HOME", tmp.resolve("home").toString()); // never the user's cache
        env.put("PYRAMIDKV_REPO", ProcessRun.repo().toString());
        env.putAll(extraEnv);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = cli.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), env, null, false);
        return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private Result run(String... args) {
        return run(Map.of(), args);
    }

    @Test
    void everyDesignedCommandIsThereAndHasHelp() {
        Result usage = run("--help");
        assertEquals(0, usage.status());
        for (String name : List.of("info", "models", "generate", "chat", "schedule", "eval", "bench", "profile", "analyze")) {
            assertTrue(usage.out().contains("\n  " + name + " "), () -> name + " missing from\n" + usage.out());
            Result help = run(name, "--help");
            assertEquals(0, help.status(), help::toString);
            assertTrue(help.out().startsWith("usage: pyramidkv " + name + " "), help.out());
            assertTrue(help.out().contains("--help"), help.out());
            assertEquals(help.out(), run("help", name).out());
            assertEquals(help.out(), run(name, "-h").out());
        }
    }

    @Test
    void noCommandIsAUsageError() {
        Result r = run();
        assertEquals(2, r.status());
        assertTrue(r.err().startsWith("usage: pyramidkv"), r.err());
    }

    @Test
    void unknownCommandIsUsageErrorWithTheCommandList() {
        Result r = run("frobnicate", "--json");
        assertEquals(2, r.status());
        assertEquals("pyramidkv: unknown command 'frobnicate'", r.errLines().getFirst());
        assertTrue(r.err().contains("commands:"), r.err());
        assertEquals("", r.out());
    }

    @Test
    void unknownOptionIsUsageErrorWithTheCommandsUsage() {
        Result r = run("models", "--frob");
        assertEquals(2, r.status());
        assertEquals("pyramidkv: models: unknown option --frob", r.errLines().getFirst());
        assertTrue(r.err().contains("usage: pyramidkv models"), r.err());

        Result global = run("--frob", "models");
        assertEquals(2, global.status());
        assertEquals("pyramidkv: unknown option --frob (options go after the command)", global.errLines().getFirst());
    }

    @Test
    void aMalformedValueIsAUsageErrorNamingTheOption() {
        // A command with a typed option, through the same shell the real ones use.
        Command repeat = new Command() {
            public String name() { return "repeat"; }
            public String summary() { return "print a word N times"; }
            public Options options() { return new Options().value("--times", "N", "how often"); }
            public int run(ParsedArgs args, CliContext cli) {
                cli.out().print("x".repeat(args.intValue("--times", 1, 0, 100)));
                return 0;
            }
        };
        Cli cli = new Cli(List.of(repeat));
        assertEquals("xxx", run(cli, Map.of(), "repeat", "--times", "3").out());
        Result r = run(cli, Map.of(), "repeat", "--times", "three");
        assertEquals(2, r.status());
        assertEquals("pyramidkv: repeat: --times: expected an integer, got 'three'", r.errLines().getFirst());
        assertTrue(r.err().contains("usage: pyramidkv repeat"), r.err());
    }

    @Test
    void aMissingModelFileIsOneLineAndStatus1() {
        Result r = run("info", "--model", tmp.resolve("nope.gguf").toString());
        assertEquals(1, r.status());
        assertEquals(List.of("pyramidkv: --model " + tmp.resolve("nope.gguf") + ": no such file"), r.errLines());
    }

    @Test
    void aDirectoryAsModelIsOneLineAndStatus1() {
        Result r = run("info", "--model", tmp.toString());
        assertEquals(1, r.status());
        assertEquals(List.of("pyramidkv: --model " + tmp + ": is a directory, expected a GGUF file"), r.errLines());
    }

    @Test
    void aFileThatIsNotGgufIsOneLineAndStatus1() throws Exception {
        Path zip = Files.write(tmp.resolve("model.gguf"), new byte[]{'P', 'K', 3, 4, 0, 0});
        Result r = run("info", "--model", zip.toString());
        assertEquals(1, r.status());
        assertEquals(List.of("pyramidkv: --model " + zip + ": not a GGUF file (starts with bytes 50 4b 03 04, expected 47 47 55 46 \"GGUF\")"),
                r.errLines());

        Path tiny = Files.write(tmp.resolve("tiny.gguf"), new byte[]{'G', 'G'});
        assertEquals(List.of("pyramidkv: --model " + tiny + ": not a GGUF file (only 2 bytes long)"), run("info", "--model", tiny.toString()).errLines());
    }

    private static Path stories260K() {
        return ProcessRun.repo().resolve("models/stories260K.gguf");
    }

    @Test
    void aTruncatedModelIsAOneLineFileErrorAndStatus1() throws Exception {
        byte[] full = Files.readAllBytes(stories260K());
        Path cutInData = Files.write(tmp.resolve("cut-in-data.gguf"), java.util.Arrays.copyOf(full, full.length / 2));
        for (List<String> command : List.of(List.of("info"), List.of("generate", "--prompt", "Once"))) {
            List<String> args = new ArrayList<>(command);
            args.addAll(List.of("--model", cutInData.toString()));
            Result r = run(args.toArray(String[]::new));
            assertEquals(1, r.status(), r::toString);
            assertEquals(1, r.errLines().size(), r::toString);
            String line = r.errLines().getFirst();
            assertTrue(line.startsWith("pyramidkv: " + cutInData + ": tensor '"), line);
            assertTrue(line.contains(" offset at byte ") && line.contains("lies outside the data section of "), line);
            assertFalse(line.contains("internal error"), line);
        }
        Path cutInHeader = Files.write(tmp.resolve("cut-in-header.gguf"), java.util.Arrays.copyOf(full, 100));
        Result r = run("generate", "--model", cutInHeader.toString(), "--prompt", "Once");
        assertEquals(1, r.status(), r::toString);
        assertEquals(List.of("pyramidkv: " + cutInHeader + ": tensor_count at byte 8: value 48 cannot fit in a file of 100 bytes"),
                r.errLines());
    }

    @Test
    void bytesFromAFuzzedFileAreEscapedInTheOneLine() throws Exception {
        byte[] image = Files.readAllBytes(stories260K());
        // The first key, "tokenizer.ggml.tokens", starts at byte 32 after its 8-byte length; its value type follows at 53.
        byte[] fuzz = {'t', 'o', 'k', 0, '\n', 0x1b, '[', '3', '1', 'm', '\r', '\n'};
        System.arraycopy(fuzz, 0, image, 32, fuzz.length);
        image[53] = 99;
        Path fuzzed = Files.write(tmp.resolve("fuzzed.gguf"), image);
        Result r = run("info", "--model", fuzzed.toString());
        assertEquals(1, r.status(), r::toString);
        assertEquals("pyramidkv: " + fuzzed + ": metadata 'tok\\x00\\x0A\\x1B[31m\\x0D\\x0Aml.tokens' type at byte 53:"
                + " unknown value type 99\n", r.err());
    }

    @Test
    void pyramidkvModelIsUsedWhenThereIsNoModelOption() {
        Path missing = tmp.resolve("from-env.gguf");
        Result r = run(Map.of("PYRAMIDKV_MODEL", missing.toString()), "info");
        assertEquals(List.of("pyramidkv: PYRAMIDKV_MODEL " + missing + ": no such file"), r.errLines());
        // --model wins over the environment.
        Result r2 = run(Map.of("PYRAMIDKV_MODEL", missing.toString()), "info", "--model", tmp.toString());
        assertEquals(List.of("pyramidkv: --model " + tmp + ": is a directory, expected a GGUF file"), r2.errLines());
    }

    @Test
    void debugShowsTheStackTraceOtherwiseNever() {
        String missing = tmp.resolve("nope.gguf").toString();
        assertFalse(run("info", "--model", missing).err().contains("\tat "));
        Result debug = run("info", "--model", missing, "--debug");
        assertEquals(1, debug.status());
        assertTrue(debug.err().contains("\tat dev.pyramidkv.engine.registry.ModelRegistry"), debug.err());
        Result envDebug = run(Map.of("PYRAMIDKV_DEBUG", "1"), "info", "--model", missing);
        assertTrue(envDebug.err().contains("\tat "), envDebug.err());
        Result globalDebug = run("--debug", "info", "--model", missing);
        assertTrue(globalDebug.err().contains("\tat "), globalDebug.err());
    }

    @Test
    void modelsJsonListsKnownModelsWithPathAndPresence() throws Exception {
        Result r = run("models", "--json");
        assertEquals(0, r.status(), r::toString);
        JsonNode root = new ObjectMapper().readTree(r.out());
        assertEquals(tmp.resolve("home").toString(), root.get("cache_dir").asText());
        List<String> names = new ArrayList<>();
        root.get("models").forEach(m -> names.add(m.get("name").asText()));
        assertEquals(List.of("smollm2", "stories260K", "qwen2.5-coder-0.5b", "qwen2.5-coder-1.5b"), names);

        JsonNode smol = root.get("models").get(0);
        assertTrue(smol.get("default").asBoolean());
        assertFalse(smol.get("present").asBoolean()); // fresh cache
        assertEquals("missing", smol.get("status").asText());
        assertEquals(tmp.resolve("home").resolve(KnownModel.SMOLLM2.fileName()).toString(), smol.get("path").asText());
        assertEquals(98_362_432L, smol.get("size_bytes").asLong());

        JsonNode stories = root.get("models").get(1);
        assertFalse(stories.get("default").asBoolean());
        assertTrue(stories.get("present").asBoolean(), stories::toString);
        assertEquals(ProcessRun.repo().resolve("models/stories260K.gguf").toString(),
                stories.get("path").asText());
    }

    @Test
    void aCorruptCachedModelIsReportedAndFailsTheListing() throws Exception {
        Path home = Files.createDirectories(tmp.resolve("home"));
        Files.write(home.resolve(KnownModel.SMOLLM2.fileName()), new byte[1000]);
        Result r = run("models");
        assertEquals(1, r.status(), r::toString);
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("smollm2 ") && l.contains(" corrupt ")), r.out());
        assertTrue(r.out().contains("smollm2: size 1000 bytes, expected 98362432"), r.out());
    }
}
