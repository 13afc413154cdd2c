package dev.pyramidkv.engine.api;

import org.junit.jupiter.api.Tag;
import dev.pyramidkv.engine.peer.LlamaCpp;
import dev.pyramidkv.engine.testing.OnednnBf16;
import dev.pyramidkv.engine.testing.TestModels;
import dev.pyramidkv.dnnl.Dnnl;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static org.junit.jupiter.api.Assertions.*;

/**
 * The oneDNN backend (bf16 prefill) against llama.cpp (exact logits through its C API), greedy. Our logits
 * cannot equal llama.cpp's (bf16 activations instead of Q8), so greedy decoding may part ways where llama.cpp's
 * top two tokens are nearly tied: the test passes if our greedy tokens equal llama.cpp's for all steps, or if
 * at the first step where they differ llama.cpp's top-2 gap is below a bound. A wiring error (a head off, a
 * wrong norm) diverges at once, at a wide gap.
 * <p>
 * The bounds come from how far bf16 activations move the margin between llama.cpp's top two tokens, measured
 * over 12 prompts × 64 steps: SmolLM2 at most 0.58 where the margin was below 1 (its Q8 reference itself moves
 * logits by up to 1.1 when activations move by one f32 ulp, see Float64ReferenceTest); every prompt diverged,
 * at gaps 0.009–0.21. stories260K (F32 weights): at most 0.10; 11 of 12 prompts agreed for 64 steps, one
 * diverged at a gap of 0.078. A flip needs a margin move larger than the gap, hence bounds of 0.75 and 0.25.
 */
@Tag("download")
@Tag("llamacpp")
class OnednnBackendTest {
    static final double SMOLLM2_BOUND = 0.75;
    static final double STORIES_BOUND = 0.25;
    static final String[] STORIES_PROMPTS = {"Once upon a time", "The little dog", "Lily wanted to", "One day, a boy named Tim"};
    /** Over 256 tokens: a full prefill chunk and a short last one, whose matmuls may want different weight layouts. */
    static final String LONG_PROMPT = "The quick brown fox jumps over the lazy dog near the river bank. ".repeat(24) + "Then the fox";

    @Test
    void smolLM2GreedyFollowsLlamaCppUntilANearTie() throws Exception {
        OnednnBf16.assume();   // without bf16 GEMMs this is the Java backend, whose logits LlamaCppParityTest checks exactly
        follow(TestModels.smollm2(), 32, SMOLLM2_BOUND, "The capital of France is", "def fibonacci(n):",
                "<|im_start|>user\nWrite a short poem about the sea.<|im_end|>\n<|im_start|>assistant\n");
    }

    @Test
    void stories260KGreedyFollowsLlamaCppUntilANearTie() throws Exception {
        follow(TestModels.stories260K(), 64, STORIES_BOUND, STORIES_PROMPTS);
    }

