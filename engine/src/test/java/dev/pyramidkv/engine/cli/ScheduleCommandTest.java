package dev.pyramidkv.engine.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class ScheduleCommandTest {
    private record Result(int status, String out, String err) {}

    private static Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int status = new Cli(Main.COMMANDS).run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), Map.of(), null, false);
        return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void referencePyramidAsThePaperCodeComputesIt() throws Exception {
        Result r = run("schedule", "--layers", "32", "--budget", "128", "--json");
        assertEquals(0, r.status(), r.err());
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertEquals(32, j.get("layers").size());
        assertEquals(242, j.get("layers").get(0).get("slots").asInt());
        assertEquals(25, j.get("layers").get(31).get("slots").asInt());
        long sum = 0;
        for (JsonNode l : j.get("layers")) sum += l.get("slots").asLong();
        assertEquals(sum, j.get("total").asLong());
    }

    @Test
    void exactModeTotalsLayersTimesBudget() throws Exception {
        Result r = run("schedule", "--layers", "30", "--budget", "100", "--mode", "exact", "--json");
        assertEquals(0, r.status(), r.err());
        assertEquals(3000, new ObjectMapper().readTree(r.out()).get("total").asLong());
    }

    @Test
    void badParametersAreNamed() {
        Result small = run("schedule", "--layers", "32", "--budget", "8");
        assertEquals(1, small.status());
        assertTrue(small.err().contains("budget"), small.err());
        Result kernel = run("schedule", "--layers", "32", "--budget", "64", "--policy", "nonsense");
        assertNotEquals(0, kernel.status());
        assertTrue(kernel.err().contains("nonsense"), kernel.err());
    }
}
