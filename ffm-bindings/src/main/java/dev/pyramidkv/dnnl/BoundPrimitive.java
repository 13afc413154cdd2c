package dev.pyramidkv.dnnl;

import dev.pyramidkv.dnnl.c.dnnl_exec_arg_t;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static dev.pyramidkv.dnnl.c.dnnl_h.*;

/**
 * A created primitive with one {@code dnnl_memory_t} per argument, made once and executed many
 * times: {@link #bind} swaps the data pointer of an argument ({@code dnnl_memory_set_data_handle},
 * skipped when unchanged) and {@link #execute} runs it with a preallocated {@code dnnl_exec_arg_t}
 * array, so executing allocates nothing on the Java heap.
 *
 * <p>Scratchpad is user-managed (allocated here, once): a primitive then depends on no global
 * per-thread state and may be executed from any one thread at a time.
 */
final class BoundPrimitive implements AutoCloseable {

    private final DnnlEngine engine;
    private final String what;                 // for messages, e.g. "matmul f32 [512x2048]x[2048x2048]"
    private final Arena arena = Arena.ofShared();  // exec args, scratchpad, descriptor copies
    private MemorySegment pd;
    private MemorySegment primitive;
    private final int[] argKinds;              // DNNL_ARG_* per slot
    private final MemorySegment[] memories;    // dnnl_memory_t per slot (plus scratchpad last, if any)
    private final MemoryDesc[] descs;          // per slot, as the primitive wants it
    private final long[] spans;                // minimum buffer bytes per slot
    private final long[] bound;                // address last bound per slot, 0 = none
    private MemorySegment args;                // dnnl_exec_arg_t[nargs]
    private int nargs;
    private String implementation = "?";
    private boolean closed;

    private BoundPrimitive(DnnlEngine engine, MemorySegment pd, String what, int[] argKinds) {
        this.engine = engine;
        this.pd = pd;
        this.what = what;
        this.argKinds = argKinds.clone();
        this.memories = new MemorySegment[argKinds.length + 1];
        this.descs = new MemoryDesc[argKinds.length];
        this.spans = new long[argKinds.length];
        this.bound = new long[argKinds.length];
    }

    /**
     * Creates the primitive for {@code pd} (whose ownership passes here: it is destroyed with this
     * object, or at once if creation fails) with one memory per {@code argKinds} entry.
     */
    static BoundPrimitive create(DnnlEngine engine, MemorySegment pd, String what, int... argKinds) {
        BoundPrimitive p = new BoundPrimitive(engine, pd, what, argKinds);
        try {
            p.init();
            engine.register(p);
            return p;
        } catch (RuntimeException | Error e) {
            p.close();
            throw e;
        }
    }

    private void init() {
        MemorySegment out = arena.allocate(C_POINTER);
        DnnlException.check(dnnl_primitive_desc_query(pd, dnnl_query_impl_info_str(), 0, out),
                "dnnl_primitive_desc_query", "asking for the implementation of " + what);
        implementation = out.get(C_POINTER, 0).getString(0);

        for (int i = 0; i < argKinds.length; i++) {
            MemorySegment md = dnnl_primitive_desc_query_md(pd, dnnl_query_exec_arg_md(), argKinds[i]);
            if (md.address() == 0) throw new IllegalStateException(what + " takes no argument " + argKinds[i]);
            descs[i] = MemoryDesc.copyOf(arena, md);
            spans[i] = descs[i].spanBytes();
            memories[i] = createMemory(descs[i].segment(), MemorySegment.NULL, out, "argument " + argKinds[i]);
        }

        MemorySegment scratchMd = dnnl_primitive_desc_query_md(pd, dnnl_query_scratchpad_md(), 0);
        long scratchBytes = scratchMd.address() == 0 ? 0 : dnnl_memory_desc_get_size(scratchMd);
        if (scratchBytes > 0) {
            MemorySegment scratch = arena.allocate(scratchBytes, 64);
            memories[argKinds.length] = createMemory(scratchMd, scratch, out, "scratchpad");
        }

        nargs = argKinds.length + (scratchBytes > 0 ? 1 : 0);
        args = dnnl_exec_arg_t.allocateArray(nargs, arena);
        for (int i = 0; i < nargs; i++) {
            MemorySegment a = dnnl_exec_arg_t.asSlice(args, i);
            dnnl_exec_arg_t.arg(a, i < argKinds.length ? argKinds[i] : DNNL_ARG_SCRATCHPAD());
            dnnl_exec_arg_t.memory(a, memories[i]);
        }

        DnnlException.check(dnnl_primitive_create(out, pd), "dnnl_primitive_create", "creating " + what);
        primitive = out.get(C_POINTER, 0);
    }

