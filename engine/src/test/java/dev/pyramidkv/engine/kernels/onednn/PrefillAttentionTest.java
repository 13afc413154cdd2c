package dev.pyramidkv.engine.kernels.onednn;

import dev.pyramidkv.cache.StagingBuffer;
import dev.pyramidkv.dnnl.DnnlEngine;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Random;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static org.junit.jupiter.api.Assertions.*;

/** Blocked causal attention on real oneDNN against causal attention in double, with the KV policies' score records. */
class PrefillAttentionTest {
    static DnnlEngine dnnl;

    @BeforeAll
    static void open() {
        dnnl = DnnlEngine.create();
    }

    @AfterAll
    static void close() {
        dnnl.close();
    }

    /**
     * A prompt of n rows run in chunks (as the prefill does), queries inside wider rows (the qkv GEMM output),
     * GQA groups of SmolLM2 (9/3, headDim 64) and stories260K (8/4, headDim 8); n not a multiple of the block,
     * so the last block is padded, and staging rows past the prompt hold NaN, which must not leak in.
     */
    @ParameterizedTest
    @CsvSource({"9, 3, 64, 150, 128, 8, 64", "8, 4, 8, 64, 64, 8, 64", "9, 3, 64, 37, 64, 8, 64", "9, 3, 64, 200, 192, 300, 64",
                "9, 3, 64, 300, 256, 16, 256", "9, 3, 64, 250, 128, 8, 128"})
    void matchesCausalAttentionInDouble(int heads, int kvHeads, int hd, int n, int chunk, int window, int block) {
        int qStride = heads * hd + 2 * kvHeads * hd;   // floats per row: q, then k and v as in the prefill's qkv rows
        Random rnd = new Random(n * 7L + hd);
        try (Arena arena = Arena.ofConfined();
             PrefillAttention att = new PrefillAttention(dnnl, arena, heads, kvHeads, hd, 512, block)) {
            StagingBuffer kv = StagingBuffer.allocate(arena, kvHeads, PrefillAttention.stagingRows(512), hd);
            kv.keys().fill((byte) 0xFF);     // NaN everywhere, then the prompt's rows
            kv.values().fill((byte) 0xFF);
            float[][][] q = new float[n][heads][hd], k = new float[kvHeads][n][hd], v = new float[kvHeads][n][hd];
            MemorySegment qRows = arena.allocate(4L * n * qStride);
            for (int t = 0; t < n; t++) {
                for (int h = 0; h < heads; h++) for (int d = 0; d < hd; d++) {
                    q[t][h][d] = (float) rnd.nextGaussian() * 2;
                    qRows.setAtIndex(JAVA_FLOAT, (long) t * qStride + (long) h * hd + d, q[t][h][d]);
                }
                for (int g = 0; g < kvHeads; g++) for (int d = 0; d < hd; d++) {
                    k[g][t][d] = (float) rnd.nextGaussian() * 2;
                    v[g][t][d] = (float) rnd.nextGaussian();
                    kv.keys().set(JAVA_FLOAT, kv.offset(g, t) + 4L * d, k[g][t][d]);
                    kv.values().set(JAVA_FLOAT, kv.offset(g, t) + 4L * d, v[g][t][d]);
                }
            }
            MemorySegment out = arena.allocate(4L * n * heads * hd);
            int w = Math.min(window, n);
            MemorySegment windowProbs = arena.allocate(4L * heads * w * n), columnSums = arena.allocate(4L * heads * n);
            windowProbs.fill((byte) 0x55);   // garbage that must be overwritten
            for (int r0 = 0; r0 < n; r0 += chunk) {
                int m = Math.min(chunk, n - r0);
                att.run(qRows, 4L * r0 * qStride, 4L * qStride, r0, m, n, kv, out.asSlice(4L * r0 * heads * hd), 4L * heads * hd,
                        windowProbs, window, columnSums);
            }
            double[][] sums = new double[heads][n];
            for (int h = 0; h < heads; h++) {
                int g = h / (heads / kvHeads);
                for (int t = 0; t < n; t++) {
                    double[] p = new double[t + 1];
                    double max = Double.NEGATIVE_INFINITY, total = 0;
                    for (int j = 0; j <= t; j++) {
                        double s = 0;
                        for (int d = 0; d < hd; d++) s += (double) q[t][h][d] * k[g][j][d];
                        p[j] = s / Math.sqrt(hd);
                        max = Math.max(max, p[j]);
                    }
                    for (int j = 0; j <= t; j++) total += p[j] = Math.exp(p[j] - max);
                    for (int j = 0; j <= t; j++) {
                        p[j] /= total;
                        sums[h][j] += p[j];
                    }
                    for (int d = 0; d < hd; d++) {
                        double o = 0;
                        for (int j = 0; j <= t; j++) o += p[j] * v[g][j][d];
                        assertEquals(o, out.getAtIndex(JAVA_FLOAT, ((long) t * heads + h) * hd + d), 2e-5, "output row " + t + " head " + h + " dim " + d);
                    }
                    if (t >= n - w) {
                        long base = ((long) h * w + (t - (n - w))) * n;
                        for (int j = 0; j < n; j++) {
                            float got = windowProbs.getAtIndex(JAVA_FLOAT, base + j);
                            if (j <= t) assertEquals(p[j], got, 1e-5, "window row " + t + " head " + h + " key " + j);
                            else assertEquals(0f, got, "window row " + t + " head " + h + " key " + j + " is right of the diagonal");
                        }
                    }
                }
                for (int j = 0; j < n; j++) {
                    assertEquals(sums[h][j], columnSums.getAtIndex(JAVA_FLOAT, (long) h * n + j), 1e-5 * (1 + sums[h][j]), "column sum head " + h + " key " + j);
                }
            }
        }
    }

    @Test
    void rejectsRowsOffTheBlockGridAndTooSmallStaging() {
        try (Arena arena = Arena.ofConfined(); PrefillAttention att = new PrefillAttention(dnnl, arena, 4, 2, 16, 128, 64)) {
            MemorySegment q = arena.allocate(4L * 128 * 64), out = arena.allocate(4L * 128 * 64);
            StagingBuffer ok = StagingBuffer.allocate(arena, 2, 128, 16);
            var e = assertThrows(IllegalArgumentException.class, () -> att.run(q, 0, 256, 10, 5, 100, ok, out, 256, null, 8, null));
            assertTrue(e.getMessage().contains("multiple of 64"), e.getMessage());
            var e2 = assertThrows(IllegalArgumentException.class, () -> att.run(q, 0, 256, 0, 100, 100, StagingBuffer.allocate(arena, 2, 100, 16), out, 256, null, 8, null));
            assertTrue(e2.getMessage().contains("staging [2][100][16]") && e2.getMessage().contains("[2][128][16]"), e2.getMessage());
            var e3 = assertThrows(IllegalArgumentException.class, () -> att.run(q, 0, 256, 0, 64, 129, ok, out, 256, null, 8, null));
            assertTrue(e3.getMessage().contains("limit 128"), e3.getMessage());
        }
    }
}
