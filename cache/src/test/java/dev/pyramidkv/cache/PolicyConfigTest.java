package dev.pyramidkv.cache;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.lang.foreign.Arena;

import static org.junit.jupiter.api.Assertions.*;

class PolicyConfigTest {

    private static void rejects(Executable build, String... fragments) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, build);
        for (String f : fragments) assertTrue(e.getMessage().contains(f), "message '" + e.getMessage() + "' lacks '" + f + "'");
    }

    @Test
    void defaultsAreThePapers() {
        PolicyConfig c = PolicyConfig.of("pyramid", 128);
        assertEquals(PolicyKind.PYRAMID, c.kind());
        assertEquals(8, c.window());
        assertEquals(20.0, c.beta());
        assertEquals(7, c.kernel());
        assertEquals(Pooling.MAX, c.pooling());
        assertEquals(GqaAggregation.SUM, c.gqa());
        assertEquals(ScheduleMode.PYRAMID_REFERENCE, c.schedule());
        assertEquals(4, c.sinks());
        assertTrue(c.maxKvTokens().isEmpty());
        assertEquals(0, c.evictBatch(), "automatic");
        assertEquals(ScheduleMode.UNIFORM, PolicyConfig.of("snapkv", 64).schedule());
        assertEquals(ScheduleMode.PYRAMID_REFERENCE, PolicyConfig.of("adakv", 64).schedule());
        assertEquals("pyramid-128", c.label());
        assertEquals(c, c.toBuilder().build());
        assertNotEquals(c, c.toBuilder().budget(64).build());
    }

    @Test
    void automaticEvictionFreesASixtyFourthOfTheCapacity() {
        PolicyConfig auto = PolicyConfig.of("h2o", 64);
        assertEquals(64, auto.evictBatchFor(4096));
        assertEquals(2, auto.evictBatchFor(128));
        assertEquals(1, auto.evictBatchFor(127));
        assertEquals(1, auto.evictBatchFor(5));
        assertEquals(3, auto.toBuilder().evictBatch(3).build().evictBatchFor(4096));
    }

    @Test
    void parsesEveryPolicyName() {
        String[] names = {"full", "streaming", "h2o", "snapkv", "pyramid", "adakv"};
        for (int i = 0; i < names.length; i++) {
            assertEquals(PolicyKind.values()[i], PolicyKind.parse(names[i]));
            assertEquals(PolicyKind.values()[i], PolicyKind.parse(names[i].toUpperCase()));
        }
        assertEquals(Pooling.AVG, Pooling.parse("avgpool"));
        assertEquals(GqaAggregation.MEAN, GqaAggregation.parse("mean"));
        assertEquals(ScheduleMode.PYRAMID_EXACT, ScheduleMode.parse("exact"));
    }

    @Test
    void badConfigurationsNameTheParameterAndValue() {
        rejects(() -> PolicyKind.parse("lru"), "policy", "'lru'", "full|streaming|h2o|snapkv|pyramid|adakv");
        rejects(() -> PolicyConfig.of("quest", 64), "'quest'");
        rejects(() -> PolicyConfig.of("snapkv", 8), "budget=8", "window (8)");
        rejects(() -> PolicyConfig.of("pyramid", 0), "budget=0");
        rejects(() -> PolicyConfig.builder("pyramid").budget(64).beta(0).build(), "beta=0.0");
        rejects(() -> PolicyConfig.builder("pyramid").budget(64).beta(-2).build(), "beta=-2.0");
        rejects(() -> PolicyConfig.builder("pyramid").budget(64).kernel(6).build(), "kernel=6", "odd");
        rejects(() -> PolicyConfig.builder("pyramid").budget(64).kernel(0).build(), "kernel=0");
        rejects(() -> PolicyConfig.builder("pyramid").budget(64).kernel(-3).build(), "kernel=-3");
        rejects(() -> PolicyConfig.builder("snapkv").budget(64).window(0).build(), "window=0");
        rejects(() -> PolicyConfig.builder("full").maxKvTokens(100).build(), "maxKvTokens=100", "never evicts");
        rejects(() -> PolicyConfig.builder("snapkv").budget(64).maxKvTokens(8).build(), "maxKvTokens=8");
        rejects(() -> PolicyConfig.builder("streaming").budget(64).window(2).sinks(64).build(), "budget=64", "sinks");
        rejects(() -> PolicyConfig.builder("adakv").budget(64).headFloor(1.5).build(), "headFloor=1.5");
        rejects(() -> PolicyConfig.builder("h2o").budget(64).evictBatch(-1).build(), "evictBatch=-1");
        rejects(() -> PolicyConfig.builder("pyramid").layerSlots(20, 8).build(), "layerSlots[1]=8");
        rejects(() -> PolicyConfig.builder("full").schedule(ScheduleMode.UNIFORM).build(), "schedule=uniform");
        rejects(() -> PolicyConfig.builder("snapkv").budget(64).schedule(ScheduleMode.FULL).build(), "schedule=full");
        rejects(() -> new KvShape(2, 6, 4, 64), "qHeads=6");
    }

    @Test
    void budgetLargerThanTheContextIsRejected() {
        KvShape shape = new KvShape(2, 4, 2, 8);
        rejects(() -> PolicyConfig.of("pyramid", 4096).checkContext(2048), "budget=4096", "context length 2048");
        rejects(() -> KvCache.capacities(shape, PolicyConfig.of("snapkv", 300), 256, 0), "budget=300", "256");
        try (Arena arena = Arena.ofConfined()) {
            rejects(() -> KvCache.allocate(arena, shape, PolicyConfig.of("h2o", 300), 256, 16), "budget=300");
            rejects(() -> KvCache.allocate(arena, shape, PolicyConfig.builder("snapkv").budget(64).maxKvTokens(512).build(), 256, 16), "maxKvTokens=512");
            rejects(() -> KvCache.allocate(arena, shape, PolicyConfig.builder("pyramid").layerSlots(64, 400).build(), 256, 16), "layerSlots[1]=400");
        }
    }
}
