package dev.pyramidkv.engine.eval;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Tables and charts over hand-made results whose accuracies are known. */
class ReportTest {
    @TempDir
    Path tmp;

    static EvalResult cell(String task, int length, int depth, int sample, String policy, int budget, double score, long kv) {
        return new EvalResult("m.gguf", task, length, depth, sample, 1, length - 5, policy, budget, budget == 0 ? policy : policy + "-" + budget,
                policy + budget, List.of("x"), score > 0 ? "x" : "y", 3, score, kv, 1000, false, 2000, 100, 2);
    }

    /**
     * passkey: full always right; pyramid-64 right at depth 0 only, pyramid-128 always; snapkv-64 never.
     * vt: full always wrong (too weak to separate), the others too.
     */
    static List<EvalResult> results() {
        List<EvalResult> rs = new ArrayList<>();
        for (int n : new int[]{512, 1024}) {
            for (int d : new int[]{0, 50, 100}) {
                for (int s = 0; s < 2; s++) {
                    rs.add(cell("passkey", n, d, s, "full", 0, 1, 1000));
                    rs.add(cell("passkey", n, d, s, "pyramid", 64, d == 0 ? 1 : 0, 100));
                    rs.add(cell("passkey", n, d, s, "pyramid", 128, 1, 200));
                    rs.add(cell("passkey", n, d, s, "snapkv", 64, 0, 100));
                    rs.add(cell("passkey", n, d, s, "snapkv", 128, s == 0 ? 1 : 0, 200));
                }
            }
            rs.add(cell("vt", n, -1, 0, "full", 0, 0, 1000));
            rs.add(cell("vt", n, -1, 0, "pyramid", 64, 0, 100));
            rs.add(cell("vt", n, -1, 0, "snapkv", 64, 0.2, 100));
        }
        return rs;
    }

    @Test
    void accuraciesAndSeparatingTasks() {
        Report r = new Report(results(), 0.6);
        assertEquals(List.of("passkey", "vt"), r.tasks());
        assertEquals(List.of("passkey"), r.separatingTasks());
        assertEquals(List.of("full", "snapkv", "pyramid"), r.policies(), "in the order of PolicyKind");
        assertEquals(List.of(64, 128), r.budgets());
        assertEquals(1.0 / 3, r.accuracy(r.inHeadlineTasks().and(Report.of(new Report.Config("pyramid", 64)))), 1e-12);
        assertEquals(0.5, r.accuracy(r.inHeadlineTasks().and(Report.of(new Report.Config("snapkv", 128)))), 1e-12);
        assertEquals(0.1, r.kvRatio(Report.of(new Report.Config("pyramid", 64))), 1e-12);
        String md = r.markdown();
        assertTrue(md.indexOf("Full cache (the ceiling)") < md.indexOf("Accuracy by policy and budget"), "the ceiling comes first");
        assertTrue(md.contains("| passkey | 100% (61–100) | 100% (61–100) | 100% (76–100) |"), md);
        assertTrue(md.contains("| vt | 0% (0–79) | 0% (0–79) | 0% (0–66) |"), md);
        assertTrue(md.contains("Too weak with the full cache: vt."), md);
        assertTrue(md.contains("| pyramid | 33% (14–61) | 100% (76–100) |"), md);
        assertTrue(md.contains("| snapkv | 0% (0–24) | 50% (25–75) |"), md);
        assertTrue(md.contains("| snapkv-64 | 0% (0–24) | 20% (2–78) |"), md);
    }

