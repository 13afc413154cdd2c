package dev.pyramidkv.engine.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * ./pyramidkv end to end, after `package` built the jar (Failsafe): the JDK found, the JVM flags, the
 * dropped incubator warning, exit statuses and stderr exactly as a user sees them.
 */
class LauncherIT {
    @TempDir
    Path tmp;

    private ProcessRun launch(String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(ProcessRun.repo().resolve("pyramidkv").toString());
        command.addAll(List.of(args));
        Map<String, String> env = new HashMap<>();
        env.put("JAVA_HOME", System.getProperty("java.home")); // the JDK running this test: >= 25
        env.put("PYRAMIDKV_HOME", tmp.resolve("home").toString());
        env.put("PYRAMIDKV_NO_BUILD", "1"); // never a Maven build inside this Maven build
        return ProcessRun.run(command, tmp, env, List.of("PYRAMIDKV_MODEL", "PYRAMIDKV_DEBUG"));
    }

    @Test
    void helpRunsTheJarWithNothingOnStderr() throws Exception {
        ProcessRun r = launch("--help");
        assertEquals(0, r.exitCode(), r::toString);
        assertTrue(r.stdout().startsWith("usage: pyramidkv"), r::toString);
        assertEquals("", r.stderr(), "no JVM warnings (incubator, native access) may leak to the user");
    }

    @Test
    void theJvmRunsWithTheVectorApiAndNativeAccess() throws Exception {
        ProcessRun r = launch("--version");
        assertEquals(0, r.exitCode(), r::toString);
        assertTrue(r.stdout().startsWith("pyramidkv 0.1.0"), r::toString); // from the jar's manifest
        assertTrue(r.stdout().contains("\nvector api: enabled\n"), r::toString);
        assertTrue(r.stdout().contains("\nnative access: enabled\n"), r::toString);
        assertEquals("", r.stderr());
    }

    @Test
    void modelsJsonThroughTheLauncher() throws Exception {
        ProcessRun r = launch("models", "--json");
        assertEquals(0, r.exitCode(), r::toString);
        JsonNode root = new ObjectMapper().readTree(r.stdout());
        assertEquals(tmp.resolve("home").toString(), root.get("cache_dir").asText());
        // The launcher tells the jar where the repository is, so the model committed to it is found.
        assertEquals("stories260K", root.get("models").get(1).get("name").asText());
        assertTrue(root.get("models").get(1).get("present").asBoolean(), r::toString);
        assertEquals("", r.stderr());
    }

    @Test
    void aBadModelIsOneLineOnStderrAndStatus1() throws Exception {
        ProcessRun r = launch("info", "--model", "/nonexistent/m.gguf");
        assertEquals(1, r.exitCode(), r::toString);
        assertEquals("pyramidkv: --model /nonexistent/m.gguf: no such file\n", r.stderr());
        assertEquals("", r.stdout());
    }

    @Test
    void aRelativeModelPathIsResolvedFromTheCallersDirectory() throws Exception {
        java.nio.file.Files.writeString(tmp.resolve("notes.gguf"), "not a model");
        ProcessRun r = launch("info", "--model", "notes.gguf");
        assertEquals(1, r.exitCode(), r::toString);
        assertTrue(r.stderr().startsWith("pyramidkv: --model notes.gguf: not a GGUF file"), r::toString);
    }

    @Test
    void anUnknownCommandIsStatus2WithUsage() throws Exception {
        ProcessRun r = launch("frobnicate");
        assertEquals(2, r.exitCode(), r::toString);
        assertTrue(r.stderr().startsWith("pyramidkv: unknown command 'frobnicate'\n"), r::toString);
        assertTrue(r.stderr().contains("commands:"), r::toString);
        assertFalse(r.stderr().contains("WARNING"), r::toString);
    }
}
