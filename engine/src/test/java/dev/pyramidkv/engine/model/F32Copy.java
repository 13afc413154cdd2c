package dev.pyramidkv.engine.model;

import dev.pyramidkv.engine.gguf.GgufFile;
import dev.pyramidkv.engine.gguf.GgufTensor;
import dev.pyramidkv.engine.gguf.GgufValue;
import dev.pyramidkv.engine.gguf.GgufValueType;
import dev.pyramidkv.engine.kernels.Dequant;
import dev.pyramidkv.engine.testing.GgufBuilder;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Map;

/**
 * An in-memory GGUF image of a llama model with every tensor dequantized to F32 (as {@link Dequant#row}
 * rounds it) and the {@code general.architecture} and numeric {@code llama.*} metadata: the same network
 * with the activation quantization of its matmuls taken out. No tokenizer.
 */
final class F32Copy {
    private F32Copy() {}

    static MemorySegment of(GgufFile source, Arena arena) {
        GgufBuilder b = new GgufBuilder().kvString("general.architecture", source.metadata().getString("general.architecture"));
        for (Map.Entry<String, GgufValue> e : source.metadata().asMap().entrySet()) {
            GgufValue v = e.getValue();
            if (!e.getKey().startsWith("llama.")) continue;
            if (v.isInteger()) b.kvU32(e.getKey(), Math.toIntExact((Long) v.value()));
            else if (v.type() == GgufValueType.FLOAT32) b.kvF32(e.getKey(), (float) (double) (Double) v.value());
        }
        GgufTensor[] tensors = source.tensorList().toArray(GgufTensor[]::new);
        long[] offsets = new long[tensors.length];
        for (int i = 0; i < tensors.length; i++) {
            offsets[i] = b.reserveTensor(tensors[i].name(), tensors[i].dims(), 0 /* F32 */, 4 * tensors[i].elements());
        }
        byte[] header = b.header();
        MemorySegment image = arena.allocate(header.length + b.reservedBytes(), 64);
        MemorySegment.copy(MemorySegment.ofArray(header), 0, image, 0, header.length);
        for (int i = 0; i < tensors.length; i++) {
            GgufTensor t = tensors[i];
            long rowBytes = 4 * t.rowLength();   // Dequant.row throws for types it cannot read
            for (long r = 0; r < t.rows(); r++) Dequant.row(t, r, image, header.length + offsets[i] + r * rowBytes);
        }
        return image;
    }
}
