package dev.pyramidkv.engine.kernels.onednn;

import dev.pyramidkv.dnnl.DnnlEngine;
import dev.pyramidkv.dnnl.Matmul;
import dev.pyramidkv.dnnl.MatmulSpec;
import dev.pyramidkv.dnnl.WeightsLayout;

import java.lang.foreign.MemorySegment;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Prefill GEMMs on oneDNN: {@code out[m][n] (f32) = src[m][k] (bf16) · W[n][k]ᵀ (bf16)}, for several rows at
 * once. One primitive per shape and weights layout, created on first use and kept: the full chunks of every
 * prompt share one; a prompt's last chunk has its own (the most recent {@link #KEPT} shapes are kept). A packed
 * matrix hands each primitive its weights in the layout that primitive chose ({@link Bf16Matrix#data}).
 * Not thread-safe (one session's thread).
 */
public final class DnnlGemm implements AutoCloseable {
    /** Shapes kept: every full-chunk shape plus recent last-chunk shapes. */
    static final int KEPT = 64;

    private final DnnlEngine engine;
    private final Map<Long, Matmul> byShape = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Matmul> eldest) {
            if (size() <= KEPT) return false;
            eldest.getValue().close();
            return true;
        }
    };

    public DnnlGemm(DnnlEngine engine) {
        this.engine = engine;
    }

    /**
     * {@code out = src · wᵀ} for the first {@code m} rows: src bf16 {@code [m][w.k()]} dense, out f32
     * {@code [m][w.n()]} dense.
     */
    public void run(MemorySegment src, int m, Bf16Matrix w, MemorySegment out) {
        Matmul mm = matmul(m, w);
        mm.execute(src, w.data(mm), out);
    }

    private Matmul matmul(int m, Bf16Matrix w) {
        if (m <= 0 || m > (1 << 20)) throw new IllegalArgumentException("rows must be in [1, 2^20], got " + m);
        long key = ((long) m << 42) | ((long) w.k() << 21) | w.n() | (w.layout() == WeightsLayout.ANY ? 1L << 63 : 0);
        Matmul mm = byShape.get(key);
        if (mm == null) {
            mm = Matmul.create(engine, MatmulSpec.bf16(m, w.k(), w.n(), w.layout()));
            byShape.put(key, mm);
        }
        return mm;
    }

    /** Primitives currently kept. */
    public int primitives() {
        return byShape.size();
    }

    @Override
    public void close() {
        for (Matmul mm : byShape.values()) mm.close();
        byShape.clear();
    }
}
