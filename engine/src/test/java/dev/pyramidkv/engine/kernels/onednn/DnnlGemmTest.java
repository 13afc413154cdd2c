package dev.pyramidkv.engine.kernels.onednn;

import org.junit.jupiter.api.Tag;
import dev.pyramidkv.dnnl.DnnlEngine;
import dev.pyramidkv.dnnl.Matmul;
import dev.pyramidkv.dnnl.MatmulSpec;
import dev.pyramidkv.dnnl.WeightsLayout;
import dev.pyramidkv.engine.api.Engine;
import dev.pyramidkv.engine.gguf.GgufTensor;
import dev.pyramidkv.engine.model.LlamaWeights;
import dev.pyramidkv.engine.testing.OnednnBf16;
import dev.pyramidkv.engine.testing.TestModels;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Random;
import java.util.function.BiConsumer;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;
import static org.junit.jupiter.api.Assertions.*;

/** Real oneDNN GEMMs on SmolLM2's real layer weights against a double-precision product of the same bf16 values. */
@Tag("download")
class DnnlGemmTest {
    static Engine smol;
    static DnnlEngine dnnl;

    @BeforeAll
    static void open() throws Exception {
        OnednnBf16.assume();
        smol = Engine.load(TestModels.smollm2());
        dnnl = DnnlEngine.create();
    }

    @AfterAll
    static void close() {
        if (dnnl != null) dnnl.close();
        if (smol != null) smol.close();
    }

    /** [wq; wk; wv] packed: a full chunk and a short last chunk (its own primitive) both equal the reference. */
    @Test
    void packedStackedWeightsMatchTheReferenceForAnyRowCount() {
        LlamaWeights.Layer w = smol.model().weights.layers[5];
        try (Arena arena = Arena.ofConfined(); DnnlGemm gemm = new DnnlGemm(dnnl)) {
            Bf16Matrix qkv = Bf16Matrix.pack(dnnl, arena, 256, w.wq(), w.wk(), w.wv());
            assertEquals(576, qkv.k());
            assertEquals(576 + 192 + 192, qkv.n());
            for (int m : new int[]{256, 37, 1}) check(gemm, qkv, m, arena, w.wq(), w.wk(), w.wv());
            assertEquals(3, gemm.primitives());
            System.out.println("oneDNN asked for " + qkv.layouts() + " weights layout(s) for 256, 37 and 1 rows");
        }
    }

    /**
     * A matmul that wants the weights in a layout they were not packed in (on AMX oneDNN picks another blocking for
     * some row counts; here, simply a plain [k][n] matmul) gets a copy in its layout, made once and then reused.
     */
    @Test
    void aMatmulWantingAnotherLayoutGetsItsOwnCopy() {
        LlamaWeights.Layer w = smol.model().weights.layers[3];
        try (Arena arena = Arena.ofConfined();
             Matmul kn = Matmul.create(dnnl, MatmulSpec.bf16(5, 576, 576, WeightsLayout.KN))) {
            Bf16Matrix wo = Bf16Matrix.pack(dnnl, arena, 256, w.wo());
            assertEquals(1, wo.layouts());
            long packedBytes = wo.byteSize();
            MemorySegment data = wo.data(kn);
            assertEquals(2, wo.layouts());
            assertEquals(packedBytes + 2L * 576 * 576, wo.byteSize());
            assertSame(data, wo.data(kn));
            check(wo, 5, arena, (src, out) -> kn.execute(src, wo.data(kn), out), w.wo());
            assertEquals(2, wo.layouts());
        }
    }

    /** The per-layer strategy: plain [n][k] rows refilled from the GGUF blocks, NK matmul; w_down has k = 1536. */
    @Test
    void plainRefilledWeightsMatchTheReference() {
        try (Arena arena = Arena.ofConfined(); DnnlGemm gemm = new DnnlGemm(dnnl)) {
            Bf16Matrix down = Bf16Matrix.plain(arena, 1536, 576);
            MemorySegment scratch = Bf16.scratch(arena, 1536);
            for (int l : new int[]{0, 29}) {
                GgufTensor wd = smol.model().weights.layers[l].wDown();
                down.dequantize(scratch, wd);
                check(gemm, down, 64, arena, wd);
            }
        }
    }

