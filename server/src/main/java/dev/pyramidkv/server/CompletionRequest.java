package dev.pyramidkv.server;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pyramidkv.cache.KvType;
import dev.pyramidkv.cache.PolicyConfig;
import dev.pyramidkv.cache.PolicyKind;
import dev.pyramidkv.engine.api.GenerationParams;
import dev.pyramidkv.engine.chat.Message;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One {@code /v1/chat/completions} or {@code /v1/completions} request, validated. Fields we do not know are
 * ignored, as OpenAI clients expect; a known field with a wrong type or value is an {@link ApiException}
 * naming it. Ours sit in the extension object {@code kv: {policy, budget, max_kv, kv_type}}.
 *
 * @param messages the conversation (chat), or null
 * @param prompt   the raw text (completions), or null
 */
record CompletionRequest(String model, List<Message> messages, String prompt, GenerationParams params,
                         PolicyConfig policy, boolean stream, boolean includeUsage) {

    static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_STOPS = 4;
    /** The budget of a policy named without one, as on the command line. */
    private static final int DEFAULT_BUDGET = 128;

    boolean chat() { return messages != null; }

    /**
     * Parses a request body.
     *
     * @param defaultPolicy     the server's KV policy, for requests without {@code kv}
     * @param defaultMaxTokens  for requests without {@code max_tokens}
     */
    static CompletionRequest parse(byte[] body, boolean chat, PolicyConfig defaultPolicy, int defaultMaxTokens) {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (JacksonException e) {
            throw ApiException.invalid(null, "the request body is not valid JSON: " + e.getOriginalMessage());
        } catch (java.io.IOException e) {
            throw ApiException.invalid(null, "the request body could not be read: " + e.getMessage());
        }
        if (root == null || !root.isObject()) throw ApiException.invalid(null, "the request body must be a JSON object");

        String model = optionalString(root, "model");
        List<Message> messages = chat ? messages(root) : null;
        String prompt = chat ? null : prompt(root);

        int maxTokens = defaultMaxTokens;
        String maxName = has(root, "max_completion_tokens") ? "max_completion_tokens" : "max_tokens";
        if (has(root, maxName)) {
            maxTokens = integer(root, maxName);
            if (maxTokens < 1) throw ApiException.invalid(maxName, maxName + " must be at least 1, got " + maxTokens);
        }
        float temperature = 1f, topP = 1f;
        if (has(root, "temperature")) {
            temperature = (float) number(root, "temperature");
            if (!(temperature >= 0 && temperature <= 2)) throw ApiException.invalid("temperature", "temperature must be between 0 and 2, got " + temperature);
        }
        if (has(root, "top_p")) {
            topP = (float) number(root, "top_p");
            if (!(topP > 0 && topP <= 1)) throw ApiException.invalid("top_p", "top_p must be in (0, 1], got " + topP);
        }
        long seed = has(root, "seed") ? longInteger(root, "seed") : ThreadLocalRandom.current().nextLong();
        if (has(root, "n") && integer(root, "n") != 1) throw ApiException.invalid("n", "only n = 1 is supported");
        boolean stream = has(root, "stream") && bool(root, "stream");
        boolean includeUsage = false;
        if (has(root, "stream_options")) {
            JsonNode options = object(root, "stream_options");
            includeUsage = has(options, "include_usage") && bool(options, "include_usage");
        }
        GenerationParams params = new GenerationParams(maxTokens, temperature, 0, topP, 0f, 1f, 64, seed, stops(root), false);
        return new CompletionRequest(model, messages, prompt, params, policy(root, defaultPolicy), stream, includeUsage);
    }

    private static List<Message> messages(JsonNode root) {
        JsonNode list = root.get("messages");
        if (list == null || list.isNull()) throw ApiException.invalid("messages", "messages is required");
        if (!list.isArray() || list.isEmpty()) throw ApiException.invalid("messages", "messages must be a non-empty array");
        List<Message> messages = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            String where = "messages[" + i + "]";
            JsonNode m = list.get(i);
            if (!m.isObject()) throw ApiException.invalid(where, where + " must be an object");
            String role = optionalString(m, "role", where + ".role");
            if (role == null) throw ApiException.invalid(where + ".role", where + ".role is required");
            role = switch (role) {
                case "system", "developer" -> "system";
                case "user", "assistant" -> role;
                default -> throw ApiException.invalid(where + ".role", where + ".role '" + role + "' is not supported (system, developer, user, assistant)");
            };
            messages.add(new Message(role, content(m.get("content"), where + ".content")));
        }
        return messages;
    }

    /** A message's content: a string, or an array of {@code {"type": "text", "text": ...}} parts. */
    private static String content(JsonNode c, String where) {
        if (c == null || c.isNull()) return "";
        if (c.isTextual()) return c.asText();
        if (!c.isArray()) throw ApiException.invalid(where, where + " must be a string or an array of text parts");
        StringBuilder sb = new StringBuilder();
        for (JsonNode part : c) {
            if (!part.isObject() || !"text".equals(part.path("type").asText()) || !part.path("text").isTextual()) {
                throw ApiException.invalid(where, where + ": only text parts ({\"type\": \"text\", \"text\": ...}) are supported");
            }
            sb.append(part.get("text").asText());
        }
        return sb.toString();
    }

    private static String prompt(JsonNode root) {
        JsonNode p = root.get("prompt");
        if (p == null || p.isNull()) throw ApiException.invalid("prompt", "prompt is required");
        if (p.isTextual()) return p.asText();
        if (p.isArray() && p.size() == 1 && p.get(0).isTextual()) return p.get(0).asText();
        throw ApiException.invalid("prompt", "prompt must be a string (or an array of one string)");
    }

    private static List<String> stops(JsonNode root) {
        if (!has(root, "stop")) return List.of();
        JsonNode s = root.get("stop");
        if (s.isTextual()) return s.asText().isEmpty() ? List.of() : List.of(s.asText());
        if (!s.isArray() || s.size() > MAX_STOPS) throw ApiException.invalid("stop", "stop must be a string or an array of at most " + MAX_STOPS + " strings");
        List<String> stops = new ArrayList<>();
        for (JsonNode e : s) {
            if (!e.isTextual()) throw ApiException.invalid("stop", "stop must be a string or an array of at most " + MAX_STOPS + " strings");
            if (!e.asText().isEmpty()) stops.add(e.asText());
        }
        return stops;
    }

    /** The {@code kv} extension over the server's default policy. */
    private static PolicyConfig policy(JsonNode root, PolicyConfig defaults) {
        if (!has(root, "kv")) return defaults;
        JsonNode kv = object(root, "kv");
        String name = has(kv, "policy") ? optionalString(kv, "policy", "kv.policy") : defaults.kind().cliName();
        KvType kvType = defaults.kvType();
        if (has(kv, "kv_type")) {
            try {
                kvType = KvType.parse(optionalString(kv, "kv_type", "kv.kv_type"));
            } catch (IllegalArgumentException e) {
                throw ApiException.invalid("kv.kv_type", "kv." + e.getMessage().replace("kv type: ", "kv_type: "));
            }
        }
        try {
            PolicyKind kind = PolicyKind.parse(name);
            // the same policy as the server's keeps the server's tuning (window, beta, ...)
            PolicyConfig.Builder b = kind == defaults.kind() ? defaults.toBuilder() : PolicyConfig.builder(kind);
            if (has(kv, "budget")) {
                if (kind == PolicyKind.FULL) throw ApiException.invalid("kv.budget", "kv.budget: policy full keeps every token; choose another kv.policy to set a budget");
                b.budget(integer(kv, "budget", "kv.budget"));
            } else if (kind != defaults.kind() && kind != PolicyKind.FULL) {
                b.budget(DEFAULT_BUDGET);
            }
            if (has(kv, "max_kv")) b.maxKvTokens(integer(kv, "max_kv", "kv.max_kv"));
            return b.kvType(kvType).build();
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid("kv", "kv." + e.getMessage());
        }
    }

    // A field given as JSON null counts as absent: some clients send every field.
    private static boolean has(JsonNode o, String field) {
        JsonNode v = o.get(field);
        return v != null && !v.isNull();
    }

    private static String optionalString(JsonNode o, String field) {
        return optionalString(o, field, field);
    }

    private static String optionalString(JsonNode o, String field, String name) {
        if (!has(o, field)) return null;
        JsonNode v = o.get(field);
        if (!v.isTextual()) throw ApiException.invalid(name, name + " must be a string, got " + v.getNodeType().name().toLowerCase(Locale.ROOT));
        return v.asText();
    }

    private static int integer(JsonNode o, String field) {
        return integer(o, field, field);
    }

    private static int integer(JsonNode o, String field, String name) {
        JsonNode v = o.get(field);
        if (!v.isIntegralNumber() || !v.canConvertToInt()) throw ApiException.invalid(name, name + " must be an integer, got " + v);
        return v.intValue();
    }

    private static long longInteger(JsonNode o, String field) {
        JsonNode v = o.get(field);
        if (!v.isIntegralNumber() || !v.canConvertToLong()) throw ApiException.invalid(field, field + " must be an integer, got " + v);
        return v.longValue();
    }

    private static double number(JsonNode o, String field) {
        JsonNode v = o.get(field);
        if (!v.isNumber()) throw ApiException.invalid(field, field + " must be a number, got " + v);
        return v.doubleValue();
    }

    private static boolean bool(JsonNode o, String field) {
        JsonNode v = o.get(field);
        if (!v.isBoolean()) throw ApiException.invalid(field, field + " must be true or false, got " + v);
        return v.booleanValue();
    }

    private static JsonNode object(JsonNode o, String field) {
        JsonNode v = o.get(field);
        if (!v.isObject()) throw ApiException.invalid(field, field + " must be an object, got " + v);
        return v;
    }
}
