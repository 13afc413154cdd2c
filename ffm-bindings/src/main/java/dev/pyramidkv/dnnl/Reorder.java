package dev.pyramidkv.dnnl;

import java.lang.foreign.MemorySegment;

import static dev.pyramidkv.dnnl.c.dnnl_h.*;

/**
 * A oneDNN reorder: copies a tensor from one layout and/or type to another (f32 → bf16
 * activations, plain → blocked weights). Created once, executed many times.
 */
public final class Reorder implements AutoCloseable {

    private static final int FROM = 0, TO = 1;

    private final BoundPrimitive primitive;

    private Reorder(BoundPrimitive primitive) {
        this.primitive = primitive;
    }

    /** The descriptors are only read during this call. */
    public static Reorder create(DnnlEngine engine, MemoryDesc from, MemoryDesc to) {
        String what = "reorder " + from + " -> " + to;
        MemorySegment pd = BoundPrimitive.createReorderPrimitiveDesc(engine, from, to, what);
        return new Reorder(BoundPrimitive.create(engine, pd, what, DNNL_ARG_FROM(), DNNL_ARG_TO()));
    }

    public void execute(MemorySegment src, MemorySegment dst) {
        primitive.bind(FROM, src, "src");
        primitive.bind(TO, dst, "dst");
        primitive.execute();
    }

    public String implementation() {
        return primitive.implementation();
    }

    @Override
    public void close() {
        primitive.close();
    }
}
