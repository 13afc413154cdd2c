package dev.pyramidkv.engine.api;

import java.util.Locale;

/**
 * What runs a prompt's prefill. Decode (one token at a time) always runs on the Java Vector API kernels.
 */
public enum Backend {
    /**
     * oneDNN bf16 GEMMs and blocked attention: fast on CPUs with AVX-512 bf16; activations are rounded to bf16
     * rather than quantized to Q8 as llama.cpp does, so logits differ slightly from llama.cpp's. If libdnnl
     * cannot be loaded, sessions fall back to {@link #JAVA} with one warning.
     */
    ONEDNN,
    /** Vector API kernels on the quantized blocks with Q8 activations, as llama.cpp computes: the reference path. */
    JAVA;

    /** {@code onednn} or {@code java}. */
    public static Backend parse(String name) {
        for (Backend b : values()) if (b.label().equals(name)) return b;
        throw new IllegalArgumentException("unknown backend '" + name + "' (expected onednn or java)");
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
