package dev.pyramidkv.langchain4j;

import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;

/**
 * A LangChain4j {@link StreamingChatModel} on an in-process engine: each request generates on a new platform
 * thread (long native compute does not belong on the caller's or a virtual thread), text goes to
 * {@code onPartialResponse} as it becomes whole characters, then {@code onCompleteResponse} or {@code onError}.
 */
public final class PyramidKvStreamingChatModel implements StreamingChatModel {
    private final EngineChat chat;

    private PyramidKvStreamingChatModel(EngineChat chat) { this.chat = chat; }

    public static Builder builder() { return new Builder(); }

    @Override
    public void doChat(ChatRequest request, StreamingChatResponseHandler handler) {
        Thread.ofPlatform().name("pyramidkv-langchain4j").daemon().start(() -> {
            try {
                handler.onCompleteResponse(chat.chat(request, handler::onPartialResponse));
            } catch (RuntimeException e) {
                handler.onError(e);
            }
        });
    }

    public static final class Builder extends EngineChat.Builder<Builder> {
        public PyramidKvStreamingChatModel build() { return new PyramidKvStreamingChatModel(chat()); }
    }
}
