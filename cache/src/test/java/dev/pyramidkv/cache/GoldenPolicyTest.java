package dev.pyramidkv.cache;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every policy against {@link PlainReference} on random inputs: prefill of every layer, then decode steps
 * with appends, evictions and observed attention, comparing every kept position and every K/V value after
 * each step.
 */
class GoldenPolicyTest {
    static final int LAYERS = 3, Q_HEADS = 6, KV_HEADS = 2, HEAD_DIM = 3, WINDOW = 4, CONTEXT = 64;

    record Case(String name, PolicyConfig config, String plainPolicy, String scheduleMode) {}

    static List<Case> cases() {
        List<Case> c = new ArrayList<>();
        c.add(new Case("full", PolicyConfig.builder(PolicyKind.FULL).window(WINDOW).build(), "full", "full"));
        c.add(new Case("streaming", PolicyConfig.builder(PolicyKind.STREAMING).budget(16).window(WINDOW).sinks(3).build(), "streaming", "uniform"));
        c.add(new Case("streaming-batch3", PolicyConfig.builder(PolicyKind.STREAMING).budget(12).window(WINDOW).evictBatch(3).build(), "streaming", "uniform"));
        for (GqaAggregation g : GqaAggregation.values())
            c.add(new Case("h2o-" + g.cliName(), PolicyConfig.builder(PolicyKind.H2O).budget(16).window(WINDOW).gqa(g).build(), "h2o", "uniform"));
        c.add(new Case("h2o-batch2", PolicyConfig.builder(PolicyKind.H2O).budget(14).window(WINDOW).evictBatch(2).build(), "h2o", "uniform"));
        for (Pooling p : Pooling.values())
            for (GqaAggregation g : GqaAggregation.values())
                c.add(new Case("snapkv-" + p.cliName() + "-" + g.cliName(),
                        PolicyConfig.builder(PolicyKind.SNAPKV).budget(16).window(WINDOW).pooling(p).gqa(g).build(), "snapkv", "uniform"));
        c.add(new Case("snapkv-kernel3-batch4", PolicyConfig.builder(PolicyKind.SNAPKV).budget(14).window(WINDOW).kernel(3).evictBatch(4).build(), "snapkv", "uniform"));
        c.add(new Case("pyramid-reference", PolicyConfig.builder(PolicyKind.PYRAMID).budget(16).window(WINDOW).beta(4).build(), "snapkv", "pyramid-reference"));
        c.add(new Case("pyramid-exact-avg", PolicyConfig.builder(PolicyKind.PYRAMID).budget(16).window(WINDOW).beta(4)
                .schedule(ScheduleMode.PYRAMID_EXACT).pooling(Pooling.AVG).build(), "snapkv", "pyramid-exact"));
        c.add(new Case("pyramid-capped", PolicyConfig.builder(PolicyKind.PYRAMID).budget(16).window(WINDOW).beta(4).maxKvTokens(12).build(), "snapkv", "pyramid-reference"));
        c.add(new Case("adakv-pyramid", PolicyConfig.builder(PolicyKind.ADAKV).budget(16).window(WINDOW).beta(4).build(), "adakv", "pyramid-reference"));
        c.add(new Case("adakv-snapkv-mean", PolicyConfig.builder(PolicyKind.ADAKV).budget(16).window(WINDOW)
                .schedule(ScheduleMode.UNIFORM).gqa(GqaAggregation.MEAN).headFloor(0.5).build(), "adakv", "uniform"));
        c.add(new Case("adakv-capped", PolicyConfig.builder(PolicyKind.ADAKV).budget(16).window(WINDOW).beta(4)
                .headFloor(0).maxKvTokens(14).build(), "adakv", "pyramid-reference"));
        return c;
    }

