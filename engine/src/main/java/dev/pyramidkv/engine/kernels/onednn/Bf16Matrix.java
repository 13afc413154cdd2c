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
 *   <li>{@link WeightsLayout#ANY}: packed in the blocked layout oneDNN's bf16 matmul chooses. Which layout that
 *       is depends on the ISA oneDNN dispatches to and, on some (AMX), on the number of rows; so the matrix
 *       keeps one packed copy per layout a matmul asked for ({@link #data(Matmul)}): the layout of a full
 *       chunk, packed at load, and rarely another, packed the first time a matmul wants it. Shared by
 *       sessions on any thread;</li>
 *   <li>{@link WeightsLayout#NK}: plain rows {@code [n][k]}, a scratch refilled with {@link #dequantize}.</li>
 * </ul>
 */
public final class Bf16Matrix {

    /** One packed copy: the layout (in the matrix's arena) and the bytes in it. */
    private record Packed(MemoryDesc desc, MemorySegment data) {}

    private final int k, n;
    private final WeightsLayout layout;
    private final MemorySegment plainData;   // NK only
    private final GgufTensor[] parts;         // ANY only: what to pack again for another layout
    private final Arena arena;                // ANY only: where packed copies live
    private volatile Packed[] packed;         // ANY only: copy-on-write, one entry per layout

    private Bf16Matrix(int k, int n, WeightsLayout layout, MemorySegment plainData, GgufTensor[] parts, Arena arena) {
        this.k = k;
        this.n = n;
        this.layout = layout;
        this.plainData = plainData;
        this.parts = parts;
        this.arena = arena;
        this.packed = new Packed[0];
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
     * source rows wants; packed copies live in {@code arena} (a shared one if sessions on other threads use it).
     */
    public static Bf16Matrix pack(DnnlEngine engine, Arena arena, int m, GgufTensor... parts) {
        int[] kn = stackedShape(parts);
        Bf16Matrix w = new Bf16Matrix(kn[0], kn[1], WeightsLayout.ANY, null, parts.clone(), arena);
        try (Matmul mm = Matmul.create(engine, MatmulSpec.bf16(m, w.k, w.n, WeightsLayout.ANY))) {
            w.data(mm);
        }
        return w;
    }

    /** An uninitialised plain {@code [n][k]} bf16 matrix in {@code arena}. */
    public static Bf16Matrix plain(Arena arena, int k, int n) {
        return new Bf16Matrix(k, n, WeightsLayout.NK, arena.allocate(2L * k * n, 64), null, null);
    }

    public int k() { return k; }

    public int n() { return n; }

    public WeightsLayout layout() { return layout; }

    /** Number of packed copies (layouts) held; 0 for a plain matrix. */
    public int layouts() { return packed.length; }

    /**
     * The weights as {@code mm} reads them. Plain: the rows. Packed: the copy in {@code mm}'s weights layout,
     * made now (dequantized again from the GGUF blocks and reordered) if no matmul asked for that layout before.
     */
    public MemorySegment data(Matmul mm) {
        if (layout == WeightsLayout.NK) return plainData;
        MemoryDesc wanted = mm.weightsDesc();
        for (Packed p : packed) {
            if (p.desc.sameAs(wanted)) return p.data;
        }
        synchronized (this) {
            Packed[] now = packed;
            for (Packed p : now) {
                if (p.desc.sameAs(wanted)) return p.data;
            }
            Packed p = packFor(mm);
            Packed[] more = java.util.Arrays.copyOf(now, now.length + 1);
            more[now.length] = p;
            packed = more;
            return p.data;
        }
    }

    private Packed packFor(Matmul mm) {
        try (Arena tmp = Arena.ofConfined()) {
            MemorySegment rows = tmp.allocate(2L * k * n, 64);
            dequantizeInto(rows, Bf16.scratch(tmp, k), parts);
            MemorySegment data = arena.allocate(mm.weightsBytes(), 64);
            mm.packWeights(rows, DataType.BF16, WeightsLayout.NK, data);
            return new Packed(mm.weightsDesc().copy(arena), data);
        }
    }

    /** Refills this plain matrix with {@code parts} stacked; {@code scratch} holds one f32 row of k. */
    public void dequantize(MemorySegment scratch, GgufTensor... parts) {
        if (layout != WeightsLayout.NK) throw new IllegalStateException("only plain matrices are refilled; this one is packed");
        dequantizeInto(plainData, scratch, parts);
    }

    private void dequantizeInto(MemorySegment rows, MemorySegment scratch, GgufTensor... parts) {
        int[] kn = stackedShape(parts);
        if (kn[0] != k || kn[1] != n) {
            throw new IllegalArgumentException("tensors stack to [" + kn[1] + "][" + kn[0] + "], this matrix is [" + n + "][" + k + "]");
        }
        long row = 0;
        for (GgufTensor t : parts) {
            Bf16.dequantRows(t, 0, t.rows(), rows, 2L * k * row, scratch);
            row += t.rows();
        }
    }

    /** Bytes held: the plain rows, or every packed copy. */
    public long byteSize() {
        if (layout == WeightsLayout.NK) return plainData.byteSize();
        long b = 0;
        for (Packed p : packed) b += p.data.byteSize();
        return b;
    }
}
