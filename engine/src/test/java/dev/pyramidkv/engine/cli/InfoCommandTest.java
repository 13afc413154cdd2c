package dev.pyramidkv.engine.cli;

import org.junit.jupiter.api.Tag;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pyramidkv.engine.testing.TestModels;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** {@code pyramidkv info} on both real models. */
@Tag("download")
class InfoCommandTest {

    private static String run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int status = new Cli(Main.COMMANDS).run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), Map.of(), null, false);
        assertEquals(0, status, () -> err.toString(StandardCharsets.UTF_8));
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void smollm2Json() throws Exception {
        JsonNode j = new ObjectMapper().readTree(run("info", "--model", TestModels.smollm2().toString(), "--json"));
        assertEquals("llama", j.get("architecture").asText());
        assertEquals(30, j.get("layers").asInt());
        assertEquals(9, j.get("heads").asInt());
        assertEquals(3, j.get("kv_heads").asInt());
        assertEquals(576, j.get("embedding_length").asInt());
        assertEquals(8192, j.get("context_length").asInt());
        assertEquals(49152, j.get("vocab_size").asInt());
        assertEquals("gpt2", j.get("tokenizer").asText());
        assertEquals(272, j.get("tensor_count").asInt());
        assertEquals(210, j.get("tensor_types").get("Q4_1").asInt());
        assertEquals(61, j.get("tensor_types").get("F32").asInt());
        assertEquals(1, j.get("tensor_types").get("Q8_0").asInt());
    }

    @Test
    void stories260KText() {
        String text = run("info", "--model", TestModels.stories260K().toString());
        assertTrue(text.matches("(?s).*layers\\s+5\\n.*"), text);
        assertTrue(text.matches("(?s).*kv heads\\s+4\\n.*"), text);
        assertTrue(text.matches("(?s).*vocabulary\\s+512\\n.*"), text);
        assertTrue(text.matches("(?s).*tokenizer\\s+llama\\n.*"), text);
        assertTrue(text.contains("48 (F32 ×48)"), text);
    }
}
