package dev.pyramidkv.langchain4j;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.model.output.TokenUsage;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.pyramidkv.cache.PolicyConfig;
import dev.pyramidkv.engine.api.Backend;
import dev.pyramidkv.engine.api.Engine;
import dev.pyramidkv.engine.api.Generation;
import dev.pyramidkv.engine.api.GenerationParams;
import dev.pyramidkv.engine.api.Session;
import dev.pyramidkv.engine.api.SessionConfig;
import dev.pyramidkv.engine.api.TokenListener;
import dev.pyramidkv.engine.chat.Message;
import dev.pyramidkv.engine.tokenizer.Tokenizer;

import java.util.ArrayList;
import java.util.List;

/**
 * What both LangChain4j models do: one {@link Session} per request on a shared {@link Engine} (no HTTP),
 * the conversation rendered through the model's chat template, sampling from the request's parameters over
 * the model's defaults, and the KV policy as a model option. The session's memory is freed when the answer is.
 */
final class EngineChat {
    private final Engine engine;
    private final String modelName;
    private final PolicyConfig policy;
    private final int threads;
    private final Backend backend;
    private final GenerationParams defaults;

    EngineChat(Engine engine, String modelName, PolicyConfig policy, int threads, Backend backend, GenerationParams defaults) {
        if (engine == null) throw new IllegalArgumentException("engine must be given");
        this.engine = engine;
        this.modelName = modelName;
        this.policy = policy;
        this.threads = threads;
        this.backend = backend;
        this.defaults = defaults;
    }

    ChatResponse chat(ChatRequest request, TokenListener listener) {
        GenerationParams params = params(request);
        Tokenizer tok = engine.tokenizer();
        String text = engine.chatTemplate().render(messages(request.messages()), true);
        int[] prompt = tok.encode(text, tok.addsBos() && !text.startsWith(tok.piece(tok.bos())), true);   // as Session.chat
        int modelContext = engine.config().contextLength();
        if (prompt.length >= modelContext) {
            throw new IllegalArgumentException("the conversation is " + prompt.length + " tokens, the model's context " + modelContext);
        }
        // the session holds the prompt and the answer; a compressed cache is sized by its budget
        int context = (int) Math.min(modelContext, Math.max((long) prompt.length + params.maxTokens(), Math.max(policy.budget(), policy.maxKvTokens().orElse(0))));
        try (Session session = engine.newSession(new SessionConfig(policy, threads, context, params.maxTokens(), backend))) {
            Generation g = session.generate(prompt, params, listener);
            return ChatResponse.builder()
                    .aiMessage(AiMessage.from(g.text()))
                    .modelName(modelName)
                    .tokenUsage(new TokenUsage(g.promptTokens(), g.generatedTokens()))
                    .finishReason(switch (g.stopReason()) {
                        case END_OF_TEXT, STOP_STRING -> FinishReason.STOP;
                        case MAX_TOKENS, CONTEXT_FULL -> FinishReason.LENGTH;
                        case CANCELLED -> FinishReason.OTHER;
                    })
                    .build();
        }
    }

    private GenerationParams params(ChatRequest r) {
        GenerationParams p = defaults;
        if (r.maxOutputTokens() != null) p = p.withMaxTokens(r.maxOutputTokens());
        if (r.temperature() != null) p = p.withTemperature(r.temperature().floatValue());
        if (r.topP() != null) p = p.withTopP(r.topP().floatValue());
        if (r.topK() != null) p = p.withTopK(r.topK());
        if (r.stopSequences() != null && !r.stopSequences().isEmpty()) p = p.withStop(r.stopSequences());
        return p;
    }

    private static List<Message> messages(List<ChatMessage> in) {
        List<Message> out = new ArrayList<>();
        for (ChatMessage m : in) {
            out.add(switch (m) {
                case SystemMessage s -> Message.system(s.text());
                case UserMessage u -> Message.user(u.singleText());
                case AiMessage a -> Message.assistant(a.text() == null ? "" : a.text());
                default -> throw new UnsupportedOperationException(m.type() + " messages are not supported (no tools)");
            });
        }
        return out;
    }

    /** Settings shared by both models' builders. */
    abstract static class Builder<B extends Builder<B>> {
        Engine engine;
        String modelName;
        PolicyConfig policy = PolicyConfig.builder("full").build();
        int threads = Runtime.getRuntime().availableProcessors();
        Backend backend = Backend.ONEDNN;
        GenerationParams defaults = GenerationParams.greedy();

        @SuppressWarnings("unchecked")
        private B self() { return (B) this; }

        /** The loaded model; the caller keeps it and closes it after the model is no longer used. */
        public B engine(Engine e) { engine = e; if (modelName == null) modelName = e.path().getFileName().toString(); return self(); }

        public B modelName(String name) { modelName = name; return self(); }

        /** The KV cache policy of every session, e.g. {@code PolicyConfig.of("pyramid", 128)} (default: full). */
        public B policy(PolicyConfig p) { policy = p; return self(); }

        /** Worker threads per request (default: all cores). */
        public B threads(int n) { threads = n; return self(); }

        public B backend(Backend b) { backend = b; return self(); }

        /** Sampling when the request does not say (default: greedy, 256 tokens). */
        public B defaults(GenerationParams p) { defaults = p; return self(); }

        EngineChat chat() { return new EngineChat(engine, modelName, policy, threads, backend, defaults); }
    }
}
