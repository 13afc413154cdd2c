package dev.pyramidkv.engine.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pyramidkv.engine.testing.TestModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class ProfileCommandTest {
    @Test
    void pyramidProfileOnStories(@TempDir Path dir) throws Exception {
        Path png = dir.resolve("layers.png");
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int status = new Cli(Main.COMMANDS).run(new String[]{"profile", "--model", TestModels.stories260K().toString(),
                        "--policy", "pyramid", "--budget", "64", "--prompt-len", "600", "--max-tokens", "8", "--threads", "2",
                        "--png", png.toString(), "--json"},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), Map.of(), null, false);
        assertEquals(0, status, err.toString(StandardCharsets.UTF_8));
        JsonNode j = new ObjectMapper().readTree(out.toString(StandardCharsets.UTF_8));
        JsonNode layers = j.get("layers");
        assertEquals(5, layers.size());
        // the pyramid: each layer keeps fewer tokens than the one below it, all far fewer than the prompt
        for (int l = 1; l < layers.size(); l++) {
            assertTrue(layers.get(l).get("kept_tokens").asInt() < layers.get(l - 1).get("kept_tokens").asInt());
        }
        assertTrue(layers.get(0).get("kept_tokens").asInt() < j.get("prompt_tokens").asInt());
        assertTrue(j.get("kv_bytes").asLong() < j.get("kv_full_bytes").asLong() / 2);
        long sum = 0;
        for (JsonNode l : layers) sum += l.get("live_bytes").asLong();
        assertEquals(j.get("kv_bytes").asLong(), sum);
        assertTrue(layers.get(0).get("compress_us").asLong() > 0, "prefill compression events were recorded");
        BufferedImage img = ImageIO.read(png.toFile());
        assertEquals(1000, img.getWidth());
        assertEquals(500, img.getHeight());
    }
}
