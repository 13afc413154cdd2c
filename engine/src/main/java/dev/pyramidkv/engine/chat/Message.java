package dev.pyramidkv.engine.chat;

import java.util.Objects;

/** One turn of a conversation: {@code role} is "system", "user" or "assistant" (templates may know others). */
public record Message(String role, String content) {
    public Message {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(content, "content");
        if (role.isBlank()) throw new IllegalArgumentException("message role is blank; expected e.g. 'system', 'user' or 'assistant'");
    }

    public static Message system(String content) { return new Message("system", content); }

    public static Message user(String content) { return new Message("user", content); }

    public static Message assistant(String content) { return new Message("assistant", content); }
}
