package dev.pyramidkv.engine.cli;

import dev.pyramidkv.engine.testing.TestModels;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Every {@code ./pyramidkv} command in the README's code blocks, run in-process on stories260K and on the default
 * model: each exits 0. Left out: {@code test} (the suite itself), {@code serve} and {@code serve-bench} (the
 * server module's tests run them), {@code jmh} (its own jar). Only the work is bounded, never the command's
 * meaning: answers capped at 16 tokens, eval and bench on the default model given a small grid, files go to a
 * temporary directory.
 */
@Tag("download")
@Tag("llamacpp")
class ReadmeCommandsTest {
    private static final Set<String> NOT_RUN = Set.of("test", "serve", "serve-bench", "jmh");

    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"stories260K", "smollm2"})
    void everyReadmeCommandRuns(String model) throws IOException {
        List<List<String>> commands = readmeCommands(Files.readString(ProcessRun.repo().resolve("README.md")));
        assertTrue(commands.size() >= 10, "README commands found: " + commands);
        Path file = model.equals("smollm2") ? TestModels.smollm2() : TestModels.stories260K();   // fetched before the CLI looks
        List<String> failures = new ArrayList<>();
        for (List<String> command : commands) {
            if (command.isEmpty() || NOT_RUN.contains(command.getFirst())) continue;
            List<String> args = bounded(command, file.toString(), model.equals("smollm2"));
            ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
            InputStream stdin = System.in;
            System.setIn(new ByteArrayInputStream("Hello!\n/exit\n".getBytes(StandardCharsets.UTF_8)));   // for chat
            int status;
            try {
                status = new Cli(Main.COMMANDS).run(args.toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8), Map.of("PYRAMIDKV_REPO", ProcessRun.repo().toString()), null, false);
            } finally {
                System.setIn(stdin);
            }
            if (status != 0) failures.add(String.join(" ", args) + " -> " + status + ": " + err.toString(StandardCharsets.UTF_8).strip());
        }
        assertEquals(List.of(), failures);
    }

    /** The README's command, with the model given and its work bounded (options replaced where present, else added). */
    private List<String> bounded(List<String> command, String model, boolean defaultModel) {
        Map<String, String> set = new LinkedHashMap<>();
        set.put("--model", model);
        String name = command.getFirst();
        if (name.equals("generate") || name.equals("chat")) set.put("--max-tokens", "16");
        if (command.contains("--png")) set.put("--png", tmp.resolve("layers.png").toString());
        if (name.equals("eval")) {
            set.put("--out", tmp.resolve("eval-" + model.hashCode()).toString());
            if (defaultModel) {
                set.put("--lengths", "256");
                set.put("--tasks", "passkey");
                set.put("--budgets", "64");
            }
        }
        if (name.equals("bench")) {
            set.put("--prompt-tokens", "64");
            set.put("--decode-tokens", "8");
            set.put("--repeat", "1");
        }
        List<String> args = new ArrayList<>(command);
        for (Map.Entry<String, String> e : set.entrySet()) {
            int at = args.indexOf(e.getKey());
            if (at >= 0) args.set(at + 1, e.getValue());
            else {
                args.add(e.getKey());
                args.add(e.getValue());
            }
        }
        return args;
    }

    /** The arguments of each line that starts with {@code ./pyramidkv } inside a fenced block, as a shell splits them. */
    static List<List<String>> readmeCommands(String readme) {
        List<List<String>> commands = new ArrayList<>();
        boolean fenced = false;
        for (String line : readme.lines().toList()) {
            if (line.startsWith("```")) fenced = !fenced;
            else if (fenced && line.startsWith("./pyramidkv ")) commands.add(shellWords(line.substring("./pyramidkv ".length())));
        }
        return commands;
    }

    /** Splits on blanks outside quotes and drops a trailing {@code # comment}, as sh does for these lines. */
    static List<String> shellWords(String line) {
        List<String> words = new ArrayList<>();
        StringBuilder word = null;
        char quote = 0;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quote != 0) {
                if (c == quote) quote = 0;
                else word.append(c);
            } else if (c == '"' || c == '\'') {
                quote = c;
                if (word == null) word = new StringBuilder();
            } else if (c == ' ' || c == '\t') {
                if (word != null) words.add(word.toString());
                word = null;
            } else if (c == '#' && word == null) {
                break;
            } else {
                if (word == null) word = new StringBuilder();
                word.append(c);
            }
        }
        if (word != null) words.add(word.toString());
        return words;
    }
}
