package dev.pyramidkv.engine.eval;

import org.junit.jupiter.api.Tag;
import dev.pyramidkv.cache.KvType;
import dev.pyramidkv.cache.PolicyConfig;
import dev.pyramidkv.engine.api.Engine;
import dev.pyramidkv.engine.api.Generation;
import dev.pyramidkv.engine.api.GenerationParams;
import dev.pyramidkv.engine.api.Session;
import dev.pyramidkv.engine.api.SessionConfig;
import dev.pyramidkv.engine.testing.TestModels;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One prefill forked into several caches, on SmolLM2. */
@Tag("download")
class ForkDecoderTest {
    static final int ANSWER = 12;

    @Test
    void forkedFullDecodeEqualsAPlainSessionAndForksAreCompressed() throws Exception {
        try (Engine smol = Engine.load(TestModels.smollm2())) {
            EvalPrompt p = new PromptGenerator(smol.tokenizer(), smol.chatTemplate()).generate(new PromptSpec(TaskKind.NIAH_WORD, 192, 50, 0), 42);
            int n = p.tokens().length;
            PolicyConfig full = PolicyConfig.builder("full").build();
            List<PolicyConfig> cells = List.of(full, PolicyConfig.of("pyramid", 48), PolicyConfig.of("streaming", 48),
                    PolicyConfig.of("snapkv", n + 10));
            ForkDecoder.Outcome o;
            try (ForkDecoder d = new ForkDecoder(smol, 2, 256, ANSWER, 8)) {
                o = d.run(p.tokens(), cells, ANSWER, null);
            }
            Generation plain;
            try (Session s = smol.newSession(SessionConfig.defaults().withThreads(2).withContextLength(256))) {
                plain = s.generate(p.tokens(), GenerationParams.greedy().withMaxTokens(ANSWER), null);
            }
            assertEquals(n, o.promptTokens());
            assertEquals(4, o.answers().size());
            ForkDecoder.Answer f = o.answers().get(0);
            assertArrayEquals(plain.tokens(), f.tokens(), "full fork '" + f.text() + "' vs session '" + plain.text() + "'");
            assertEquals(plain.text(), f.text());
            assertTrue(p.score(f.text()) == 1, "the full cache finds the word: " + f.text() + " expected " + p.expected());

            assertEquals(f.kvBytes(), f.fullKvBytes(), "full keeps everything");
            assertEquals(2L * n * 30 * 3 * 64 * 4, f.fullKvBytes(), "K and V, 30 layers, 3 KV heads of 64 floats per token");
            for (ForkDecoder.Answer a : o.answers().subList(1, 3)) {
                assertFalse(a.uncompressed());
                assertTrue(a.kvBytes() < f.kvBytes() / 3, a.policy().label() + " keeps " + a.kvBytes() + " of " + f.kvBytes());
                assertEquals(f.fullKvBytes(), a.fullKvBytes());
            }
            ForkDecoder.Answer big = o.answers().get(3);
            assertTrue(big.uncompressed(), "a budget above the prompt length compresses nothing");
            assertArrayEquals(f.tokens(), big.tokens());
            assertEquals(f.kvBytes(), big.kvBytes());
        }
    }

    /**
     * Quantized caches on the same prompts (one prefill, forks per storage type): f16, bf16, q8_0 and q4_0 find
     * every needle that the f32 cache finds, full and pyramid alike, in 0.5×, 0.5×, 0.27× and 0.15× of its bytes.
     */
    @Test
    void quantizedForksFindTheNeedlesF32Finds() throws Exception {
        Map<KvType, Double> byteRatio = Map.of(KvType.F16, 0.5, KvType.BF16, 0.5, KvType.Q8_0, 0.27, KvType.Q4_0, 0.15);
        try (Engine smol = Engine.load(TestModels.smollm2());
             ForkDecoder d = new ForkDecoder(smol, 2, 512, ANSWER, 8)) {
            PromptGenerator gen = new PromptGenerator(smol.tokenizer(), smol.chatTemplate());
            List<PolicyConfig> cells = new ArrayList<>();
            KvType[] types = KvType.values();
            for (KvType t : types) {
                cells.add(PolicyConfig.builder("full").kvType(t).build());
                cells.add(PolicyConfig.builder("pyramid").budget(96).kvType(t).build());
            }
            int found = 0;
            for (TaskKind task : List.of(TaskKind.PASSKEY, TaskKind.NIAH_WORD, TaskKind.NIAH_NUMBER)) {
                for (int depth : new int[]{10, 60}) {
                    EvalPrompt p = gen.generate(new PromptSpec(task, 400, depth, 0), 7);
                    List<ForkDecoder.Answer> a = d.run(p.tokens(), cells, ANSWER, null).answers();
                    for (int c = 0; c < 2; c++) {                       // full, pyramid
                        ForkDecoder.Answer f32 = a.get(c);
                        String where = task + " depth " + depth + " " + f32.policy().label();
                        boolean f32Finds = p.score(f32.text()) == 1;
                        if (f32Finds) found++;
                        for (int t = 1; t < types.length; t++) {
                            ForkDecoder.Answer q = a.get(2 * t + c);
                            String name = types[t].cliName();
                            if (f32Finds) assertEquals(1, p.score(q.text()), where + ": " + name + " answered '" + q.text() + "', f32 '" + f32.text() + "'");
                            assertTrue(q.kvBytes() <= byteRatio.get(types[t]) * f32.kvBytes(), where + ": " + name + " keeps " + q.kvBytes() + " bytes, f32 " + f32.kvBytes());
                        }
                    }
                }
            }
            assertTrue(found >= 6, "the f32 cache finds most needles at 400 tokens (found " + found + " of 12)");
        }
    }

    @Test
    void badRequestsAreClearErrors() throws Exception {
        try (Engine tiny = Engine.load(TestModels.stories260K());
             ForkDecoder d = new ForkDecoder(tiny, 1, 64, 8, 8)) {
            int[] prompt = tiny.tokenizer().encode("Once upon a time there was a little dog.", true, false);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> d.run(prompt, List.of(PolicyConfig.builder("snapkv").window(4).budget(32).build()), 8, null));
            assertTrue(e.getMessage().contains("window 4"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> d.run(new int[80], List.of(PolicyConfig.builder("full").build()), 8, null));
            assertThrows(IllegalArgumentException.class, () -> d.run(prompt, List.of(PolicyConfig.builder("full").build()), 9, null));
            assertThrows(IllegalArgumentException.class, () -> new ForkDecoder(tiny, 1, 2048, 8, 8), "beyond the model's context");
        }
    }
}
