package dev.pyramidkv.engine.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
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
        return launch(Map.of(), args);
    }

    private ProcessRun launch(Map<String, String> extraEnv, String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(ProcessRun.repo().resolve("pyramidkv").toString());
        command.addAll(List.of(args));
        Map<String, String> env = new HashMap<>();
        env.put("JAVA_HOME", System.getProperty("java.home")); // the JDK running this test: >= 25
        env.put("PYRAMIDKV_HOME", tmp.resolve("home").toString());
        env.put("PYRAMIDKV_NO_BUILD", "1"); // never a Maven build inside this Maven build
        env.put("PYRAMIDKV_AOT", "0");      // no training run, except where a test asks for one
        env.putAll(extraEnv);
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

    /**
     * The AOT cache: made by a training run when missing, then used; a damaged one and a stale one change
     * nothing the user sees (same text, no JVM messages), and a stale one is made again.
     */
    @Test
    void theAotCacheIsMadeUsedAndNeverHarmfulWhenDamagedOrStale() throws Exception {
        Path cache = Files.createDirectories(tmp.resolve("aot")).resolve("pyramidkv.aot");
        Map<String, String> aot = Map.of("PYRAMIDKV_AOT", "1", "PYRAMIDKV_AOT_CACHE", cache.toString());
        String[] generate = {"generate", "--model", "stories260K", "--prompt", "Once upon a time", "--max-tokens", "24"};
        ProcessRun plain = launch(generate);
        assertEquals(0, plain.exitCode(), plain::toString);
        assertFalse(Files.exists(cache));

        ProcessRun trained = launch(aot, generate);
        assertEquals(0, trained.exitCode(), trained::toString);
        assertTrue(Files.size(cache) > 1 << 20, () -> "no AOT cache made: " + trained);
        assertEquals(plain.stdout(), trained.stdout());
        assertNoJvmMessages(trained);

        Files.write(cache, new byte[4096]); // damaged, and newer than the jar
        ProcessRun damaged = launch(aot, generate);
        assertEquals(0, damaged.exitCode(), damaged::toString);
        assertEquals(plain.stdout(), damaged.stdout());
        assertNoJvmMessages(damaged);

        Path jar = ProcessRun.repo().resolve("engine/target/pyramidkv.jar");
        Files.setLastModifiedTime(cache, FileTime.fromMillis(Files.getLastModifiedTime(jar).toMillis() - 3_600_000));
        ProcessRun stale = launch(aot, generate);
        assertEquals(0, stale.exitCode(), stale::toString);
        assertEquals(plain.stdout(), stale.stdout());
        assertNoJvmMessages(stale);
        assertTrue(Files.size(cache) > 1 << 20 && Files.getLastModifiedTime(cache).compareTo(Files.getLastModifiedTime(jar)) > 0,
                "a stale cache is made again");
    }

    /** Only our own lines: the speed line, and on a CPU without bf16 GEMMs the Java-backend warning. */
    private static void assertNoJvmMessages(ProcessRun r) {
        for (String line : r.stderr().lines().toList()) {
            assertTrue(line.startsWith("pyramidkv: ") || line.startsWith("["), () -> "unexpected stderr line: " + r);
            assertFalse(line.contains("aot]") || line.contains("cds]"), r::toString);
        }
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
