package dev.pyramidkv.engine.json;

import java.util.List;
import java.util.Locale;

/**
 * Writes the JSON that {@code --json} prints: objects with keys in insertion order, no dependencies.
 *
 * <pre>
 * Json.object().put("text", text).put("prompt_tokens", 12).put("decode_tokens_per_s", 41.5).toString()
 * </pre>
 */
public final class Json {
    private Json() {
    }

    public static ObjectBuilder object() {
        return new ObjectBuilder();
    }

    /** A JSON array of already-rendered JSON values (objects, numbers, quoted strings). */
    public static String array(List<String> renderedValues) {
        return "[" + String.join(", ", renderedValues) + "]";
    }

    /** A JSON string literal. */
    public static String quote(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }

    public static final class ObjectBuilder {
        private final StringBuilder sb = new StringBuilder("{");

        public ObjectBuilder put(String key, String value) {
            return putRaw(key, quote(value));
        }

        public ObjectBuilder put(String key, long value) {
            return putRaw(key, Long.toString(value));
        }

        /** Non-finite numbers have no JSON form and are written as null. */
        public ObjectBuilder put(String key, double value) {
            return putRaw(key, Double.isFinite(value) ? Double.toString(value) : "null");
        }

        public ObjectBuilder put(String key, boolean value) {
            return putRaw(key, Boolean.toString(value));
        }

        /** A value already rendered as JSON (a nested object or an array). */
        public ObjectBuilder putRaw(String key, String json) {
            if (sb.length() > 1) {
                sb.append(", ");
            }
            sb.append(quote(key)).append(": ").append(json);
            return this;
        }

        @Override
        public String toString() {
            return sb + "}";
        }
    }
}
