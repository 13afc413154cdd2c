package dev.pyramidkv.engine.eval;

import dev.pyramidkv.cache.PolicyConfig;
import dev.pyramidkv.cache.PolicyKind;
import dev.pyramidkv.engine.api.Engine;
import dev.pyramidkv.engine.testing.TestModels;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Running grids on stories260K: results per cell, resume, shards and their merge. */
class EvalRunnerTest {
    @TempDir
    Path tmp;

    static Engine tiny;

    @BeforeAll
    static void load() throws Exception {
        tiny = Engine.load(TestModels.stories260K());
    }

    @AfterAll
    static void close() {
        tiny.close();
    }

    static EvalGrid grid(List<Integer> budgets) {
        List<PolicyConfig> policies = EvalGrid.policies(List.of(PolicyKind.FULL, PolicyKind.STREAMING, PolicyKind.SNAPKV, PolicyKind.PYRAMID),
                budgets, PolicyConfig::builder);
        return new EvalGrid(List.of(TaskKind.PASSKEY, TaskKind.COMMON_WORDS), List.of(256, 320), List.of(0, 100), policies, 1, 5);
    }

    /** Counts what the runner reports, to check work done. */
    static final class Counter implements EvalRunner.Listener {
        int prefills;

        @Override
        public void promptDone(PromptSpec spec, int promptTokens, ForkDecoder.Outcome outcome) { prefills++; }
    }

    private EvalRunner.Summary run(EvalGrid grid, Shard shard, Path file, Counter counter) throws IOException {
        return new EvalRunner(tiny, 1).run(grid, shard, new ResultStore(file), counter);
    }

    @Test
    void everyCellIsWrittenOnceAndARerunSkipsThem() throws IOException {
        Path file = tmp.resolve("results.jsonl");
        EvalGrid grid = grid(List.of(32, 64));
        int prompts = grid.prompts().size();
        assertEquals(2 * 2 + 2, prompts, "passkey at 2 lengths x 2 depths, cwe at 2 lengths");
        Counter first = new Counter();
        EvalRunner.Summary s1 = run(grid, Shard.ALL, file, first);
        assertEquals(prompts, first.prefills);
        assertEquals(prompts * 7, s1.cellsRun(), "full + 3 policies x 2 budgets per prompt");
        List<EvalResult> written = ResultStore.read(file);
        assertEquals(prompts * 7, written.size());
        assertEquals(written.size(), written.stream().map(EvalResult::key).distinct().count());
        for (EvalResult r : written) {
            assertTrue(r.promptTokens() <= r.contextLength() && r.promptTokens() > r.contextLength() - 40, r.toJson());
            if (r.policy().equals("full")) assertEquals(r.kvFullBytes(), r.kvBytes());
            else assertTrue(r.kvBytes() < r.kvFullBytes(), r.toJson());
            assertTrue(r.prefillMillis() > 0);
        }

        Counter second = new Counter();
        EvalRunner.Summary s2 = run(grid, Shard.ALL, file, second);
        assertEquals(0, second.prefills, "nothing left to prefill");
        assertEquals(0, s2.cellsRun());
        assertEquals(prompts * 7, s2.cellsSkipped());
        assertEquals(prompts * 7, ResultStore.read(file).size());

        // a grid grown by one budget runs only the new cells (one prefill per prompt, three forks each)
        Counter third = new Counter();
        EvalRunner.Summary s3 = run(grid(List.of(32, 64, 96)), Shard.ALL, file, third);
        assertEquals(prompts, third.prefills);
        assertEquals(prompts * 3, s3.cellsRun());
        assertEquals(prompts * 7, s3.cellsSkipped());
        assertEquals(prompts * 10, ResultStore.read(file).size());
    }

