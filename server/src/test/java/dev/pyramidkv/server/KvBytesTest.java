package dev.pyramidkv.server;

import dev.pyramidkv.cache.PolicyConfig;
import dev.pyramidkv.engine.api.Backend;
import dev.pyramidkv.engine.api.Engine;
import dev.pyramidkv.engine.api.Session;
import dev.pyramidkv.engine.api.SessionConfig;
import dev.pyramidkv.engine.testing.TestModels;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** What admission reserves is what a session's KV cache allocates, for every policy. */
class KvBytesTest {
    @Test
    void theReservationIsTheSessionsKvAllocation() throws Exception {
        try (Engine engine = Engine.load(TestModels.stories260K())) {
            for (PolicyConfig p : List.of(PolicyConfig.builder("full").build(), PolicyConfig.of("pyramid", 32), PolicyConfig.of("snapkv", 16),
                    PolicyConfig.of("streaming", 24), PolicyConfig.builder("h2o").budget(32).maxKvTokens(48).build())) {
                for (int context : new int[] {64, 300}) {
                    SessionConfig config = new SessionConfig(p, 1, context, 40, Backend.JAVA);
                    try (Session s = engine.newSession(config)) {
                        assertEquals(s.memory().allocatedBytes(), Generator.kvBytes(engine.config(), config), p.label() + " at " + context);
                    }
                }
            }
        }
    }
}
