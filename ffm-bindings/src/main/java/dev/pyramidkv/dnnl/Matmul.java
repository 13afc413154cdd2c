package dev.pyramidkv.dnnl;

import dev.pyramidkv.dnnl.c.dnnl_matmul_desc_t;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static dev.pyramidkv.dnnl.c.dnnl_h.*;

/**
 * A oneDNN matmul {@code dst = src · weights}, created once for a shape and executed many times
 * on new buffers. Executing allocates nothing on the Java heap.
 *
 * <pre>{@code
 * try (DnnlEngine engine = DnnlEngine.create();
 *      Matmul mm = Matmul.create(engine, MatmulSpec.bf16(512, 2048, 2048, WeightsLayout.NK))) {
 *     mm.execute(src, weights, dst);      // src bf16 [512][2048], weights bf16 [2048 out][2048 in], dst f32 [512][2048]
 * }
 * }</pre>
 */
public final class Matmul implements AutoCloseable {

    private static final int SRC = 0, WEIGHTS = 1, DST = 2;   // BoundPrimitive slots

    private final BoundPrimitive primitive;

    private Matmul(BoundPrimitive primitive) {
        this.primitive = primitive;
    }

    /** A 2-D matmul as described by {@code spec}. */
    public static Matmul create(DnnlEngine engine, MatmulSpec spec) {
        try (Arena tmp = Arena.ofConfined()) {
            long m = spec.m(), k = spec.k(), n = spec.n();
            MemoryDesc src = MemoryDesc.strided(tmp, spec.srcType(), new long[]{m, k}, new long[]{spec.srcRowStride(), 1});
            MemoryDesc weights = switch (spec.weightsLayout()) {
                case KN -> MemoryDesc.strided(tmp, spec.weightsType(), new long[]{k, n}, new long[]{spec.weightsRowStride(), 1});
                case NK -> MemoryDesc.strided(tmp, spec.weightsType(), new long[]{k, n}, new long[]{1, spec.weightsRowStride()});
                case ANY -> MemoryDesc.any(tmp, spec.weightsType(), k, n);
            };
            MemoryDesc dst = MemoryDesc.strided(tmp, spec.dstType(), new long[]{m, n}, new long[]{spec.dstRowStride(), 1});
            return create(engine, src, weights, dst, spec.toString());
        }
    }

    /**
     * The general form: any descriptors oneDNN's matmul accepts (e.g. batched {@code [B,M,K]·[B,K,N]},
     * broadcasting, {@link MemoryDesc#any} for weights). The descriptors are only read during this call.
     */
    public static Matmul create(DnnlEngine engine, MemoryDesc src, MemoryDesc weights, MemoryDesc dst) {
        return create(engine, src, weights, dst, "matmul " + src + " x " + weights + " -> " + dst);
    }

    private static Matmul create(DnnlEngine engine, MemoryDesc src, MemoryDesc weights, MemoryDesc dst, String what) {
        try (Arena tmp = Arena.ofConfined()) {
            MemorySegment op = dnnl_matmul_desc_t.allocate(tmp);
            DnnlException.check(dnnl_matmul_desc_init(op, src.segment(), weights.segment(), MemorySegment.NULL, dst.segment()),
                    "dnnl_matmul_desc_init", "describing " + what);
            MemorySegment pd = BoundPrimitive.createPrimitiveDesc(engine, op, what);
            return new Matmul(BoundPrimitive.create(engine, pd, what, DNNL_ARG_SRC(), DNNL_ARG_WEIGHTS(), DNNL_ARG_DST()));
        }
    }

    /**
     * Computes {@code dst = src · weights} on these buffers and waits for the result. Each must be
     * native memory spanning its layout ({@link #srcDesc()}, ...); violations throw
     * {@link IllegalArgumentException} before anything runs.
     */
    public void execute(MemorySegment src, MemorySegment weights, MemorySegment dst) {
        primitive.bind(SRC, src, "src");
        primitive.bind(WEIGHTS, weights, "weights");
        primitive.bind(DST, dst, "dst");
        primitive.execute();
    }

    /**
     * Converts plain weights {@code [K, N]} (type {@code plainType}, dense, stored as {@code plainLayout})
     * into the layout and type this matmul expects, writing {@link #weightsBytes()} bytes to {@code packed}.
     * Meant for {@link WeightsLayout#ANY}: done once per weight matrix, at load time.
     */
    public void packWeights(MemorySegment plain, DataType plainType, WeightsLayout plainLayout, MemorySegment packed) {
        long[] dims = weightsDesc().dims();
        if (dims.length != 2) throw new IllegalStateException("packWeights needs 2-D weights; " + primitive.what() + " has " + weightsDesc());
        long k = dims[0], n = dims[1];
        try (Arena tmp = Arena.ofConfined()) {
            MemoryDesc from = switch (plainLayout) {
                case KN -> MemoryDesc.strided(tmp, plainType, dims, new long[]{n, 1});
                case NK -> MemoryDesc.strided(tmp, plainType, dims, new long[]{1, k});
                case ANY -> throw new IllegalArgumentException("plainLayout must be KN or NK, not ANY");
            };
            try (Reorder reorder = Reorder.create(primitive.engine(), from, weightsDesc())) {
                reorder.execute(plain, packed);
            }
        }
    }

    /** The src layout this matmul reads. Valid while the matmul is open. */
    public MemoryDesc srcDesc() {
        return primitive.desc(SRC);
    }

    /** The weights layout this matmul reads: for {@link WeightsLayout#ANY}, the one oneDNN chose. */
    public MemoryDesc weightsDesc() {
        return primitive.desc(WEIGHTS);
    }

    public MemoryDesc dstDesc() {
        return primitive.desc(DST);
    }

    /** Bytes the weights buffer must have (for packed layouts, including padding). */
    public long weightsBytes() {
        return primitive.span(WEIGHTS);
    }

    /** oneDNN's name for the implementation it picked, e.g. {@code brg:avx512_core_bf16}. */
    public String implementation() {
        return primitive.implementation();
    }

    @Override
    public String toString() {
        return primitive.what() + " [" + implementation() + "]";
    }

    @Override
    public void close() {
        primitive.close();
    }
}
