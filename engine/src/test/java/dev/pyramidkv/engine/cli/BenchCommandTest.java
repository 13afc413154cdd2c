package dev.pyramidkv.engine.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pyramidkv.engine.testing.TestModels;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** {@code pyramidkv bench --vs-llamacpp --json} runs both engines on the same tokens and reports sane figures. */
class BenchCommandTest {
    @Test
    void benchAgainstLlamaCppOnStories() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int status = new Cli(Main.COMMANDS).run(new String[]{"bench", "--model", TestModels.stories260K().toString(),
                        "--prompt-tokens", "64,200", "--decode-tokens", "16", "--repeat", "1", "--threads", "2", "--vs-llamacpp", "--json"},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), Map.of(), null, false);
        assertEquals(0, status, err.toString(StandardCharsets.UTF_8));
        JsonNode j = new ObjectMapper().readTree(out.toString(StandardCharsets.UTF_8));
        assertEquals(2, j.get("threads").asInt());
        assertTrue(j.get("peak_rss_bytes").asLong() > 0);
        JsonNode runs = j.get("runs");
        assertEquals(2, runs.size());
        assertEquals(64, runs.get(0).get("prompt_tokens").asInt());
        assertEquals(200, runs.get(1).get("prompt_tokens").asInt());
        for (JsonNode r : runs) {
            assertEquals(16, r.get("decode_tokens").asInt());
            assertTrue(r.get("prefill_tokens_per_s").asDouble() > 0);
            assertTrue(r.get("decode_tokens_per_s").asDouble() > 0);
            assertTrue(r.get("kv_bytes").asLong() > 0);
            assertTrue(r.get("llamacpp").get("decode_tokens_per_s").asDouble() > 0);
            assertEquals(r.get("decode_tokens_per_s").asDouble() / r.get("llamacpp").get("decode_tokens_per_s").asDouble(),
                    r.get("decode_ratio").asDouble(), 1e-9);
        }
        // the KV cache grows with the prompt: 200 + 16 tokens against 64 + 16
        assertTrue(runs.get(1).get("kv_bytes").asLong() > 2 * runs.get(0).get("kv_bytes").asLong());
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("bench: llama.cpp"), "progress lines on stderr");
    }
}
