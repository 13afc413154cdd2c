package dev.pyramidkv.engine.eval;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Common English nouns and adjectives (bundled, one per line, no duplicates): needle values, keys and cwe words. */
final class WordList {
    private WordList() {}

    static final List<String> WORDS = load();

    private static List<String> load() {
        try (InputStream in = WordList.class.getResourceAsStream("words.txt")) {
            if (in == null) throw new IllegalStateException("resource dev/pyramidkv/engine/eval/words.txt is missing from the jar");
            List<String> words = new ArrayList<>();
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line; (line = r.readLine()) != null; ) if (!line.isBlank()) words.add(line.strip());
            return List.copyOf(words);
        } catch (IOException e) {
            throw new UncheckedIOException("reading words.txt", e);
        }
    }
}
