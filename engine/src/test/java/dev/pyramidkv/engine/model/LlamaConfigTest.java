package dev.pyramidkv.engine.model;

import org.junit.jupiter.api.Tag;
import dev.pyramidkv.engine.gguf.GgufFile;
import dev.pyramidkv.engine.testing.GgufBuilder;
import dev.pyramidkv.engine.testing.TestModels;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Hyper-parameters come from the architecture's own keys; an architecture we do not run is named. */
class LlamaConfigTest {

    @Test
    @Tag("download")
    void qwen2HyperParametersComeFromQwen2Keys() throws Exception {
        try (GgufFile f = GgufFile.open(TestModels.qwen25Coder05b())) {
            LlamaConfig c = LlamaConfig.from(f.metadata(), (int) f.tensor("token_embd.weight").rows());
            // Qwen2.5-Coder-0.5B as published: 24 layers, dim 896, 14 / 2 heads of 64, FFN 4864, 32k, base 1e6
            assertEquals("qwen2", c.architecture());
            assertEquals(24, c.layers());
            assertEquals(896, c.dim());
            assertEquals(14, c.heads());
            assertEquals(2, c.kvHeads());
            assertEquals(64, c.headDim());
            assertEquals(4864, c.ffnDim());
            assertEquals(32768, c.contextLength());
            assertEquals(1e6f, c.ropeTheta());
            assertEquals(151936, c.vocab());
            assertTrue(c.ropeNeox(), "qwen2 rotates the halves of each head (NEOX)");
            assertEquals((float) f.metadata().getDouble("qwen2.attention.layer_norm_rms_epsilon"), c.rmsEps());
        }
    }

    @Test
    void llamaKeepsNormRope() throws Exception {
        try (GgufFile f = GgufFile.open(TestModels.stories260K())) {
            LlamaConfig c = LlamaConfig.from(f.metadata(), (int) f.tensor("token_embd.weight").rows());
            assertEquals("llama", c.architecture());
            assertFalse(c.ropeNeox());
        }
    }

    @Test
    void anUnsupportedArchitectureIsNamed() {
        GgufFile f = parse(new GgufBuilder().kvString("general.architecture", "mamba").kvU32("mamba.block_count", 2).build());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LlamaConfig.from(f.metadata(), 10));
        assertEquals("unsupported architecture 'mamba' (this engine runs llama, qwen2)", e.getMessage());
    }

    @Test
    void aQwen2FileWithLlamaKeysFailsNamingTheQwen2Key() {
        GgufFile f = parse(new GgufBuilder().kvString("general.architecture", "qwen2")
                .kvU32("llama.embedding_length", 64).kvU32("llama.attention.head_count", 8).build());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LlamaConfig.from(f.metadata(), 10));
        assertTrue(e.getMessage().contains("qwen2.embedding_length"), e.getMessage());
        assertEquals(1, e.getMessage().lines().count());
    }

    private static GgufFile parse(byte[] bytes) {
        MemorySegment seg = Arena.ofAuto().allocate(bytes.length, 64);
        seg.copyFrom(MemorySegment.ofArray(bytes));
        return GgufFile.parse(seg);
    }
}
