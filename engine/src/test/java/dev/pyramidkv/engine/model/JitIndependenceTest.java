package dev.pyramidkv.engine.model;

import org.junit.jupiter.api.Tag;
import dev.pyramidkv.cache.KvCache;
import dev.pyramidkv.cache.KvShape;
import dev.pyramidkv.cache.PolicyConfig;
import dev.pyramidkv.dnnl.DnnlEngine;
import dev.pyramidkv.engine.api.Engine;
import dev.pyramidkv.engine.gguf.GgufFile;
import dev.pyramidkv.engine.gguf.GgufTensor;
import dev.pyramidkv.engine.kernels.MatMul;
import dev.pyramidkv.engine.kernels.PackedWeights;
import dev.pyramidkv.engine.kernels.WorkerPool;
import dev.pyramidkv.engine.testing.OnednnBf16;
import dev.pyramidkv.engine.testing.TestModels;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Results do not depend on what the JIT has compiled. A child JVM limited to C1 ({@code -XX:TieredStopAtLevel=1})
 * runs every Vector API operation through its Java fallback; this JVM computes the same after 200 warm-up
 * rounds, with C2's intrinsics. Any sum whose order depends on the code path (as
 * {@code FloatVector.reduceLanes(ADD)}'s does) shows up as differing bits. Compared: stories260K's logits
 * after a prompt and two decode steps (F32 dots, attention, softmax, SiLU, RMSNorm, RoPE), its logits after a
 * oneDNN prefill (the vectorized row steps between the bf16 GEMMs), and single-row
 * products with packed SmolLM2 matrices (Q4_1 k and down projections, the first 512 rows of the Q8_0 output).
 * A whole SmolLM2 forward pass is too slow on the fallback (~40 s per token).
 */
@Tag("download")
class JitIndependenceTest {
    static final String PROMPT = "Lily and Tom went to the park.";
    static final int[] NEXT = {30, 41};   // two decode steps after the prompt

