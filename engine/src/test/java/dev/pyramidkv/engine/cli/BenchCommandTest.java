package dev.pyramidkv.engine.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pyramidkv.engine.testing.TestModels;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@code pyramidkv bench --vs-llamacpp --json} runs both engines on the same tokens, decodes exactly the requested
 * count on each side and reports medians with their range and decode latency percentiles.
 */
class BenchCommandTest {
    private record Run(int status, String out, String err) {}

    private static Run bench(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        String[] all = new String[args.length + 1];
        all[0] = "bench";
        System.arraycopy(args, 0, all, 1, args.length);
        int status = new Cli(Main.COMMANDS).run(all, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), Map.of(), null, false);
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void benchAgainstLlamaCppOnStories() throws Exception {
        // --backend java: the prefill backend is beside the point here, and the Java one runs on every CPU
        Run run = bench("--model", TestModels.stories260K().toString(), "--prompt-tokens", "32,128", "--decode-tokens", "24",
                "--warmup", "1", "--repeat", "3", "--vs-llamacpp", "--backend", "java", "--json");
        assertEquals(0, run.status, run.err);
        JsonNode j = new ObjectMapper().readTree(run.out);
        assertEquals(1, j.get("threads").asInt(), "one thread on each side unless asked");
        assertEquals(1, j.get("warmup_runs").asInt());
        assertEquals(3, j.get("counted_runs").asInt());
        assertEquals(24, j.get("decode_tokens").asInt());
        assertTrue(j.get("peak_rss_bytes").asLong() > 0);
        JsonNode load = j.get("machine_load");
        assertEquals(MachineLoad.SOURCE, load.get("source").asText());
        assertTrue(load.get("cpus").asInt() >= 1);
        double others = load.get("other_busy_cpus").asDouble();
        assertTrue(others >= 0 && others <= load.get("cpus").asInt() + 0.1, load.toString());
        assertEquals(load.get("competing").asBoolean(), j.has("warning"));

        JsonNode runs = j.get("runs");
        assertEquals(2, runs.size());
        assertEquals(32, runs.get(0).get("prompt_tokens").asInt());
        assertEquals(128, runs.get(1).get("prompt_tokens").asInt());
        for (JsonNode r : runs) {
            JsonNode peer = r.get("llamacpp");
            for (JsonNode side : new JsonNode[]{r, peer}) {
                assertEquals(24, side.get("decode_tokens").asInt(), "exactly the requested count: " + side);
                assertSpread(side, "prefill_tokens_per_s");
                assertSpread(side, "decode_tokens_per_s");
                double p50 = side.get("decode_ms_p50").asDouble(), p99 = side.get("decode_ms_p99").asDouble();
                assertTrue(p50 > 0 && p50 <= p99, side.toString());
            }
            assertTrue(r.get("kv_bytes").asLong() > 0);
            assertTrue(r.get("heap_bytes_per_decoded_token").asLong() <= r.get("heap_bytes_per_decoded_token_max").asLong());
            assertEquals(r.get("decode_tokens_per_s").asDouble() / peer.get("decode_tokens_per_s").asDouble(),
                    r.get("decode_ratio").asDouble(), 1e-9, "ratio of the medians");
            assertEquals(r.get("prefill_tokens_per_s").asDouble() / peer.get("prefill_tokens_per_s").asDouble(),
                    r.get("prefill_ratio").asDouble(), 1e-9, "ratio of the medians");
        }
        // the KV cache grows with the prompt: 128 + 24 tokens against 32 + 24
        assertTrue(runs.get(1).get("kv_bytes").asLong() > 2 * runs.get(0).get("kv_bytes").asLong());
        for (String side : new String[]{"ours", "llama.cpp"}) {
            assertTrue(run.err.contains("bench: " + side + ", 128-token prompt, warm-up 1 of 1"), run.err);
            assertTrue(run.err.contains("bench: " + side + ", 128-token prompt, run 3 of 3"), run.err);
        }
    }

    private static void assertSpread(JsonNode side, String field) {
        double median = side.get(field).asDouble(), min = side.get(field + "_min").asDouble(), max = side.get(field + "_max").asDouble();
        assertTrue(0 < min && min <= median && median <= max, field + ": " + side);
    }

    @Test
    void aPromptAndDecodeBeyondTheContextIsAUsageError() {
        Run run = bench("--model", TestModels.stories260K().toString(), "--prompt-tokens", "2040", "--decode-tokens", "16",
                "--backend", "java");
        assertEquals(2, run.status, run.err);
        assertTrue(run.err.contains("--prompt-tokens 2040 and --decode-tokens 16 need a context of 2057 tokens; stories260K.gguf has 2048"),
                run.err);
    }

    @Test
    void helpDocumentsTheMeasurement() {
        Run run = bench("--help");
        assertEquals(0, run.status, run.err);
        for (String option : new String[]{"--warmup", "--repeat", "--decode-tokens", "--threads", "--vs-llamacpp"}) {
            assertTrue(run.out.contains(option), option + " in\n" + run.out);
        }
        assertTrue(run.out.contains("end-of-text does not stop"), run.out);
        assertTrue(run.out.contains("median"), run.out);
    }

    @Test
    void aCompetingMachineIsNamedWithTheReasonItMatters() {
        MachineLoad busy = new MachineLoad(2, 1.6, Duration.ofSeconds(1)), quiet = new MachineLoad(2, 0.05, Duration.ofSeconds(1));
        assertNull(BenchCommand.warning(quiet, 2, true));
        assertNull(BenchCommand.warning(null, 2, true), "no warning where the load cannot be read");
        String twoThreads = BenchCommand.warning(busy, 2, true);
        assertTrue(twoThreads.contains("1.60 of 2 CPUs") && twoThreads.contains("/proc/stat") && twoThreads.contains("spin"), twoThreads);
        String oneThread = BenchCommand.warning(busy, 1, true);
        assertFalse(oneThread.contains("spin"), oneThread);
        assertNull(BenchCommand.warning(new MachineLoad(4, 1.6, Duration.ofSeconds(1)), 2, true), "two of four CPUs are free");
    }
}