    /**
     * A q8_0 copy of four passkey cells: one answer differs in text but not in score, one differs in score
     * (where f32 was right); the table counts both against f32 on the same prompt and policy.
     */
    @Test
    void storageTypesAreComparedWithF32OnTheSameCells() {
        List<EvalResult> rs = new ArrayList<>();
        String[] f32Answers = {"x", "x", "y", "y"}, q8Answers = {"x", "z", "y", "y."};
        for (int d = 0; d < 4; d++) {
            rs.add(typed(d, "full()", "full", f32Answers[d], f32Answers[d].equals("x") ? 1 : 0, 1000));
            rs.add(typed(d, "full(kvType=q8_0)", "full-q8_0", q8Answers[d], q8Answers[d].equals("x") ? 1 : 0, 265));
        }
        rs.add(typed(9, "full(kvType=q4_0)", "full-q4_0", "x", 1, 140));   // no f32 counterpart: left out
        Report r = new Report(rs, 0.6);
        assertEquals(List.of("f32", "q8_0", "q4_0"), r.kvTypes());
        assertEquals("q8_0", Report.kvType(rs.get(1)));
        assertEquals(List.of(new Report.Config("full", 0), new Report.Config("full", 0, "q8_0"), new Report.Config("full", 0, "q4_0")), r.configs());
        assertEquals(0.5, r.accuracy(Report.of(new Report.Config("full", 0))), 1e-12);
        assertEquals(0.25, r.accuracy(Report.of(new Report.Config("full", 0, "q8_0"))), 1e-12);
        List<Report.Agreement> a = r.agreementWithF32(x -> true);
        assertEquals(1, a.size(), "q4_0 has no f32 cells to compare with");
        assertEquals(new Report.Agreement("q8_0", 4, 0.25, 0.5, 0.5, 0.75, 2, 0.5, 0.265), a.getFirst());
        String md = r.markdown();
        assertTrue(md.contains("| q8_0 | 4 | 25% (50%) | 50.0% | 75.0% | 50.0% of 2 | 0.265× |"), md);
        assertTrue(md.contains("| full q8_0 |"), md);
    }

    static EvalResult typed(int depth, String policyConfig, String label, String answer, double score, long kv) {
        return new EvalResult("m.gguf", "passkey", 512, depth, 0, 1, 507, "full", 0, label, policyConfig, List.of("x"), answer, 3, score, kv,
                1000, false, 2000, 100, 2);
    }

    @Test
    void summaryCsvHasOneRowPerTaskLengthDepthAndConfiguration() throws IOException {
        Path csv = tmp.resolve("summary.csv");
        new Report(results(), 0.6).writeSummaryCsv(csv);
        List<String> lines = Files.readAllLines(csv);
        assertEquals("task,context_length,depth,policy,budget,kv_type,samples,accuracy,kv_bytes,kv_full_bytes,kv_ratio,uncompressed,prompt_tokens,prefill_ms,decode_ms", lines.getFirst());
        assertEquals(1 + 2 * 3 * 5 + 2 * 3, lines.size());
        assertTrue(lines.contains("passkey,512,50,snapkv,128,f32,2,0.5000,200,1000,0.2000,0,507,2000.0,100.0"), String.join("\n", lines));
        assertTrue(lines.contains("vt,1024,,snapkv,64,f32,1,0.2000,100,1000,0.1000,0,1019,2000.0,100.0"), String.join("\n", lines));
    }

    @Test
    void chartsAreReadablePngs() throws IOException {
        List<Path> files = Charts.write(new Report(results(), 0.6), tmp);
        Set<String> names = files.stream().map(p -> p.getFileName().toString()).collect(Collectors.toSet());
        assertEquals(Set.of("heatmap-full.png", "heatmap-pyramid-64.png", "heatmap-pyramid-128.png", "heatmap-snapkv-64.png",
                "heatmap-snapkv-128.png", "heatmaps.png", "accuracy-vs-budget.png", "accuracy-vs-budget-passkey.png",
                "accuracy-vs-budget-vt.png", "accuracy-vs-kv-bytes.png"), names);
        for (Path f : files) {
            assertTrue(Files.size(f) > 5000, f + " has " + Files.size(f) + " bytes");
            BufferedImage img = ImageIO.read(f.toFile());
            assertNotNull(img, f + " decodes as an image");
            assertTrue(img.getWidth() >= 600 && img.getHeight() >= 400, f + ": " + img.getWidth() + "x" + img.getHeight());
        }
        // the pyramid-64 heatmap: depth 0 green (accuracy 1), depth 100 red (0)
        BufferedImage heat = ImageIO.read(tmp.resolve("heatmap-pyramid-64.png").toFile());
        assertTrue(countColour(heat, Charts.ACCURACY.getPaint(1.0).hashCode()) > 5000, "green cells");
        assertTrue(countColour(heat, Charts.ACCURACY.getPaint(0.0).hashCode()) > 5000, "red cells");
        BufferedImage full = ImageIO.read(tmp.resolve("heatmap-full.png").toFile());
        assertTrue(countColour(full, Charts.ACCURACY.getPaint(0.0).hashCode()) < 200, "full is right everywhere: red only at the bottom of the legend");
    }

    private static int countColour(BufferedImage img, int argbOfColor) {
        int rgb = argbOfColor & 0xFFFFFF, n = 0;
        for (int y = 0; y < img.getHeight(); y++) for (int x = 0; x < img.getWidth(); x++) if ((img.getRGB(x, y) & 0xFFFFFF) == rgb) n++;
        return n;
    }
}
