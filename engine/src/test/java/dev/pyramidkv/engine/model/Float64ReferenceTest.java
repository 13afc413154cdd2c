package dev.pyramidkv.engine.model;

import org.junit.jupiter.api.Tag;
import dev.pyramidkv.cache.KvCache;
import dev.pyramidkv.cache.KvShape;
import dev.pyramidkv.cache.PolicyConfig;
import dev.pyramidkv.engine.api.Engine;
import dev.pyramidkv.engine.gguf.GgufFile;
import dev.pyramidkv.engine.kernels.WorkerPool;
import dev.pyramidkv.engine.model.Float64Llama.Activations;
import dev.pyramidkv.engine.testing.TestModels;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** First-step logits of the engine against {@link Float64Llama}, the same forward pass in plain double. */
@Tag("download")
class Float64ReferenceTest {
    static final String[] STORIES = {
            "Once upon a time",
            "Sam had a red ball.",
            "Lily and Tom went to the park. They saw a big dog. The dog was brown and it wanted to play with a red ball that Tom had in his hand."};
    static final String[] SMOLLM2 = {
            "The capital of France is",
            "def fibonacci(n):\n    if n < 2:\n        return n\n",
            "Photosynthesis is the process by which green plants use sunlight, water and carbon dioxide to make glucose and oxygen. It happens in the"};
    static final String[] QWEN = {
            "<|im_start|>user\nWhat is the capital of France?<|im_end|>\n<|im_start|>assistant\n",
            "def fibonacci(n):\n    if n < 2:\n        return n\n",
            "import java.util.List;\n\n/** Sums a list of integers. */\npublic final class Sum {\n    public static int sum(List<Integer> xs) {\n"};

    /**
     * F32 weights: the engine's math is the reference's, rounded to f32. Measured ≤ 6e-6 (about 3 ulps of
     * the largest logit); an RMSNorm epsilon ×10 shows as 3.7e-3, a wrong GQA mapping as 10.7.
     */
    @Test
    void stories260KMatchesRealNumberMath() throws Exception {
        try (Engine engine = Engine.load(TestModels.stories260K())) {
            for (String prompt : STORIES) {
                int[] tokens = tokens(engine, prompt);
                Diff d = compare("stories260K engine", engine.model(), tokens, engineLogits(engine.model(), tokens), Activations.EXACT);
                assertTrue(d.max <= f32Bound(d.maxAbsLogit), d + " exceeds " + f32Bound(d.maxAbsLogit));
            }
        }
    }

    /**
     * SmolLM2 with its weights dequantized to F32: the real 30-layer network (GQA 9/3, RoPE base 1e5,
     * tied output, FFN activations in the thousands) without the int8 activation rounding, so the
     * f32-vs-double bound applies. Measured ≤ 2e-5 (about 10 ulps); RMSNorm epsilon ×10 gives 0.13, RoPE
     * base 1e4 gives 0.79.
     */
    @Test
    void smolLM2DequantizedToF32MatchesRealNumberMath() throws Exception {
        try (Engine engine = Engine.load(TestModels.smollm2()); Arena arena = Arena.ofShared()) {
            Llama f32 = new Llama(GgufFile.parse(F32Copy.of(engine.file(), arena)), arena);
            for (String prompt : new String[]{SMOLLM2[0], SMOLLM2[1]}) {
                int[] tokens = tokens(engine, prompt);
                Diff d = compare("SmolLM2-as-F32 engine", f32, tokens, engineLogits(f32, tokens), Activations.EXACT);
                assertTrue(d.max <= f32Bound(d.maxAbsLogit), d + " exceeds " + f32Bound(d.maxAbsLogit));
            }
        }
    }