    @Test
    void aRunCutShortMidLineResumes() throws IOException {
        Path file = tmp.resolve("results.jsonl");
        EvalGrid grid = grid(List.of(48));
        run(grid, Shard.ALL, file, new Counter());
        List<String> lines = Files.readAllLines(file);
        // the last prompt's cells lost, its first line cut in half (a crash mid-write)
        int keep = lines.size() - 4;
        String cut = String.join("\n", lines.subList(0, keep)) + "\n" + lines.get(keep).substring(0, 40);
        Files.writeString(file, cut, StandardCharsets.UTF_8);
        assertEquals(keep, ResultStore.read(file).size());
        Counter again = new Counter();
        EvalRunner.Summary s = run(grid, Shard.ALL, file, again);
        assertEquals(1, again.prefills);
        assertEquals(4, s.cellsRun());
        assertEquals(lines.size(), ResultStore.read(file).size());
        assertEquals(results(ResultStore.read(file)), results(lines.stream().map(EvalResult::fromJson).toList()));
    }

    @Test
    void shardsMergedEqualTheUnshardedRun() throws IOException {
        EvalGrid grid = grid(List.of(48));
        Path whole = tmp.resolve("whole.jsonl");
        run(grid, Shard.ALL, whole, new Counter());
        Path dir = tmp.resolve("shards");
        List<Integer> prefills = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Shard shard = new Shard(i, 3);
            Counter c = new Counter();
            run(grid, shard, dir.resolve(shard.resultsFileName()), c);
            prefills.add(c.prefills);
        }
        assertEquals(List.of(2, 2, 2), prefills, "six prompts over three shards");
        ResultStore.Merged merged = ResultStore.merge(List.of(dir));
        assertEquals(3, merged.files());
        assertEquals(0, merged.duplicates());
        assertTrue(merged.conflicts().isEmpty());
        assertEquals(results(ResultStore.read(whole)), results(merged.results()));
    }

    @Test
    void mergingTheSameFileTwiceDropsDuplicatesAndReportsConflicts() throws IOException {
        Path a = tmp.resolve("a.jsonl");
        run(grid(List.of(48)), Shard.ALL, a, new Counter());
        List<EvalResult> rs = ResultStore.read(a);
        Path b = tmp.resolve("b.jsonl");
        EvalResult first = rs.getFirst();
        EvalResult changed = new EvalResult(first.model(), first.task(), first.contextLength(), first.depth(), first.sample(), first.seed(),
                first.promptTokens(), first.policy(), first.budget(), first.label(), first.policyConfig(), first.expected(), "something else",
                3, 0, first.kvBytes(), first.kvFullBytes(), false, 1, 1, 1);
        List<EvalResult> other = new ArrayList<>(rs.subList(1, rs.size()));
        other.add(changed);
        ResultStore.write(b, other);
        ResultStore.Merged m = ResultStore.merge(List.of(a, b));
        assertEquals(rs.size(), m.results().size());
        assertEquals(rs.size() - 1, m.duplicates());
        assertEquals(List.of(first.key()), m.conflicts());
        assertEquals(first.answer(), m.results().getFirst().answer(), "the first file wins");
        assertThrows(IllegalArgumentException.class, () -> ResultStore.merge(List.of(tmp.resolve("missing"))));
    }

    @Test
    void resultsRoundTripThroughJson() {
        EvalResult r = new EvalResult("m.gguf", "niah_uuid", 1024, 35, 2, 1234567890123L, 1019, "pyramid", 128, "pyramid-128",
                "pyramid(budget=128, ...)", List.of("a\"b", "c\\d"), "line\none \"quoted\"\ttab", 7, 0.5, 123456789L, 987654321L,
                false, 1234.5, 67.25, 2);
        assertEquals(r, EvalResult.fromJson(r.toJson()));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> EvalResult.fromJson("{\"model\": \"m\", \"expected\": []}"));
        assertTrue(e.getMessage().contains("'task'"), e.getMessage());
    }

    /** key → (answer, score), the content two runs must agree on. */
    static Map<String, String> results(List<EvalResult> rs) {
        Map<String, String> m = new TreeMap<>();
        for (EvalResult r : rs) m.put(r.key(), r.answer() + " | " + r.score() + " | " + r.kvBytes());
        return m;
    }
}
