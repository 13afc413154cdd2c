package dev.pyramidkv.engine.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pyramidkv.engine.eval.EvalResult;
import dev.pyramidkv.engine.eval.ResultStore;
import dev.pyramidkv.engine.testing.TestModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** pyramidkv eval and analyze on stories260K, in process. */
class EvalCommandTest {
    @TempDir
    Path tmp;

    record Result(int status, String out, String err) {}

    static Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int status = new Cli(Main.COMMANDS).run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), Map.of(), null, false);
        return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static String[] grid(Path out, String... more) {
        List<String> a = new ArrayList<>(List.of("eval", "--model", TestModels.stories260K().toString(), "--tasks", "passkey,niah_word",
                "--lengths", "320", "--depths", "0,50", "--policies", "full,snapkv,pyramid", "--budgets", "48", "--threads", "1",
                "--out", out.toString()));
        a.addAll(List.of(more));
        return a.toArray(String[]::new);
    }

    @Test
    void twoShardsThenAnalyzeGiveTheReportAndCharts() throws Exception {
        Path dir = tmp.resolve("run");
        Result s0 = run(grid(dir, "--shard", "0/2"));
        assertEquals(0, s0.status(), s0.err());
        assertTrue(s0.err().contains("pyramidkv analyze " + dir), s0.err());
        assertEquals("", s0.out(), "a shard prints no report");
        Result s1 = run(grid(dir, "--shard", "1/2", "--json"));
        assertEquals(0, s1.status(), s1.err());
        JsonNode summary = new ObjectMapper().readTree(s1.out());
        assertEquals(2, summary.get("prompts_run").asInt());
        assertEquals(6, summary.get("cells_run").asInt());
        assertTrue(s1.err().contains("] 2/2 prompts |"), "progress: " + s1.err());

        Result a = run("analyze", dir.toString());
        assertEquals(0, a.status(), a.err());
        assertTrue(a.out().startsWith("Model: stories260K.gguf. 4 prompts, 12 cells"), a.out());
        List<EvalResult> merged = ResultStore.read(dir.resolve("results.jsonl"));
        assertEquals(12, merged.size());
        for (String f : List.of("summary.csv", "report.md", "heatmap-full.png", "heatmap-pyramid-48.png", "heatmaps.png",
                "accuracy-vs-budget.png", "accuracy-vs-kv-bytes.png")) {
            assertTrue(Files.size(dir.resolve(f)) > 0, f);
            if (f.endsWith(".png")) assertNotNull(ImageIO.read(dir.resolve(f).toFile()), f);
        }
        assertEquals(a.out(), Files.readString(dir.resolve("report.md")));

        // the merged file lets an unsharded rerun skip everything
        Result again = run(grid(dir, "--json"));
        assertEquals(0, again.status(), again.err());
        JsonNode j = new ObjectMapper().readTree(again.out());
        assertEquals(0, j.get("prompts_run").asInt());
        assertEquals(4, j.get("prompts_skipped").asInt());
        assertEquals(12, j.get("cells_skipped").asInt());
    }

    @Test
    void dryRunCountsTheGrid() throws Exception {
        Result r = run(grid(tmp, "--dry-run", "--json"));
        assertEquals(0, r.status(), r.err());
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertEquals(4, j.get("prompts").asInt());
        assertEquals(3, j.get("configurations").asInt());
        assertEquals(12, j.get("cells").asInt());
        assertEquals(2 * 2 * 320, j.get("prefill_tokens").asInt());
        Result quick = run("eval", "--dry-run", "--json");
        assertEquals(0, quick.status(), quick.err());
        assertEquals(13, new ObjectMapper().readTree(quick.out()).get("configurations").asInt(), "quick: full + 4 policies x 3 budgets");
        JsonNode longQuick = new ObjectMapper().readTree(run("eval", "--preset", "long-quick", "--dry-run", "--json").out());
        assertEquals(2 * 3 * 3 * 2, longQuick.get("prompts").asInt(), "long-quick: 2 lengths x 3 depths x 3 tasks x 2 samples");
        assertEquals(7, longQuick.get("configurations").asInt(), "long-quick: full + 3 policies x 2 budgets");
        Result unknown = run("eval", "--preset", "longer", "--dry-run");
        assertEquals(2, unknown.status());
        assertTrue(unknown.err().contains("expected quick|paper|long|long-quick"), unknown.err());
    }

    @Test
    void badGridOptionsAreUsageErrors() {
        Result shard = run(grid(tmp, "--shard", "2/2"));
        assertEquals(2, shard.status());
        assertTrue(shard.err().startsWith("pyramidkv: eval: --shard: shard: the index must be in [0, 2), got 2"), shard.err());
        Result task = run(grid(tmp, "--tasks", "passkey,haystack"));
        assertEquals(2, task.status());
        assertTrue(task.err().contains("--tasks: task: unknown task 'haystack'"), task.err());
        Result depth = run(grid(tmp, "--depths", "0,150"));
        assertEquals(2, depth.status());
        assertTrue(depth.err().contains("depths: 150 is outside [0, 100] percent"), depth.err());
        Result budget = run(grid(tmp, "--budgets", "4"));
        assertEquals(2, budget.status());
        assertTrue(budget.err().contains("budget=4: must be > window (8)"), budget.err());
        Result lengths = run(grid(tmp, "--lengths", "256,x"));
        assertEquals(2, lengths.status());
        assertTrue(lengths.err().contains("--lengths: expected whole numbers separated by commas, got 'x'"), lengths.err());
        Result nothing = run("analyze", tmp.resolve("nowhere").toString());
        assertEquals(1, nothing.status());
        assertTrue(nothing.err().contains("does not exist"), nothing.err());
    }
}
