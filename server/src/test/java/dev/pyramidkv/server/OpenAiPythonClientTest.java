package dev.pyramidkv.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pyramidkv.engine.api.Engine;
import dev.pyramidkv.engine.testing.TestModels;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static dev.pyramidkv.server.ServerHarness.*;
import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The official {@code openai} Python package (in a venv this test makes under target/, pip-installed once)
 * against the real server on the loopback: whole and streamed answers equal our own client's, and a bad request
 * raises the client's BadRequestError. Skipped, saying why, only when pip cannot install the package.
 */
class OpenAiPythonClientTest {
    static final Path VENV = Path.of("target", "openai-venv").toAbsolutePath();

    private static int run(List<String> command, StringBuilder output, long minutes) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        try (InputStream in = p.getInputStream()) {
            output.append(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
        if (!p.waitFor(minutes, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            return -1;
        }
        return p.exitValue();
    }

    private static Path python() throws IOException, InterruptedException {
        Path python = VENV.resolve("bin/python");
        StringBuilder out = new StringBuilder();
        if (!Files.exists(VENV.resolve("openai-installed"))) {
            assertEquals(0, run(List.of("python3", "-m", "venv", VENV.toString()), out, 2), () -> "python3 -m venv failed: " + out);
            int pip = run(List.of(python.toString(), "-m", "pip", "install", "-q", "--disable-pip-version-check", "openai"), out, 5);
            assumeTrue(pip == 0, () -> "skipped: pip could not install openai (is PyPI reachable?): " + out);
            Files.createFile(VENV.resolve("openai-installed"));
        }
        return python;
    }

    @Test
    void theOfficialClientTalksToTheServer() throws Exception {
        Path python = python();
        Path script = Path.of(OpenAiPythonClientTest.class.getResource("/openai_client.py").toURI());
        try (Engine engine = Engine.load(TestModels.stories260K());
             OpenAiServer server = OpenAiServer.start(engine, settings("stories260K"))) {
            String question = "Tell me a story about a frog.";
            JsonNode ours = post(server.uri(), "/v1/chat/completions", chatBody(question, 32, "")).json();
            StringBuilder out = new StringBuilder();
            int status = run(List.of(python.toString(), script.toString(), server.uri() + "/v1", question), out, 5);
            assertEquals(0, status, out::toString);
            String last = out.toString().strip().lines().reduce((a, b) -> b).orElse("");
            JsonNode r = JSON.readTree(last);
            String text = ours.path("choices").get(0).path("message").path("content").asText();
            assertEquals(text, r.path("whole").asText(), out::toString);
            assertEquals(text, r.path("streamed").asText(), out::toString);
            assertEquals(ours.path("usage").path("completion_tokens").asInt(), r.path("completion_tokens").asInt());
            assertEquals(ours.path("usage").path("completion_tokens").asInt(), r.path("streamed_completion_tokens").asInt());
            assertEquals("BadRequestError 400", r.path("error").asText(), out::toString);
        }
    }
}
