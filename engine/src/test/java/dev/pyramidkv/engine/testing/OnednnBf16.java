package dev.pyramidkv.engine.testing;

import dev.pyramidkv.dnnl.Dnnl;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Tests of the bf16 oneDNN prefill run where oneDNN implements bf16 (AVX-512 CPUs); elsewhere they are skipped, saying why. */
public final class OnednnBf16 {
    private OnednnBf16() {}

    public static boolean available() {
        return Dnnl.isAvailable() && Dnnl.bf16Unsupported().isEmpty();
    }

    public static void assume() {
        assumeTrue(available(), () -> Dnnl.isAvailable() ? Dnnl.bf16Unsupported() : Dnnl.unavailableReason());
    }
}
