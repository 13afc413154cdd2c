package dev.pyramidkv.engine.eval;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A results file (JSON lines, one {@link EvalResult} per line) that a run appends to cell by cell, and the
 * keys of the cells it already holds, so a rerun skips them. A last line cut short by a crash is ignored
 * (and overwritten by the next append); a malformed line elsewhere is an error naming its line number.
 */
public final class ResultStore {
    private final Path file;
    private final Set<String> keys = new HashSet<>();
    private final int loaded;

    /** Opens (or will create) {@code file} and reads the keys it holds. */
    public ResultStore(Path file) throws IOException {
        this.file = file;
        List<EvalResult> existing = Files.exists(file) ? readAndRepair(file) : List.of();
        for (EvalResult r : existing) keys.add(r.key());
        this.loaded = existing.size();
    }

    public Path file() { return file; }

    /** Cells that were in the file when it was opened. */
    public int loaded() { return loaded; }

    public boolean has(String key) { return keys.contains(key); }

    /** Appends the results of one prompt and flushes them to the file. */
    public void append(List<EvalResult> results) throws IOException {
        if (results.isEmpty()) return;
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
            for (EvalResult r : results) {
                w.write(r.toJson());
                w.write('\n');
            }
        }
        for (EvalResult r : results) keys.add(r.key());
    }

    /** Every result in {@code file}; a cut-off last line is skipped. */
    public static List<EvalResult> read(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        List<EvalResult> out = new ArrayList<>(lines.size());
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank()) continue;
            try {
                out.add(EvalResult.fromJson(line));
            } catch (IllegalArgumentException e) {
                boolean last = i == lines.size() - 1;
                if (last && !endsWithNewline(file)) break;   // a write cut short
                throw new IllegalArgumentException(file + ":" + (i + 1) + ": " + e.getMessage(), e);
            }
        }
        return out;
    }

    /** As {@link #read}, and drops a cut-off last line from the file so appends start on a fresh line. */
    private static List<EvalResult> readAndRepair(Path file) throws IOException {
        List<EvalResult> results = read(file);
        if (Files.size(file) > 0 && !endsWithNewline(file)) {
            StringBuilder sb = new StringBuilder();
            for (EvalResult r : results) sb.append(r.toJson()).append('\n');
            Files.writeString(file, sb, StandardCharsets.UTF_8);
        }
        return results;
    }

    private static boolean endsWithNewline(Path file) throws IOException {
        byte[] all = Files.readAllBytes(file);
        return all.length == 0 || all[all.length - 1] == '\n';
    }

    /** What {@link #merge} found. */
    public record Merged(List<EvalResult> results, int files, int duplicates, List<String> conflicts) {}

    /**
     * Every result of the given files and directories (in a directory: every {@code *.jsonl} file), one per
     * key: a key seen again with the same answer and score is a duplicate (dropped); with a different one, a
     * conflict (the first kept, the key reported).
     */
    public static Merged merge(List<Path> inputs) throws IOException {
        List<Path> files = new ArrayList<>();
        for (Path in : inputs) {
            if (Files.isDirectory(in)) {
                try (Stream<Path> s = Files.list(in)) {
                    s.filter(p -> p.getFileName().toString().endsWith(".jsonl")).sorted().forEach(files::add);
                }
            } else if (Files.isRegularFile(in)) {
                files.add(in);
            } else {
                throw new IllegalArgumentException("results: " + in + " is neither a file nor a directory");
            }
        }
        Map<String, EvalResult> byKey = new LinkedHashMap<>();
        int duplicates = 0;
        List<String> conflicts = new ArrayList<>();
        for (Path f : files) {
            for (EvalResult r : read(f)) {
                EvalResult seen = byKey.putIfAbsent(r.key(), r);
                if (seen == null) continue;
                if (seen.answer().equals(r.answer()) && seen.score() == r.score()) duplicates++;
                else conflicts.add(r.key());
            }
        }
        return new Merged(List.copyOf(byKey.values()), files.size(), duplicates, conflicts);
    }

    /** Writes {@code results} as a results file, replacing {@code file}. */
    public static void write(Path file, List<EvalResult> results) {
        StringBuilder sb = new StringBuilder();
        for (EvalResult r : results) sb.append(r.toJson()).append('\n');
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) Files.createDirectories(parent);
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(tmp, sb, StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("writing " + file, e);
        }
    }
}