    @TestFactory
    List<DynamicTest> everyPolicyMatchesThePlainImplementation() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Case c : cases())
            tests.add(DynamicTest.dynamicTest(c.name(), () -> {
                long evictions = 0, compressedLayers = 0;
                for (int seed = 0; seed < 8; seed++) {
                    long[] seen = runCase(c, seed);
                    evictions += seen[0];
                    compressedLayers += seen[1];
                }
                if (c.plainPolicy().equals("full")) {
                    assertEquals(0, evictions + compressedLayers, c.name() + ": full must neither compress nor evict");
                } else {   // the comparison covered real work, not just copies
                    assertTrue(evictions > 0, c.name() + ": no decode eviction happened");
                    assertTrue(compressedLayers > 0, c.name() + ": no prefill compression happened");
                }
            }));
        return tests;
    }

    /** Runs one random case; returns {decode evictions, layers whose prefill dropped tokens}. */
    private static long[] runCase(Case c, int seed) {
        SplittableRandom rnd = new SplittableRandom(seed * 7919L + c.name().hashCode());
        KvShape shape = new KvShape(LAYERS, Q_HEADS, KV_HEADS, HEAD_DIM);
        boolean quantized = seed % 2 == 0;
        int n = 6 + rnd.nextInt(CONTEXT - 6);                       // short, uniform, clamped and long prompts
        int headroom = c.plainPolicy().equals("full") ? 30 : 2 + rnd.nextInt(4);
        int steps = c.plainPolicy().equals("full") ? 30 : 40;
        String where = c.name() + " seed " + seed + " n " + n;
        PolicyConfig cfg = c.config();
        try (Arena arena = Arena.ofConfined()) {
            KvCache cache = KvCache.allocate(arena, shape, cfg, CONTEXT, headroom);
            List<PlainReference> plain = new ArrayList<>();
            long compressed = 0;
            for (int l = 0; l < LAYERS; l++) {
                PlainReference.Prompt prompt = TestInputs.randomPrompt(rnd, shape, n, WINDOW, quantized);
                StagingBuffer staging = TestInputs.stage(arena, prompt, CONTEXT);
                cache.compressPrefill(l, staging, n, TestInputs.scores(arena, prompt));

                int capacity = cache.region(l).capacity();
                PlainReference ref = new PlainReference(c.plainPolicy(), cfg.pooling().cliName(), cfg.gqa().cliName(), WINDOW,
                        cfg.kernel(), cfg.sinks(), cfg.headFloor(), cache.evictBatch(l), Q_HEADS, KV_HEADS, capacity);
                int slots = PlainReference.slots(c.scheduleMode(), LAYERS, cfg.budget(), WINDOW, cfg.beta(), n)[l];
                ref.prefill(prompt, Math.min(slots, capacity));
                plain.add(ref);
                assertSame(where + " prefill layer " + l, ref, cache.region(l));
                if (cache.region(l).liveEntries() < n * KV_HEADS) compressed++;
            }
            MemorySegment k = arena.allocate((long) KV_HEADS * HEAD_DIM * 4), v = arena.allocate((long) KV_HEADS * HEAD_DIM * 4);
            int stride = 128;
            MemorySegment probs = arena.allocate((long) Q_HEADS * stride * 4);
            for (int step = 0; step < steps; step++) {
                int position = n + step;
                for (int l = 0; l < LAYERS; l++) {
                    float[][] kh = new float[KV_HEADS][HEAD_DIM], vh = new float[KV_HEADS][HEAD_DIM];
                    for (int h = 0; h < KV_HEADS; h++)
                        for (int d = 0; d < HEAD_DIM; d++) {
                            kh[h][d] = TestInputs.decodeValue(l, position, h, d, false);
                            vh[h][d] = TestInputs.decodeValue(l, position, h, d, true);
                            k.setAtIndex(ValueLayout.JAVA_FLOAT, (long) h * HEAD_DIM + d, kh[h][d]);
                            v.setAtIndex(ValueLayout.JAVA_FLOAT, (long) h * HEAD_DIM + d, vh[h][d]);
                        }
                    cache.append(l, position, k, 0, v, 0);
                    plain.get(l).append(position, kh, vh);
                    assertSame(where + " step " + step + " append layer " + l, plain.get(l), cache.region(l));

                    LayerRegion region = cache.region(l);
                    float[][] p = new float[Q_HEADS][];
                    for (int q = 0; q < Q_HEADS; q++) {
                        int h = shape.kvHeadOf(q);
                        p[q] = new float[region.length(h)];
                        for (int s = 0; s < region.length(h); s++) {
                            p[q][s] = TestInputs.decodeProb(position, q, region.position(h, s), quantized);
                            probs.setAtIndex(ValueLayout.JAVA_FLOAT, (long) q * stride + s, p[q][s]);
                        }
                    }
                    cache.observeDecode(l, probs, 0, stride);
                    plain.get(l).observe(position, p);
                }
            }
            return new long[] {cache.evictions(), compressed};
        }
    }

    static void assertSame(String where, PlainReference ref, LayerRegion region) {
        for (int h = 0; h < KV_HEADS; h++) {
            List<PlainReference.Entry> expected = ref.heads.get(h);
            List<Integer> want = new ArrayList<>(), got = new ArrayList<>();
            for (PlainReference.Entry e : expected) want.add(e.pos);
            for (int s = 0; s < region.length(h); s++) got.add(region.position(h, s));
            assertEquals(want, got, where + " head " + h + " positions");
            for (int s = 0; s < expected.size(); s++)
                for (int d = 0; d < HEAD_DIM; d++) {
                    assertEquals(expected.get(s).k[d], region.key(h, s, d), where + " head " + h + " slot " + s + " key");
                    assertEquals(expected.get(s).v[d], region.value(h, s, d), where + " head " + h + " slot " + s + " value");
                }
        }
    }
}