    /**
     * SmolLM2 Q4_1 against the reference that quantizes activations as llama.cpp does. The two cannot agree
     * to f32 precision: an activation within an f32 rounding of a half-quantum rounds to the other int8 in
     * one of them, that changes its layer's output by ~1e-4 relative, which flips more quanta in the next
     * layers, and after 30 layers the logits differ as much as two independent quantizations. The
     * reference shows it on itself: moving every activation one f32 ulp before quantizing
     * ({@link Activations#Q8_ONE_ULP_UP}) moves its logits by up to 0.85–1.12, as much as the engine's logits
     * once moved between its first call in a JVM and later ones, when f32 lane sums used reduceLanes, whose
     * order differs before and after C2 compiles it (now fixed orders; JitIndependenceTest). Hence a bound of 2: it catches wiring errors (a wrong GQA mapping gives 24)
     * but not subtle ones (RMSNorm epsilon ×10: 1.26), which the F32 test above catches.
     */
    @Test
    void smolLM2MatchesLlamaCppActivationQuantizationWithinItsChaosFloor() throws Exception {
        try (Engine engine = Engine.load(TestModels.smollm2())) {
            for (String prompt : SMOLLM2) {
                int[] tokens = tokens(engine, prompt);
                double[] ours = engineLogits(engine.model(), tokens);
                Diff d = compare("SmolLM2 Q4_1 engine", engine.model(), tokens, ours, Activations.Q8_AS_LLAMA_CPP);
                assertTrue(d.max <= Q8_BOUND, d + " exceeds " + Q8_BOUND);
            }
        }
    }

    /** 64 f32 ulps of the largest |logit|: several times the few ulps f32 accumulation leaves after the layers. */
    static double f32Bound(double maxAbsLogit) {
        return 64 * Math.ulp((float) maxAbsLogit);
    }

    static final double Q8_BOUND = 2.0;

    /** Runs the reference in {@code mode} and returns its difference to {@code logits} (of {@code what}). */
    static Diff compare(String what, Llama llama, int[] tokens, double[] logits, Activations mode) {
        return Diff.of(logits, new Float64Llama(llama, mode).logits(tokens));
    }

    static int[] tokens(Engine engine, String prompt) {
        return engine.tokenizer().encode(prompt, engine.tokenizer().addsBos(), true);
    }

    /** The engine's logits after a prompt, from a fresh full cache (what a session runs). */
    static double[] engineLogits(Llama model, int[] tokens) {
        LlamaConfig c = model.config;
        try (Arena arena = Arena.ofShared(); WorkerPool pool = new WorkerPool(2)) {
            KvCache cache = KvCache.allocate(arena, new KvShape(c.layers(), c.heads(), c.kvHeads(), c.headDim()),
                    PolicyConfig.builder("full").build(), tokens.length, 0);
            Transformer t = new Transformer(model, arena, pool, cache, tokens.length);
            t.forward(tokens, 0, tokens.length);
            MemorySegment l = t.logits();
            double[] out = new double[c.vocab()];
            for (int i = 0; i < out.length; i++) out[i] = l.getAtIndex(ValueLayout.JAVA_FLOAT, i);
            return out;
        }
    }

    /** |a − b| over the vocabulary, and the same for softmax probabilities. */
    record Diff(double max, int argMax, double median, double p99, double maxProb, double maxAbsLogit, boolean sameTop) {
        static Diff of(double[] a, double[] b) {
            double[] d = new double[a.length];
            double[] pa = softmax(a), pb = softmax(b);
            int arg = 0;
            double maxProb = 0, maxAbs = 0;
            for (int i = 0; i < a.length; i++) {
                d[i] = Math.abs(a[i] - b[i]);
                if (d[i] > d[arg]) arg = i;
                maxProb = Math.max(maxProb, Math.abs(pa[i] - pb[i]));
                maxAbs = Math.max(maxAbs, Math.abs(b[i]));
            }
            double[] sorted = d.clone();
            Arrays.sort(sorted);
            return new Diff(d[arg], arg, sorted[d.length / 2], sorted[(int) (d.length * 0.99)], maxProb, maxAbs, top(a) == top(b));
        }

        @Override
        public String toString() {
            return String.format("max|Δlogit| %.3g at token %d (median %.3g, p99 %.3g; max|logit| %.1f), max|Δp| %.2g, same top-1 %b",
                    max, argMax, median, p99, maxAbsLogit, maxProb, sameTop);
        }
    }

    static double[] softmax(double[] x) {
        double max = Arrays.stream(x).max().orElseThrow(), sum = 0;
        double[] p = new double[x.length];
        for (int i = 0; i < x.length; i++) sum += p[i] = Math.exp(x[i] - max);
        for (int i = 0; i < x.length; i++) p[i] /= sum;
        return p;
    }

    static int top(double[] v) {
        int b = 0;
        for (int i = 1; i < v.length; i++) if (v[i] > v[b]) b = i;
        return b;
    }
}