    /** A primitive descriptor for an op descriptor ({@code dnnl_matmul_desc_t}, ...), with user scratchpad. */
    static MemorySegment createPrimitiveDesc(DnnlEngine engine, MemorySegment opDesc, String what) {
        try (Arena tmp = Arena.ofConfined()) {
            MemorySegment out = tmp.allocate(C_POINTER);
            MemorySegment attr = userScratchpadAttr(out, what);
            try {
                DnnlException.check(dnnl_primitive_desc_create(out, opDesc, attr, engine.engine(), MemorySegment.NULL),
                        "dnnl_primitive_desc_create", "creating " + what);
                return out.get(C_POINTER, 0);
            } finally {
                dnnl_primitive_attr_destroy(attr);
            }
        }
    }

    /** A reorder primitive descriptor from one layout/type to another, with user scratchpad. */
    static MemorySegment createReorderPrimitiveDesc(DnnlEngine engine, MemoryDesc from, MemoryDesc to, String what) {
        try (Arena tmp = Arena.ofConfined()) {
            MemorySegment out = tmp.allocate(C_POINTER);
            MemorySegment attr = userScratchpadAttr(out, what);
            try {
                DnnlException.check(dnnl_reorder_primitive_desc_create(out, from.segment(), engine.engine(),
                        to.segment(), engine.engine(), attr), "dnnl_reorder_primitive_desc_create", "creating " + what);
                return out.get(C_POINTER, 0);
            } finally {
                dnnl_primitive_attr_destroy(attr);
            }
        }
    }

    private static MemorySegment userScratchpadAttr(MemorySegment out, String what) {
        DnnlException.check(dnnl_primitive_attr_create(out), "dnnl_primitive_attr_create", "creating " + what);
        MemorySegment attr = out.get(C_POINTER, 0);
        int status = dnnl_primitive_attr_set_scratchpad_mode(attr, dnnl_scratchpad_mode_user());
        if (status != dnnl_success()) {
            dnnl_primitive_attr_destroy(attr);
            throw new DnnlException(status, "dnnl_primitive_attr_set_scratchpad_mode", "creating " + what);
        }
        return attr;
    }

    private MemorySegment createMemory(MemorySegment md, MemorySegment handle, MemorySegment out, String role) {
        DnnlException.check(dnnl_memory_create(out, md, engine.engine(), handle), "dnnl_memory_create",
                "creating the " + role + " memory of " + what);
        return out.get(C_POINTER, 0);
    }

    /** The layout the primitive expects for slot {@code slot}. */
    MemoryDesc desc(int slot) {
        return descs[slot];
    }

    /** Minimum bytes of the buffer bound to {@code slot}. */
    long span(int slot) {
        return spans[slot];
    }

    /** oneDNN's name for the chosen implementation, e.g. {@code brg:avx512_core}. */
    String implementation() {
        return implementation;
    }

    /** Points argument {@code slot} at {@code data}. Validates before touching native state. */
    void bind(int slot, MemorySegment data, String name) {
        if (closed) throw new IllegalStateException(what + " is closed");
        if (!data.isNative()) throw new IllegalArgumentException(name + " must be native memory (a heap segment has no stable address)");
        if (data.byteSize() < spans[slot]) {
            throw new IllegalArgumentException(name + " has " + data.byteSize() + " bytes, but " + what + " needs "
                    + spans[slot] + " (" + descs[slot] + ")");
        }
        long address = data.address();
        if (address != bound[slot]) {
            DnnlException.check(dnnl_memory_set_data_handle(memories[slot], data), "dnnl_memory_set_data_handle", what);
            bound[slot] = address;
        }
    }

    /** Runs the primitive on the bound buffers and waits for it. */
    void execute() {
        if (closed) throw new IllegalStateException(what + " is closed");
        for (int i = 0; i < bound.length; i++) {
            if (bound[i] == 0) throw new IllegalStateException(what + ": argument " + argKinds[i] + " was never bound");
        }
        DnnlException.check(dnnl_primitive_execute(primitive, engine.stream(), nargs, args), "dnnl_primitive_execute", what);
        DnnlException.check(dnnl_stream_wait(engine.stream()), "dnnl_stream_wait", what);
    }

    DnnlEngine engine() {
        return engine;
    }

    String what() {
        return what;
    }

    /** Destroys the primitive, its memories and descriptor, frees its arena. Idempotent. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        if (primitive != null) dnnl_primitive_destroy(primitive);
        for (MemorySegment m : memories) if (m != null) dnnl_memory_destroy(m);
        if (pd != null) dnnl_primitive_desc_destroy(pd);
        primitive = null;
        pd = null;
        arena.close();
        engine.unregister(this);
    }
}