    @Test
    void mismatchedWeightsAreRejectedWithTheirShapes() {
        LlamaWeights.Layer w = smol.model().weights.layers[0];
        try (Arena arena = Arena.ofConfined()) {
            Bf16Matrix plain = Bf16Matrix.plain(arena, 576, 576);
            var e = assertThrows(IllegalArgumentException.class, () -> plain.dequantize(Bf16.scratch(arena, 1536), w.wGate()));
            assertTrue(e.getMessage().contains("[1536][576]") && e.getMessage().contains("[576][576]"), e.getMessage());
            var e2 = assertThrows(IllegalArgumentException.class, () -> Bf16Matrix.pack(dnnl, arena, 64, w.wq(), w.wDown()));
            assertTrue(e2.getMessage().contains("blk.0.ffn_down.weight") && e2.getMessage().contains("1536"), e2.getMessage());
            Bf16Matrix packed = Bf16Matrix.pack(dnnl, arena, 64, w.wo());
            var e3 = assertThrows(IllegalStateException.class, () -> packed.dequantize(Bf16.scratch(arena, 576), w.wo()));
            assertTrue(e3.getMessage().contains("packed"), e3.getMessage());
        }
    }

    @Test
    void tooSmallBuffersFailBeforeRunning() {
        LlamaWeights.Layer w = smol.model().weights.layers[0];
        try (Arena arena = Arena.ofConfined(); DnnlGemm gemm = new DnnlGemm(dnnl)) {
            Bf16Matrix wo = Bf16Matrix.pack(dnnl, arena, 64, w.wo());
            MemorySegment src = arena.allocate(2L * 8 * 576), out = arena.allocate(4L * 8 * 576);
            var e = assertThrows(IllegalArgumentException.class, () -> gemm.run(src, 9, wo, out));
            assertTrue(e.getMessage().contains("src"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> gemm.run(src, 0, wo, out));
        }
    }

    /**
     * Random bf16 activations (N(0,1)) times the matrix; reference: the same bf16 values multiplied in double.
     * oneDNN sums k products in f32: allowed error 2⁻¹⁸·Σ|xᵢwᵢ| per output (k ≤ 1536 roundings of 2⁻²⁴, with margin).
     */
    private static void check(DnnlGemm gemm, Bf16Matrix w, int m, Arena arena, GgufTensor... parts) {
        check(w, m, arena, (src, out) -> gemm.run(src, m, w, out), parts);
    }

    private static void check(Bf16Matrix w, int m, Arena arena, BiConsumer<MemorySegment, MemorySegment> product, GgufTensor... parts) {
        int k = w.k(), n = w.n();
        MemorySegment src = arena.allocate(2L * m * k, 64), out = arena.allocate(4L * m * n, 64);
        Random rnd = new Random(m * 31L + n);
        for (long i = 0; i < (long) m * k; i++) src.setAtIndex(JAVA_SHORT, i, Bf16.bits((float) rnd.nextGaussian()));
        product.accept(src, out);
        MemorySegment rows = arena.allocate(2L * n * k, 64);
        long row = 0;
        for (GgufTensor t : parts) {
            Bf16.dequantRows(t, 0, t.rows(), rows, 2L * k * row, Bf16.scratch(arena, k));
            row += t.rows();
        }
        for (int r = 0; r < m; r++) {
            for (int j = 0; j < n; j++) {
                double sum = 0, abs = 0;
                for (int i = 0; i < k; i++) {
                    double p = (double) bf16(src, (long) r * k + i) * bf16(rows, (long) j * k + i);
                    sum += p;
                    abs += Math.abs(p);
                }
                float got = out.getAtIndex(JAVA_FLOAT, (long) r * n + j);
                assertEquals(sum, got, abs * 0x1p-18 + 1e-30, "row " + r + " of " + m + ", output " + j);
            }
        }
    }

    private static float bf16(MemorySegment s, long i) {
        return Float.intBitsToFloat(s.getAtIndex(JAVA_SHORT, i) << 16);
    }
}