    @Test
    void resultsAreTheSameInterpretedAndCompiled() throws Exception {
        Path stories = TestModels.stories260K(), smol = TestModels.smollm2();
        Path out = Files.createTempFile("pkv-cold", ".bin"), log = Files.createTempFile("pkv-cold", ".log");
        try {
            Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-XX:TieredStopAtLevel=1", "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
                    "-cp", System.getProperty("java.class.path"), Results.class.getName(), stories.toString(), smol.toString(), out.toString())
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            assertTrue(p.waitFor(240, TimeUnit.SECONDS), "the C1-only child did not finish in 4 minutes");
            assertEquals(0, p.exitValue(), () -> "child failed:\n" + read(log));
            float[] cold = floats(Files.readAllBytes(out));

            float[] last = null;
            for (int i = 0; i < 200; i++) last = Results.compute(stories, smol);
            float[] warm = last;
            assertEquals(warm.length, cold.length);
            int differing = 0, first = -1;
            for (int i = 0; i < cold.length; i++) {
                if (Float.floatToRawIntBits(cold[i]) != Float.floatToRawIntBits(warm[i])) {
                    differing++;
                    if (first < 0) first = i;
                }
            }
            int f = first;
            assertEquals(0, differing, () -> "of " + cold.length + " results, these differ; the first, #" + f + ": " + cold[f] + " cold, " + warm[f] + " warm");
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(log);
        }
    }

    private static String read(Path p) {
        try {
            return Files.readString(p, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return e.toString();
        }
    }

    private static float[] floats(byte[] b) {
        float[] f = new float[b.length / 4];
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(f);
        return f;
    }

    /** Run in the child JVM too: every result in one array, written to a file as f32 LE. */
    public static final class Results {
        public static void main(String[] args) throws IOException {
            float[] r = compute(Path.of(args[0]), Path.of(args[1]));
            ByteBuffer b = ByteBuffer.allocate(4 * r.length).order(ByteOrder.LITTLE_ENDIAN);
            b.asFloatBuffer().put(r);
            Files.write(Path.of(args[2]), b.array());
        }

        static float[] compute(Path stories, Path smol) throws IOException {
            float[] onednn = OnednnBf16.available() ? storiesOnednnPrefillLogits(stories) : new float[0];   // bf16 needs AVX-512
            float[][] parts = {storiesLogits(stories), onednn, packedProducts(smol)};
            float[] all = new float[Arrays.stream(parts).mapToInt(a -> a.length).sum()];
            int at = 0;
            for (float[] part : parts) {
                System.arraycopy(part, 0, all, at, part.length);
                at += part.length;
            }
            return all;
        }

        private static float[] storiesLogits(Path model) throws IOException {
            try (Engine engine = Engine.load(model); Arena arena = Arena.ofShared(); WorkerPool pool = new WorkerPool(2)) {
                LlamaConfig c = engine.config();
                KvCache cache = KvCache.allocate(arena, new KvShape(c.layers(), c.heads(), c.kvHeads(), c.headDim()),
                        PolicyConfig.builder("full").build(), 64, 0);
                Transformer t = new Transformer(engine.model(), arena, pool, cache, 64);
                int[] prompt = engine.tokenizer().encode(PROMPT, engine.tokenizer().addsBos(), true);
                t.forward(prompt, 0, prompt.length);
                for (int token : NEXT) t.forward(token);
                return t.logits().toArray(ValueLayout.JAVA_FLOAT);
            }
        }

        private static float[] storiesOnednnPrefillLogits(Path model) throws IOException {
            try (Engine engine = Engine.load(model); Arena arena = Arena.ofShared(); WorkerPool pool = new WorkerPool(2);
                 DnnlEngine dnnl = DnnlEngine.create()) {
                LlamaConfig c = engine.config();
                int[] prompt = engine.tokenizer().encode(PROMPT, engine.tokenizer().addsBos(), true);
                KvCache cache = KvCache.allocate(arena, new KvShape(c.layers(), c.heads(), c.kvHeads(), c.headDim()),
                        PolicyConfig.builder("full").build(), prompt.length, 0);
                Transformer t = new Transformer(engine.model(), arena, pool, cache, prompt.length, dnnl, engine.prefillWeights());
                t.forward(prompt, 0, prompt.length);
                return t.logits().toArray(ValueLayout.JAVA_FLOAT);
            }
        }

        private static float[] packedProducts(Path model) throws IOException {
            try (GgufFile f = GgufFile.open(model); Arena arena = Arena.ofShared(); WorkerPool pool = new WorkerPool(2)) {
                GgufTensor embd = f.tensor("token_embd.weight");
                GgufTensor output512 = new GgufTensor(embd.name(), embd.type(), new long[]{embd.rowLength(), 512}, embd.offset(), embd.data());
                List<GgufTensor> ws = List.of(f.tensor("blk.0.attn_k.weight"), f.tensor("blk.5.ffn_down.weight"), output512);
                PackedWeights packed = PackedWeights.pack(ws, arena);
                float[] all = new float[ws.stream().mapToInt(w -> (int) w.rows()).sum()];
                int at = 0;
                Random rnd = new Random(9);
                for (GgufTensor w : ws) {
                    int k = (int) w.rowLength();
                    MemorySegment x = arena.allocate(4L * k, 64), y = arena.allocate(4L * w.rows(), 64);
                    for (int i = 0; i < k; i++) x.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) rnd.nextGaussian());
                    MatMul mm = new MatMul(arena, pool, 1, k, packed);
                    mm.prepare(x, 1, k, true, false);
                    mm.apply(w, y);
                    MemorySegment.copy(y, ValueLayout.JAVA_FLOAT, 0, all, at, (int) w.rows());
                    at += (int) w.rows();
                }
                return all;
            }
        }
    }
}
