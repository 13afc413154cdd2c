package dev.pyramidkv.engine.testing;

import dev.pyramidkv.engine.registry.FetchProgress;
import dev.pyramidkv.engine.registry.KnownModel;
import dev.pyramidkv.engine.registry.ModelRegistry;
import dev.pyramidkv.engine.registry.ModelStatus;
import org.junit.jupiter.api.Assumptions;

import java.nio.file.Path;

/** The real models the tests run, resolved (and verified, fetched if missing) by the model registry. */
public final class TestModels {
    private TestModels() {}

    private static final ModelRegistry REGISTRY = ModelRegistry.standard();

    public static Path stories260K() {
        return REGISTRY.ensure(KnownModel.STORIES260K, FetchProgress.SILENT);
    }

    public static Path smollm2() {
        return REGISTRY.ensure(KnownModel.SMOLLM2, FetchProgress.SILENT);
    }

    /**
     * Qwen2.5-Coder-0.5B-Instruct (491 MB): the test is skipped, saying why, when it has not been fetched
     * ({@code .ci/run} fetches it); a file that is there but corrupt is an error, not a skip.
     */
    public static Path qwen25Coder05b() {
        ModelStatus status = REGISTRY.status(KnownModel.QWEN25_CODER_05B);
        Assumptions.assumeTrue(status.state() != ModelStatus.State.MISSING,
                "qwen2.5-coder-0.5b is not fetched (./pyramidkv models --fetch qwen2.5-coder-0.5b): " + status.detail());
        return REGISTRY.ensure(KnownModel.QWEN25_CODER_05B, FetchProgress.SILENT);
    }
}
