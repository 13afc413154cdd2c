package dev.pyramidkv.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pyramidkv.engine.api.Backend;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** A real HTTP client for a real server on the loopback, and the settings the tests start servers with. */
final class ServerHarness {
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private ServerHarness() {}

    /** Loopback, any free port, Java prefill (it runs on every CPU), two sessions of one thread. */
    static ServerSettings settings(String modelId) {
        return ServerSettings.defaults(modelId, 0).withBackend(Backend.JAVA).withSessions(2, 1);
    }

    record Reply(int status, String body, HttpResponse<String> response) {
        JsonNode json() throws IOException { return JSON.readTree(body); }

        @Override
        public String toString() { return status + " " + body; }
    }

    static Reply post(URI base, String path, String body) throws IOException, InterruptedException {
        HttpRequest req = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofMinutes(5))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
        HttpResponse<String> r = CLIENT.send(req, HttpResponse.BodyHandlers.ofString());
        return new Reply(r.statusCode(), r.body(), r);
    }

    static Reply get(URI base, String path) throws IOException, InterruptedException {
        HttpRequest req = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofMinutes(1)).GET().build();
        HttpResponse<String> r = CLIENT.send(req, HttpResponse.BodyHandlers.ofString());
        return new Reply(r.statusCode(), r.body(), r);
    }

    /** The JSON payloads of a server-sent event stream, up to {@code [DONE]} (which must be there). */
    static List<JsonNode> events(URI base, String path, String body) throws IOException, InterruptedException {
        HttpRequest req = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofMinutes(5))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
        HttpResponse<java.util.stream.Stream<String>> r = CLIENT.send(req, HttpResponse.BodyHandlers.ofLines());
        if (r.statusCode() != 200) throw new AssertionError("status " + r.statusCode() + ": " + String.join("\n", r.body().toList()));
        if (!r.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream")) throw new AssertionError("not an event stream: " + r.headers());
        List<JsonNode> events = new ArrayList<>();
        boolean done = false;
        for (String line : (Iterable<String>) r.body()::iterator) {
            if (!line.startsWith("data: ")) continue;
            String data = line.substring(6);
            if (data.equals("[DONE]")) { done = true; break; }
            events.add(JSON.readTree(data));
        }
        if (!done) throw new AssertionError("the stream ended without [DONE] after " + events);
        return events;
    }

    /** The text of a streamed chat completion: the deltas' contents joined. */
    static String streamedText(List<JsonNode> events, boolean chat) {
        StringBuilder sb = new StringBuilder();
        for (JsonNode e : events) {
            if (e.path("choices").isEmpty()) continue;
            JsonNode c = e.path("choices").get(0);
            JsonNode t = chat ? c.path("delta").path("content") : c.path("text");
            if (t.isTextual()) sb.append(t.asText());
        }
        return sb.toString();
    }

    /** A value of the Prometheus text {@code /metrics} returns. */
    static double metric(URI base, String name) throws IOException, InterruptedException {
        for (String line : get(base, "/metrics").body().lines().toList()) {
            if (line.startsWith(name + " ")) return Double.parseDouble(line.substring(name.length() + 1));
        }
        throw new AssertionError("no metric " + name);
    }

    static String chatBody(String question, int maxTokens, String extra) {
        return "{\"model\": \"stories260K\", \"messages\": [{\"role\": \"user\", \"content\": " + quote(question) + "}], "
                + "\"max_tokens\": " + maxTokens + ", \"temperature\": 0" + (extra.isEmpty() ? "" : ", " + extra) + "}";
    }

    static String completionBody(String prompt, int maxTokens, String extra) {
        return "{\"model\": \"stories260K\", \"prompt\": " + quote(prompt) + ", \"max_tokens\": " + maxTokens
                + ", \"temperature\": 0" + (extra.isEmpty() ? "" : ", " + extra) + "}";
    }

    static String quote(String s) {
        try {
            return JSON.writeValueAsString(s);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
