package dev.pyramidkv.engine.api;

import dev.pyramidkv.engine.chat.Message;
import dev.pyramidkv.engine.testing.TestModels;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Cancellation and closing on the tiny real model: a cancel is never lost and never leaks into the next
 * generation; a closed engine is closed once and opens no sessions. The Java backend runs on every CPU.
 */
class SessionLifecycleTest {
    static Engine engine;

    @BeforeAll
    static void load() throws Exception {
        engine = Engine.load(TestModels.stories260K());
    }

    @AfterAll
    static void close() {
        engine.close();
    }

    private static SessionConfig config(int context) {
        return SessionConfig.defaults().withThreads(1).withContextLength(context).withBackend(Backend.JAVA);
    }

    @Test
    void aCancelBeforeGenerateStopsThatGenerationBeforeItsPrefillAndIsConsumed() {
        try (Session s = engine.newSession(config(512))) {
            s.cancel();
            Generation cancelled = s.generate("Once upon a time", GenerationParams.greedy().withMaxTokens(20), null);
            assertEquals(StopReason.CANCELLED, cancelled.stopReason());
            assertEquals(0, cancelled.promptTokens(), "nothing is prefilled");
            assertEquals(0, cancelled.generatedTokens());
            assertEquals(0, s.position(), "the sequence is unchanged");
            Generation next = s.generate("Once upon a time", GenerationParams.greedy().withMaxTokens(20), null);
            assertEquals(StopReason.MAX_TOKENS, next.stopReason(), "the cancel was consumed by the generation it stopped");
            assertEquals(20, next.generatedTokens());
        }
    }

    @Test
    void aCancelDuringAGenerationStopsItAndDoesNotReachTheNext() {
        try (Session s = engine.newSession(config(512))) {
            int[] seen = {0};
            Generation g = s.generate("Once upon a time", GenerationParams.greedy().withMaxTokens(400), text -> {
                if (++seen[0] == 3) s.cancel();
            });
            assertEquals(StopReason.CANCELLED, g.stopReason());
            assertTrue(g.generatedTokens() < 10, g.generatedTokens() + " tokens");
            // a cancel with the last token: that generation ends anyway and takes the cancel with it
            s.reset();
            Generation last = s.generate("Once upon a time", GenerationParams.greedy().withMaxTokens(1), text -> s.cancel());
            assertEquals(1, last.generatedTokens());
            s.reset();
            assertEquals(StopReason.MAX_TOKENS, s.generate("Once", GenerationParams.greedy().withMaxTokens(5), null).stopReason());
        }
    }

    @Test
    void aChatTurnCancelledBeforeItsPrefillLeavesTheConversationAsItWas() {
        try (Session s = engine.newSession(config(1024))) {
            s.chat("Tell me a story.", GenerationParams.greedy().withMaxTokens(8), null);
            List<Message> before = s.messages();
            int position = s.position();
            s.cancel();
            assertEquals(StopReason.CANCELLED, s.chat("And then?", GenerationParams.greedy().withMaxTokens(8), null).stopReason());
            assertEquals(before, s.messages());
            assertEquals(position, s.position());
            Generation again = s.chat("And then?", GenerationParams.greedy().withMaxTokens(8), null);
            assertEquals(StopReason.MAX_TOKENS, again.stopReason());
            assertEquals(4, s.messages().size());
        }
    }

    @Test
    void closingAnEngineTwiceIsHarmlessAndAClosedEngineRefusesSessions() throws Exception {
        Engine other = Engine.load(TestModels.stories260K());
        Session open = other.newSession(config(64));
        other.close();
        other.close();
        assertTrue(other.isClosed());
        assertThrows(IllegalStateException.class, () -> open.generate("Once", GenerationParams.greedy(), null),
                "closing the engine closed its sessions");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> other.newSession(config(64)));
        assertTrue(e.getMessage().contains("stories260K.gguf is closed"), e.getMessage());
    }
}
