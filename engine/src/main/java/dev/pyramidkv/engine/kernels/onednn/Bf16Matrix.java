package dev.pyramidkv.engine.kernels.onednn;

import dev.pyramidkv.dnnl.DataType;
import dev.pyramidkv.dnnl.DnnlEngine;
import dev.pyramidkv.dnnl.Matmul;
import dev.pyramidkv.dnnl.MatmulSpec;
import dev.pyramidkv.dnnl.MemoryDesc;
import dev.pyramidkv.dnnl.WeightsLayout;
import dev.pyramidkv.engine.gguf.GgufTensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * A weight matrix {@code W [n][k]} in bf16 for {@link DnnlGemm}: one GGUF tensor, or several with the same
 * row length stacked along n (e.g. {@code [wq; wk; wv]}, so one GEMM computes the three projections).
 * <ul>
 *   <li>{@link WeightsLayout#ANY}: in the blocked layout oneDNN's bf16 matmul chose ({@link #packedDesc});
 *       filled once, read by every prefill;</li>
 *   <li>{@link WeightsLayout#NK}: plain rows {@code [n][k]}, a scratch refilled with {@link #dequantize}.</li>
 * </ul>
 */
public record Bf16Matrix(MemorySegment data, int k, int n, WeightsLayout layout, MemoryDesc packedDesc) {

    public Bf16Matrix {
        if (layout == WeightsLayout.KN) throw new IllegalArgumentException("weights are stored [n][k] (NK) or packed (ANY), not KN");
        if ((layout == WeightsLayout.ANY) != (packedDesc != null)) throw new IllegalArgumentException("packedDesc is for, and only for, ANY");
    }

    /** Row length and total rows of {@code parts} stacked; they must share the row length. */
    static int[] stackedShape(GgufTensor... parts) {
        if (parts.length == 0) throw new IllegalArgumentException("no tensors to stack");
        long k = parts[0].rowLength(), n = 0;
        for (GgufTensor t : parts) {
            if (t.rowLength() != k) throw new IllegalArgumentException("tensor '" + t.name() + "' has rows of " + t.rowLength() + ", '" + parts[0].name() + "' of " + k);
            n += t.rows();
        }
        return new int[]{(int) k, (int) n};
    }

    /**
     * {@code parts} stacked, dequantized to bf16 and reordered into the layout oneDNN's matmul with {@code m}
     * source rows wants; lives in {@code arena}. {@link DnnlGemm} checks that its matmuls (any m) want the same.
     */
    public static Bf16Matrix pack(DnnlEngine engine, Arena arena, int m, GgufTensor... parts) {
        int[] kn = stackedShape(parts);
        int k = kn[0], n = kn[1];
        try (Arena tmp = Arena.ofConfined();
             Matmul mm = Matmul.create(engine, MatmulSpec.bf16(m, k, n, WeightsLayout.ANY))) {
            Bf16Matrix plain = plain(tmp, k, n);
            plain.dequantize(Bf16.scratch(tmp, k), parts);
            MemorySegment packed = arena.allocate(mm.weightsBytes(), 64);
            mm.packWeights(plain.data, DataType.BF16, WeightsLayout.NK, packed);
            return new Bf16Matrix(packed, k, n, WeightsLayout.ANY, mm.weightsDesc().copy(arena));
        }
    }

    /** An uninitialised plain {@code [n][k]} bf16 matrix in {@code arena}. */
    public static Bf16Matrix plain(Arena arena, int k, int n) {
        return new Bf16Matrix(arena.allocate(2L * k * n, 64), k, n, WeightsLayout.NK, null);
    }

    /** Refills this plain matrix with {@code parts} stacked; {@code scratch} holds one f32 row of k. */
    public void dequantize(MemorySegment scratch, GgufTensor... parts) {
        if (layout != WeightsLayout.NK) throw new IllegalStateException("only plain matrices are refilled; this one is packed");
        int[] kn = stackedShape(parts);
        if (kn[0] != k || kn[1] != n) {
            throw new IllegalArgumentException("tensors stack to [" + kn[1] + "][" + kn[0] + "], this matrix is [" + n + "][" + k + "]");
        }
        long row = 0;
        for (GgufTensor t : parts) {
            Bf16.dequantRows(t, 0, t.rows(), data, 2L * k * row, scratch);
            row += t.rows();
        }
    }

    public long byteSize() {
        return data.byteSize();
    }
}
