package dev.pyramidkv.server;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pyramidkv.engine.api.StopReason;

/** The response shapes of the OpenAI API: completions, their streamed chunks, usage. */
final class OpenAiJson {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private OpenAiJson() {}

    /** {@code stop} for an end of text or a stop string, {@code length} for the token or context limit. */
    static String finishReason(StopReason r) {
        return switch (r) {
            case END_OF_TEXT, STOP_STRING -> "stop";
            case MAX_TOKENS, CONTEXT_FULL, CANCELLED -> "length";
        };
    }

    static ObjectNode usage(int promptTokens, int completionTokens) {
        ObjectNode u = F.objectNode();
        u.put("prompt_tokens", promptTokens);
        u.put("completion_tokens", completionTokens);
        u.put("total_tokens", promptTokens + completionTokens);
        return u;
    }

    /** A whole response: {@code chat.completion} with a message, or {@code text_completion} with text. */
    static ObjectNode completion(boolean chat, String id, long created, String model, String text, String finishReason, ObjectNode usage) {
        ObjectNode root = head(id, chat ? "chat.completion" : "text_completion", created, model);
        ObjectNode choice = root.putArray("choices").addObject();
        choice.put("index", 0);
        if (chat) {
            ObjectNode message = choice.putObject("message");
            message.put("role", "assistant");
            message.put("content", text);
        } else {
            choice.put("text", text);
            choice.putNull("logprobs");
        }
        choice.put("finish_reason", finishReason);
        root.set("usage", usage);
        return root;
    }

    /**
     * One streamed chunk: {@code text} (null for none) and, on the last, the finish reason and the usage.
     * A chat's first chunk carries the role.
     */
    static ObjectNode chunk(boolean chat, String id, long created, String model, boolean first, String text, String finishReason, ObjectNode usage) {
        ObjectNode root = head(id, chat ? "chat.completion.chunk" : "text_completion", created, model);
        ObjectNode choice = root.putArray("choices").addObject();
        choice.put("index", 0);
        if (chat) {
            ObjectNode delta = choice.putObject("delta");
            if (first) delta.put("role", "assistant");
            if (text != null) delta.put("content", text);
        } else {
            choice.put("text", text == null ? "" : text);
            choice.putNull("logprobs");
        }
        choice.put("finish_reason", finishReason);
        if (usage != null) root.set("usage", usage);
        return root;
    }

    /** The chunk {@code stream_options.include_usage} asks for: no choices, the usage. */
    static ObjectNode usageChunk(boolean chat, String id, long created, String model, ObjectNode usage) {
        ObjectNode root = head(id, chat ? "chat.completion.chunk" : "text_completion", created, model);
        root.putArray("choices");
        root.set("usage", usage);
        return root;
    }

    private static ObjectNode head(String id, String object, long created, String model) {
        ObjectNode root = F.objectNode();
        root.put("id", id);
        root.put("object", object);
        root.put("created", created);
        root.put("model", model);
        return root;
    }
}
