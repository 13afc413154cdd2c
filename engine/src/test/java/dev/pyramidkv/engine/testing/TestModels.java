package dev.pyramidkv.engine.testing;

import dev.pyramidkv.engine.registry.FetchProgress;
import dev.pyramidkv.engine.registry.KnownModel;
import dev.pyramidkv.engine.registry.ModelRegistry;

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
}