    /**
     * The same greedy check in a child JVM per instruction set oneDNN may dispatch to ({@code ONEDNN_MAX_CPU_ISA};
     * empty: the machine's best, AMX where present). A cap above what the CPU has is the CPU's best, so every case
     * runs everywhere. Where oneDNN has no bf16 matmul (AVX2), the session falls back to the Java backend.
     */
    @ParameterizedTest(name = "ONEDNN_MAX_CPU_ISA={0}")
    @ValueSource(strings = {"AVX2", "AVX512_CORE", "AVX512_CORE_BF16", "AVX512_CORE_AMX", ""})
    void greedyTokensAreTheSameWhateverIsaOneDnnDispatchesTo(String isa) throws Exception {
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "--add-modules", "jdk.incubator.vector", "-Xss8m",
                "-cp", System.getProperty("java.class.path"), UnderIsa.class.getName());
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().remove("ONEDNN_MAX_CPU_ISA");
        pb.environment().remove("DNNL_MAX_CPU_ISA");
        if (!isa.isEmpty()) pb.environment().put("ONEDNN_MAX_CPU_ISA", isa);
        Path log = Files.createTempFile("pkv-isa", ".log");
        try {
            Process p = pb.redirectErrorStream(true).redirectOutput(log.toFile()).start();
            boolean done = p.waitFor(600, TimeUnit.SECONDS);
            if (!done) p.destroyForcibly();
            String out = Files.readString(log);
            System.out.print("ONEDNN_MAX_CPU_ISA=" + isa + ":\n" + out);
            assertTrue(done, "timed out: " + out);
            assertEquals(0, p.exitValue(), out);
            assertTrue(out.contains("stories260K.gguf") && (out.contains("SmolLM2") || out.contains("bf16 GEMMs: no")), out);
        } finally {
            Files.deleteIfExists(log);
        }
    }

    /**
     * Runs {@link #follow} on stories260K, and on SmolLM2 with the long prompt where the bf16 GEMMs run (without
     * them the session is the Java backend, which LlamaCppParityTest covers); exits 1 on a failed check.
     */
    public static final class UnderIsa {
        public static void main(String[] args) throws Exception {
            String bf16 = Dnnl.bf16Unsupported();
            System.out.println("oneDNN dispatches to " + Dnnl.cpuIsaName(Dnnl.effectiveCpuIsa()) + "; bf16 GEMMs: "
                    + (bf16.isEmpty() ? "yes" : "no, " + bf16));
            try {
                follow(TestModels.stories260K(), 64, STORIES_BOUND, STORIES_PROMPTS);
                if (bf16.isEmpty()) follow(TestModels.smollm2(), 16, SMOLLM2_BOUND, LONG_PROMPT, "The capital of France is");
            } catch (AssertionError e) {
                System.out.println("FAILED: " + e.getMessage());
                System.exit(1);
            }
            System.exit(0);
        }
    }

    private static void follow(Path gguf, int steps, double bound, String... prompts) throws Exception {
        try (LlamaCpp peer = LlamaCpp.open(gguf, 2, 1024); Engine engine = Engine.load(gguf);
             Session ours = engine.newSession(SessionConfig.defaults().withThreads(2).withContextLength(1024).withBackend(Backend.ONEDNN))) {
            // Where oneDNN has no bf16 matmul (an AVX2 CPU) the session runs on Java, which must follow too.
            assertEquals(Dnnl.bf16Unsupported().isEmpty() ? Backend.ONEDNN : Backend.JAVA, ours.backend());
            for (String prompt : prompts) {
                int[] tokens = peer.tokenize(prompt, true);
                peer.reset();
                peer.decode(tokens, 0, tokens.length);
                ours.reset();
                ours.transformer().forward(tokens, 0, tokens.length);
                int[] next = new int[1];
                int agreed = 0;
                String end = "";
                for (int step = 0; step < steps; step++) {
                    MemorySegment ref = peer.logits(), got = ours.transformer().logits();
                    int[] top = top2(ref, peer.vocab);
                    int mine = top2(got, peer.vocab)[0];
                    if (mine != top[0]) {
                        // how much llama.cpp prefers its token to ours: its top-2 gap when ours is its second
                        double refGap = ref.getAtIndex(JAVA_FLOAT, top[0]) - ref.getAtIndex(JAVA_FLOAT, mine);
                        assertTrue(refGap <= bound, "'" + prompt + "' step " + step + ": we pick token " + mine + ", llama.cpp " + top[0]
                                + ", which it prefers by " + refGap + " (more than a near-tie, " + bound + ")");
                        end = String.format(" (then a near-tie: llama.cpp's gap %.4f)", refGap);
                        break;
                    }
                    agreed++;
                    next[0] = top[0];
                    peer.decode(next, 0, 1);
                    ours.transformer().forward(next, 0, 1);
                }
                System.out.printf("%s, %s backend: '%s' follows llama.cpp's greedy tokens for %d of %d steps%s%n",
                        gguf.getFileName(), ours.backend().label(), prompt.replace("\n", "\\n"), agreed, steps, end);
            }
        }
    }

    /** The indices of the largest and second-largest of {@code vocab} logits. */
    static int[] top2(MemorySegment logits, int vocab) {
        int a = 0, b = 1;
        if (logits.getAtIndex(JAVA_FLOAT, 1) > logits.getAtIndex(JAVA_FLOAT, 0)) { a = 1; b = 0; }
        for (int i = 2; i < vocab; i++) {
            float v = logits.getAtIndex(JAVA_FLOAT, i);
            if (v > logits.getAtIndex(JAVA_FLOAT, a)) { b = a; a = i; }
            else if (v > logits.getAtIndex(JAVA_FLOAT, b)) b = i;
        }
        return new int[]{a, b};
    }

    /**
     * No libdnnl (PYRAMIDKV_DNNL names a missing file): a session asking for oneDNN runs on Java, and the
     * process warns once, naming why, however many sessions it opens. A separate JVM: the library is loaded
     * (or not) once per process.
     */
    @Test
    void withoutLibdnnlSessionsFallBackToJavaWithOneWarning() throws Exception {
        Path model = TestModels.stories260K();
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "--add-modules", "jdk.incubator.vector",
                "-cp", System.getProperty("java.class.path"), TwoSessions.class.getName(), model.toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().put("PYRAMIDKV_DNNL", "/nonexistent/libdnnl.so.2");
        Path err = Files.createTempFile("pkv-fallback", ".err");
        try {
            Process p = pb.redirectError(err.toFile()).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(120, TimeUnit.SECONDS), "timed out");
            String stderr = Files.readString(err);
            assertEquals(0, p.exitValue(), out + stderr);
            assertEquals("java java\n", out.substring(out.indexOf('\n') + 1), out);
            assertEquals(1, stderr.split("oneDNN is not available", -1).length - 1, stderr);
            assertTrue(stderr.contains("/nonexistent/libdnnl.so.2"), stderr);
        } finally {
            Files.deleteIfExists(err);
        }
    }

    /** Opens two oneDNN sessions and prints a line of generated text, then their backends. */
    public static final class TwoSessions {
        public static void main(String[] args) throws Exception {
            try (Engine engine = Engine.load(Path.of(args[0]));
                 Session a = engine.newSession(SessionConfig.defaults().withThreads(1).withContextLength(128));
                 Session b = engine.newSession(SessionConfig.defaults().withThreads(1).withContextLength(128))) {
                System.out.println(a.generate("Once upon a time", GenerationParams.greedy().withMaxTokens(8), null).text().replace('\n', ' '));
                System.out.println(a.backend().label() + " " + b.backend().label());
            }
        }
    }
}
