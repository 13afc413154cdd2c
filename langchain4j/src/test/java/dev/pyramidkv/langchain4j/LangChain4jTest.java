package dev.pyramidkv.langchain4j;

import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import dev.langchain4j.model.output.FinishReason;
import dev.pyramidkv.cache.PolicyConfig;
import dev.pyramidkv.engine.api.Backend;
import dev.pyramidkv.engine.api.Engine;
import dev.pyramidkv.engine.testing.TestModels;
import dev.pyramidkv.server.OpenAiServer;
import dev.pyramidkv.server.ServerSettings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * LangChain4j on the tiny real model: our in-process models, and LangChain4j's own OpenAI models talking to
 * {@code pyramidkv serve} on the loopback; greedy, all four give the same answer to the same question.
 */
class LangChain4jTest {
    static final String QUESTION = "Tell me a story about a cat.";
    static Engine engine;
    static OpenAiServer server;

    @BeforeAll
    static void start() throws Exception {
        engine = Engine.load(TestModels.stories260K());
        server = OpenAiServer.start(engine, ServerSettings.defaults("stories260K", 0).withBackend(Backend.JAVA).withSessions(2, 1));
    }

    @AfterAll
    static void stop() {
        if (server != null) server.close();
        if (engine != null) engine.close();
    }

    private static ChatRequest request() {
        return ChatRequest.builder().messages(UserMessage.from(QUESTION)).maxOutputTokens(32).temperature(0.0).build();
    }

    /** Streams the answer, checking the pieces add up to the final text. */
    private static ChatResponse stream(StreamingChatModel model) throws Exception {
        StringBuilder pieces = new StringBuilder();
        CompletableFuture<ChatResponse> done = new CompletableFuture<>();
        model.chat(request(), new StreamingChatResponseHandler() {
            @Override public void onPartialResponse(String text) { pieces.append(text); }
            @Override public void onCompleteResponse(ChatResponse r) { done.complete(r); }
            @Override public void onError(Throwable e) { done.completeExceptionally(e); }
        });
        ChatResponse r = done.get(2, TimeUnit.MINUTES);
        assertEquals(r.aiMessage().text(), pieces.toString());
        return r;
    }

    @Test
    void inProcessAndOverHttpTheAnswersAgree() throws Exception {
        ChatModel local = PyramidKvChatModel.builder().engine(engine).threads(1).backend(Backend.JAVA).build();
        ChatResponse answer = local.chat(request());
        String text = answer.aiMessage().text();
        assertFalse(text.isBlank());
        assertTrue(answer.tokenUsage().outputTokenCount() <= 32, answer::toString);
        assertTrue(answer.finishReason() == FinishReason.STOP || answer.finishReason() == FinishReason.LENGTH, answer::toString);

        ChatResponse streamed = stream(PyramidKvStreamingChatModel.builder().engine(engine).threads(1).backend(Backend.JAVA).build());
        assertEquals(text, streamed.aiMessage().text());

        String baseUrl = server.uri() + "/v1";
        ChatModel openAi = OpenAiChatModel.builder().baseUrl(baseUrl).apiKey("unused").modelName("stories260K").build();
        ChatResponse viaHttp = openAi.chat(request());
        assertEquals(text, viaHttp.aiMessage().text());
        assertEquals(answer.tokenUsage().inputTokenCount(), viaHttp.tokenUsage().inputTokenCount());
        assertEquals(answer.tokenUsage().outputTokenCount(), viaHttp.tokenUsage().outputTokenCount());

        ChatResponse streamedViaHttp = stream(OpenAiStreamingChatModel.builder().baseUrl(baseUrl).apiKey("unused").modelName("stories260K").build());
        assertEquals(text, streamedViaHttp.aiMessage().text());
    }

    @Test
    void theKvPolicyIsAModelOption() {
        ChatModel pyramid = PyramidKvChatModel.builder().engine(engine).threads(1).backend(Backend.JAVA)
                .policy(PolicyConfig.builder("pyramid").budget(16).maxKvTokens(32).build()).build();
        ChatResponse r = pyramid.chat(ChatRequest.builder().messages(UserMessage.from(QUESTION.repeat(3))).maxOutputTokens(40).temperature(0.0).build());
        assertFalse(r.aiMessage().text().isBlank());
        PyramidKvChatModel tooSmall = PyramidKvChatModel.builder().engine(engine).threads(1).backend(Backend.JAVA)
                .policy(PolicyConfig.builder("pyramid").budget(16).maxKvTokens(20).build()).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> tooSmall.chat(request()));
        assertTrue(e.getMessage().contains("maxKvTokens"), e.getMessage());
    }
}
