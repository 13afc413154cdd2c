package dev.pyramidkv.engine.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the tests find the real models. */
public final class TestModels {
    private TestModels() {}

    public static Path repoRoot() {
        String r = System.getenv("PYRAMIDKV_REPO");
        Path p = r != null ? Path.of(r) : Path.of("").toAbsolutePath();
        while (p != null && !Files.exists(p.resolve("pyramidkv")) && !Files.exists(p.resolve(".git"))) p = p.getParent();
        if (p == null) throw new IllegalStateException("cannot find the repository root (set PYRAMIDKV_REPO)");
        return p;
    }

    public static Path stories260K() {
        Path p = repoRoot().resolve("../shared/models/stories260K.gguf").normalize();
        if (!Files.isRegularFile(p)) throw new IllegalStateException("test model missing: " + p);
        return p;
    }

    public static Path smollm2() {
        Path p = Path.of("/tmp/dl/SmolLM2-135M-Instruct.Q4_1.gguf");
        if (!Files.isRegularFile(p)) throw new IllegalStateException("test model missing: " + p);
        return p;
    }
}
