package dev.pyramidkv.engine.api;

import org.junit.jupiter.api.Tag;
import dev.pyramidkv.engine.testing.TestModels;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** The Session API on the tiny real model: streaming, stop strings, cancellation, turns, limits, closing. */
class SessionTest {
    static Engine engine;

    @BeforeAll
    static void load() throws Exception {
        engine = Engine.load(TestModels.stories260K());
    }

    @AfterAll
    static void close() {
        engine.close();
    }

    private static Session session(int context) {
        return engine.newSession(SessionConfig.defaults().withThreads(2).withContextLength(context));
    }

    @Test
    void streamedTextIsTheFinalText() {
        try (Session s = session(512)) {
            StringBuilder streamed = new StringBuilder();
            Generation g = s.generate("Once upon a time", GenerationParams.greedy().withMaxTokens(40), streamed::append);
            assertEquals(g.text(), streamed.toString());
            assertEquals(40, g.generatedTokens());
            assertEquals(StopReason.MAX_TOKENS, g.stopReason());
            assertTrue(g.prefillTokensPerSecond() > 0 && g.decodeTokensPerSecond() > 0);
        }
    }

    /** SmolLM2, because stories260K never emits its end-of-text token. */
    @Test
    @Tag("download")
    void ignoreEosDecodesPastTheEndOfText() throws Exception {
        try (Engine smol = Engine.load(TestModels.smollm2());
             Session s = smol.newSession(SessionConfig.defaults().withThreads(2).withContextLength(256).withBackend(Backend.JAVA))) {
            Generation free = s.chat("What is 2+2?", GenerationParams.greedy().withMaxTokens(64), null);
            assertEquals(StopReason.END_OF_TEXT, free.stopReason(), "the answer must end on its own for this test to mean anything");
            int k = free.generatedTokens();
            s.reset();
            Generation g = s.chat("What is 2+2?", GenerationParams.greedy().withMaxTokens(k + 4).withIgnoreEos(true), null);
            assertEquals(StopReason.MAX_TOKENS, g.stopReason());
            assertEquals(k + 4, g.generatedTokens());
            assertArrayEquals(free.tokens(), Arrays.copyOf(g.tokens(), k));
            assertTrue(smol.tokenizer().isEog(g.tokens()[k]), "the end-of-text token is kept and fed");
            assertEquals(k + 3, g.decodeTokens(), "every token but the last is fed");
            assertEquals(g.decodeTokens(), g.decodeStepNanos().length);
            assertTrue(Arrays.stream(g.decodeStepNanos()).allMatch(n -> n > 0));
            assertTrue(Arrays.stream(g.decodeStepNanos()).sum() <= g.decodeNanos());
        }
    }

    @Test
    void stopStringsEndTheTextBeforeThem() {
        try (Session s = session(512)) {
            Generation free = s.generate("Once upon a time", GenerationParams.greedy().withMaxTokens(40), null);
            int dot = free.text().indexOf('.');
            assertTrue(dot > 0, free.text());
            s.reset();
            StringBuilder streamed = new StringBuilder();
            Generation g = s.generate("Once upon a time", GenerationParams.greedy().withMaxTokens(40).withStop(List.of(".")), streamed::append);
            assertEquals(StopReason.STOP_STRING, g.stopReason());
            assertEquals(free.text().substring(0, dot), g.text());
            assertEquals(g.text(), streamed.toString());
        }
    }

    @Test
    void aTurnContinuesTheSequenceAndResetForgetsIt() {
        try (Session s = session(512)) {
            Generation first = s.generate("Once upon a time", GenerationParams.greedy().withMaxTokens(10), null);
            int after = s.position();
            assertEquals(first.promptTokens() + first.generatedTokens() - 1, after - 0, "the last sampled token is not fed yet");
            Generation second = s.generate(" Then", GenerationParams.greedy().withMaxTokens(5), null);
            int thenTokens = engine.tokenizer().encode(" Then", false, true).length;
            assertEquals(thenTokens + 1, second.promptTokens(), "only the new text and the last reply token are prefilled");
            assertEquals(after + second.promptTokens() + second.generatedTokens() - 1, s.position());
            s.reset();
            assertEquals(0, s.position());
            Generation again = s.generate("Once upon a time", GenerationParams.greedy().withMaxTokens(10), null);
            assertArrayEquals(first.tokens(), again.tokens());
        }
    }

    @Test
    void chatRendersTheTemplateAndPrefillsOnlyTheNewTurn() {
        try (Session s = session(1024)) {
            Generation one = s.chat("Tell me a story.", GenerationParams.greedy().withMaxTokens(12), null);
            int prefix = s.position();
            Generation two = s.chat("And then?", GenerationParams.greedy().withMaxTokens(12), null);
            assertEquals(4, s.messages().size());
            String rendered = engine.chatTemplate().render(s.messages().subList(0, 3), true);
            int fullTokens = engine.tokenizer().encode(rendered, engine.tokenizer().addsBos(), true).length;
            assertTrue(two.promptTokens() < fullTokens - one.promptTokens() / 2, "second turn re-prefilled the conversation");
            assertTrue(s.position() > prefix);
        }
    }

    @Test
    void cancelStopsAGeneration() {
        try (Session s = session(1024)) {
            int[] seen = {0};
            Generation g = s.generate("Once upon a time", GenerationParams.greedy().withMaxTokens(500), text -> {
                if (++seen[0] == 5) s.cancel();
            });
            assertEquals(StopReason.CANCELLED, g.stopReason());
            assertTrue(g.generatedTokens() < 20);
        }
    }

    @Test
    void promptsLongerThanTheContextAreRefusedClearly() {
        try (Session s = session(64)) {
            String longText = "Once upon a time there was a girl. ".repeat(40);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> s.generate(longText, GenerationParams.greedy(), null));
            assertTrue(e.getMessage().contains("exceeds the context length of 64"), e.getMessage());
            // the session is still usable
            assertEquals(StopReason.MAX_TOKENS, s.generate("Once", GenerationParams.greedy().withMaxTokens(3), null).stopReason());
        }
        IllegalArgumentException tooBig = assertThrows(IllegalArgumentException.class, () -> session(1 << 20));
        assertTrue(tooBig.getMessage().contains("exceeds the model's"), tooBig.getMessage());
    }

    @Test
    void aClosedSessionRefusesWork() {
        Session s = session(128);
        s.close();
        s.close(); // idempotent
        assertThrows(IllegalStateException.class, () -> s.generate("Once", GenerationParams.greedy(), null));
    }

    @Test
    void samplingIsReproducibleForASeed() {
        try (Session s = session(512)) {
            Generation a = s.generate("Once upon a time", GenerationParams.sampling(7).withMaxTokens(30), null);
            s.reset();
            Generation b = s.generate("Once upon a time", GenerationParams.sampling(7).withMaxTokens(30), null);
            assertArrayEquals(a.tokens(), b.tokens());
        }
    }
}
