package dev.pyramidkv.dnnl;

import dev.pyramidkv.dnnl.c.dnnl_softmax_desc_t;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static dev.pyramidkv.dnnl.c.dnnl_h.*;

/**
 * Row-wise softmax over f32 {@code [rows][n]} (row stride {@code rowStride} elements), in place or
 * out of place; oneDNN 2.x's {@code dnnl_softmax_forward_desc_init} on axis 1. Created once per
 * shape, executed many times; executing allocates nothing on the Java heap.
 */
public final class Softmax implements AutoCloseable {

    private static final int SRC = 0, DST = 1;

    private final BoundPrimitive primitive;
    private final int rows, n;

    private Softmax(BoundPrimitive primitive, int rows, int n) {
        this.primitive = primitive;
        this.rows = rows;
        this.n = n;
    }

    /** Dense rows: {@code rowStride = n}. */
    public static Softmax create(DnnlEngine engine, int rows, int n) {
        return create(engine, rows, n, n);
    }

    public static Softmax create(DnnlEngine engine, int rows, int n, long rowStride) {
        if (rows <= 0) throw new IllegalArgumentException("rows is " + rows + " but must be positive");
        if (n <= 0) throw new IllegalArgumentException("n is " + n + " but must be positive");
        if (rowStride < n) throw new IllegalArgumentException("rowStride is " + rowStride + " but must be at least n = " + n);
        String what = "softmax f32 [" + rows + "x" + n + "]" + (rowStride != n ? " row stride " + rowStride : "");
        try (Arena tmp = Arena.ofConfined()) {
            MemoryDesc data = MemoryDesc.strided(tmp, DataType.F32, new long[]{rows, n}, new long[]{rowStride, 1});
            MemorySegment op = dnnl_softmax_desc_t.allocate(tmp);
            DnnlException.check(dnnl_softmax_forward_desc_init(op, dnnl_forward_inference(), data.segment(), 1),
                    "dnnl_softmax_forward_desc_init", "describing " + what);
            MemorySegment pd = BoundPrimitive.createPrimitiveDesc(engine, op, what);
            return new Softmax(BoundPrimitive.create(engine, pd, what, DNNL_ARG_SRC(), DNNL_ARG_DST()), rows, n);
        }
    }

    /** {@code dst[r] = softmax(src[r])} for every row; src is left unchanged. */
    public void execute(MemorySegment src, MemorySegment dst) {
        primitive.bind(SRC, src, "src");
        primitive.bind(DST, dst, "dst");
        primitive.execute();
    }

    /** {@code data[r] = softmax(data[r])} for every row. */
    public void executeInPlace(MemorySegment data) {
        primitive.bind(SRC, data, "data");
        primitive.bind(DST, data, "data");
        primitive.execute();
    }

    public int rows() {
        return rows;
    }

    public int n() {
        return n;
    }

    public String implementation() {
        return primitive.implementation();
    }

    @Override
    public void close() {
        primitive.close();
    }
}
