package dev.pyramidkv.engine.model;

import org.junit.jupiter.api.Tag;
import dev.pyramidkv.cache.KvCache;
import dev.pyramidkv.cache.KvShape;
import dev.pyramidkv.cache.PolicyConfig;
import dev.pyramidkv.dnnl.DnnlEngine;
import dev.pyramidkv.engine.api.Engine;
import dev.pyramidkv.engine.kernels.WorkerPool;
import dev.pyramidkv.engine.model.Float64Llama.Activations;
import dev.pyramidkv.engine.model.Float64ReferenceTest.Diff;
import dev.pyramidkv.engine.testing.OnednnBf16;
import dev.pyramidkv.engine.testing.TestModels;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static dev.pyramidkv.engine.model.Float64ReferenceTest.compare;
import static dev.pyramidkv.engine.model.Float64ReferenceTest.tokens;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The oneDNN prefill's logits against real-number math ({@link Float64Llama}, activations exact), beside the
 * Java path's (llama.cpp's numerics: Q8 activations). The oneDNN path rounds weights and activations to bf16.
 */
@Tag("download")
class DnnlPrefillTest {

    @BeforeAll
    static void needsBf16Gemms() {
        OnednnBf16.assume();
    }

    /**
     * SmolLM2 Q4_1: bf16 activations lose about what Q8 activations lose. Measured (3 prompts): oneDNN max|Δlogit|
     * 0.38–0.60, median 0.06–0.13; Java 0.64–0.69, median 0.10–0.18. Bound: no more than 1.25 × the Java path's
     * error on the same prompt (a wrong GQA mapping gives errors over 10).
     */
    @Test
    void smolLM2IsAsCloseToRealNumberMathAsLlamaCppsNumerics() throws Exception {
        try (Engine engine = Engine.load(TestModels.smollm2())) {
            for (String prompt : Float64ReferenceTest.SMOLLM2) {
                int[] tokens = tokens(engine, prompt);
                Diff dnnl = compare("SmolLM2 oneDNN prefill", engine.model(), tokens, dnnlLogits(engine, tokens), Activations.EXACT);
                Diff java = compare("SmolLM2 Java prefill", engine.model(), tokens, Float64ReferenceTest.engineLogits(engine.model(), tokens), Activations.EXACT);
                assertTrue(dnnl.max() <= 1.25 * java.max(), dnnl + " vs Java's " + java);
                assertTrue(dnnl.sameTop(), dnnl.toString());
            }
        }
    }

    /**
     * stories260K has F32 weights, which the Java path multiplies in f32 (error ~4e-6) and the oneDNN path rounds
     * to bf16: measured max|Δlogit| 0.03–0.09 on logits up to 18. Bound 0.2.
     */
    @Test
    void stories260KWithinBf16Rounding() throws Exception {
        try (Engine engine = Engine.load(TestModels.stories260K())) {
            for (String prompt : Float64ReferenceTest.STORIES) {
                int[] tokens = tokens(engine, prompt);
                Diff dnnl = compare("stories260K oneDNN prefill", engine.model(), tokens, dnnlLogits(engine, tokens), Activations.EXACT);
                assertTrue(dnnl.max() <= 0.2, dnnl.toString());
                assertTrue(dnnl.sameTop(), dnnl.toString());
            }
        }
    }

    /**
     * Qwen2.5-Coder-0.5B (qwen2: Q/K/V biases, NEOX RoPE, GQA 14/2 with head size 64; Q4_K, Q6_K, Q5_0, Q8_0
     * weights): the oneDNN prefill against real-number math beside the Java path's Q8_K/Q8_0 activations.
     * Measured (3 prompts): oneDNN max|Δlogit| 0.13–0.18, median 0.015–0.024; Java 0.29–0.46, median 0.04–0.07.
     * Same bound as SmolLM2's: no more than 1.25 × the Java path's error.
     */
    @Test
    void qwen25Coder05bIsAsCloseToRealNumberMathAsLlamaCppsNumerics() throws Exception {
        try (Engine engine = Engine.load(TestModels.qwen25Coder05b())) {
            for (String prompt : Float64ReferenceTest.QWEN) {
                int[] tokens = tokens(engine, prompt);
                double[] exact = new Float64Llama(engine.model(), Activations.EXACT).logits(tokens);   // once: it is the slow part
                Diff dnnl = Diff.of(dnnlLogits(engine, tokens), exact);
                Diff java = Diff.of(Float64ReferenceTest.engineLogits(engine.model(), tokens), exact);
                System.out.println("Qwen2.5-Coder-0.5B, " + tokens.length + " tokens: oneDNN " + dnnl + "; Java " + java);
                assertTrue(dnnl.max() <= 1.25 * java.max(), dnnl + " vs Java's " + java);
                assertTrue(dnnl.sameTop(), dnnl.toString());
            }
        }
    }

    static double[] dnnlLogits(Engine engine, int[] tokens) {
        Llama model = engine.model();
        LlamaConfig c = model.config;
        try (Arena arena = Arena.ofShared(); WorkerPool pool = new WorkerPool(2); DnnlEngine dnnl = DnnlEngine.create()) {
            KvCache cache = KvCache.allocate(arena, new KvShape(c.layers(), c.heads(), c.kvHeads(), c.headDim()),
                    PolicyConfig.builder("full").build(), tokens.length, 0);
            Transformer t = new Transformer(model, arena, pool, cache, tokens.length, dnnl, engine.prefillWeights());
            t.forward(tokens, 0, tokens.length);
            MemorySegment l = t.logits();
            double[] out = new double[c.vocab()];
            for (int i = 0; i < out.length; i++) out[i] = l.getAtIndex(ValueLayout.JAVA_FLOAT, i);
            return out;
        }
    }
}
