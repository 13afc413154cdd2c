package dev.pyramidkv.langchain4j;

import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;

/**
 * A LangChain4j {@link ChatModel} on an in-process engine:
 * <pre>
 * ChatModel model = PyramidKvChatModel.builder().engine(engine).policy(PolicyConfig.of("pyramid", 128)).build();
 * String answer = model.chat("What is a pyramid?");
 * </pre>
 */
public final class PyramidKvChatModel implements ChatModel {
    private final EngineChat chat;

    private PyramidKvChatModel(EngineChat chat) { this.chat = chat; }

    public static Builder builder() { return new Builder(); }

    @Override
    public ChatResponse doChat(ChatRequest request) {
        return chat.chat(request, null);
    }

    public static final class Builder extends EngineChat.Builder<Builder> {
        public PyramidKvChatModel build() { return new PyramidKvChatModel(chat()); }
    }
}
