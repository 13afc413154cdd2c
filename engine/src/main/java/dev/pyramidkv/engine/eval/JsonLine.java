package dev.pyramidkv.engine.eval;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads one JSON object, as the results files hold them one per line: values are strings, numbers (as
 * {@link BigDecimal}, exact), booleans, null, arrays and nested objects. Malformed input fails naming the position.
 */
final class JsonLine {
    private final String s;
    private int i;

    private JsonLine(String s) { this.s = s; }

    static Map<String, Object> parseObject(String line) {
        JsonLine p = new JsonLine(line);
        p.blank();
        if (!p.peek('{')) throw p.error("expected an object");
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) p.value();
        p.blank();
        if (p.i != p.s.length()) throw p.error("text after the object");
        return m;
    }

    private Object value() {
        blank();
        if (i >= s.length()) throw error("unexpected end");
        char c = s.charAt(i);
        switch (c) {
            case '{' -> {
                i++;
                Map<String, Object> m = new LinkedHashMap<>();
                blank();
                if (peek('}')) { i++; return m; }
                while (true) {
                    blank();
                    if (!peek('"')) throw error("expected a key");
                    String k = string();
                    blank();
                    expect(':');
                    m.put(k, value());
                    blank();
                    if (peek(',')) { i++; continue; }
                    expect('}');
                    return m;
                }
            }
            case '[' -> {
                i++;
                List<Object> list = new ArrayList<>();
                blank();
                if (peek(']')) { i++; return list; }
                while (true) {
                    list.add(value());
                    blank();
                    if (peek(',')) { i++; continue; }
                    expect(']');
                    return list;
                }
            }
            case '"' -> { return string(); }
            default -> {
                if (s.startsWith("true", i)) { i += 4; return Boolean.TRUE; }
                if (s.startsWith("false", i)) { i += 5; return Boolean.FALSE; }
                if (s.startsWith("null", i)) { i += 4; return null; }
                int start = i;
                while (i < s.length() && "+-0123456789.eE".indexOf(s.charAt(i)) >= 0) i++;
                try {
                    return new BigDecimal(s.substring(start, i));
                } catch (NumberFormatException e) {
                    i = start;
                    throw error("expected a value");
                }
            }
        }
    }

    private String string() {
        expect('"');
        StringBuilder sb = new StringBuilder();
        while (true) {
            if (i >= s.length()) throw error("unterminated string");
            char c = s.charAt(i++);
            if (c == '"') return sb.toString();
            if (c != '\\') { sb.append(c); continue; }
            if (i >= s.length()) throw error("unterminated escape");
            char e = s.charAt(i++);
            switch (e) {
                case '"', '\\', '/' -> sb.append(e);
                case 'n' -> sb.append('\n');
                case 'r' -> sb.append('\r');
                case 't' -> sb.append('\t');
                case 'b' -> sb.append('\b');
                case 'f' -> sb.append('\f');
                case 'u' -> {
                    if (i + 4 > s.length()) throw error("short \\u escape");
                    sb.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
                    i += 4;
                }
                default -> throw error("bad escape \\" + e);
            }
        }
    }

    private void blank() {
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) i++;
    }

    private boolean peek(char c) { return i < s.length() && s.charAt(i) == c; }

    private void expect(char c) {
        if (!peek(c)) throw error("expected '" + c + "'");
        i++;
    }

    private IllegalArgumentException error(String what) {
        return new IllegalArgumentException("JSON: " + what + " at character " + i);
    }
}
