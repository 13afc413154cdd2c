package dev.pyramidkv.engine.model;

import dev.pyramidkv.cache.KvCache;
import dev.pyramidkv.cache.KvShape;
import dev.pyramidkv.cache.PolicyConfig;
import dev.pyramidkv.engine.api.Engine;
import dev.pyramidkv.engine.kernels.WorkerPool;
import dev.pyramidkv.engine.testing.TestModels;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The same forward pass gives bit-identical logits whatever the JIT has compiled. A child JVM limited to
 * C1 ({@code -XX:TieredStopAtLevel=1}) runs every Vector API operation through its Java fallback; this JVM
 * runs the same tokens after warming up (10 prompts, 200 decode steps), with C2's intrinsics. Any reduction whose order depends on
 * the code path (as {@code FloatVector.reduceLanes(ADD)} does) shows up as differing bits.
 */
class JitIndependenceTest {
    static final String PROMPT = "The capital of France is";
    static final int[] NEXT = {2473, 314};   // two decode steps after the prompt

    @Test
    void smollm2LogitsAreTheSameInterpretedAndCompiled() throws Exception {
        Path model = TestModels.smollm2();
        Path out = Files.createTempFile("pkv-logits", ".bin");
        try {
            List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-XX:TieredStopAtLevel=1", "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
                    "-cp", System.getProperty("java.class.path"), Logits.class.getName(), model.toString(), out.toString()));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            assertTrue(p.waitFor(300, TimeUnit.SECONDS), "the C1-only child did not finish in 5 minutes");
            assertEquals(0, p.exitValue(), "child exit status");
            float[] cold = floats(Files.readAllBytes(out));

            float[] warm;
            try (Engine engine = Engine.load(model)) {
                Transformer t = Logits.transformer(engine, Arena.ofAuto(), new WorkerPool(2));
                for (int i = 0; i < 10; i++) Logits.run(engine, t);   // warm up prefill,
                for (int i = 0; i < 200; i++) t.forward(NEXT[i % 2]);  // and decode: C2 compiles the kernels
                warm = Logits.run(engine, t);
            }
            int differing = 0, first = -1;
            for (int i = 0; i < cold.length; i++) {
                if (Float.floatToRawIntBits(cold[i]) != Float.floatToRawIntBits(warm[i])) {
                    differing++;
                    if (first < 0) first = i;
                }
            }
            assertEquals(warm.length, cold.length);
            assertEquals(0, differing, differing + " logits differ, the first at token " + first + ": " + (first < 0 ? "" : cold[first] + " cold, " + warm[first] + " warm"));
        } finally {
            Files.deleteIfExists(out);
        }
    }

    private static float[] floats(byte[] b) {
        float[] f = new float[b.length / 4];
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(f);
        return f;
    }

    /** Run in the child JVM: the prompt, two decode steps, the last logits written to a file as f32 LE. */
    public static final class Logits {
        public static void main(String[] args) throws IOException {
            try (Engine engine = Engine.load(Path.of(args[0])); WorkerPool pool = new WorkerPool(2)) {
                float[] logits = run(engine, transformer(engine, Arena.ofAuto(), pool));
                ByteBuffer b = ByteBuffer.allocate(4 * logits.length).order(ByteOrder.LITTLE_ENDIAN);
                b.asFloatBuffer().put(logits);
                Files.write(Path.of(args[1]), b.array());
            }
        }

        static Transformer transformer(Engine engine, Arena arena, WorkerPool pool) {
            LlamaConfig c = engine.config();
            KvCache cache = KvCache.allocate(arena, new KvShape(c.layers(), c.heads(), c.kvHeads(), c.headDim()),
                    PolicyConfig.builder("full").build(), 256, 0);
            return new Transformer(engine.model(), arena, pool, cache, 256);
        }

        static float[] run(Engine engine, Transformer t) {
            t.cache().clear();
            int[] prompt = engine.tokenizer().encode(PROMPT, engine.tokenizer().addsBos(), true);
            t.forward(prompt, 0, prompt.length);
            for (int token : NEXT) t.forward(token);
            float[] l = new float[engine.config().vocab()];
            for (int i = 0; i < l.length; i++) l[i] = t.logits().getAtIndex(java.lang.foreign.ValueLayout.JAVA_FLOAT, i);
            return Arrays.copyOf(l, l.length);
        }
    }
}
