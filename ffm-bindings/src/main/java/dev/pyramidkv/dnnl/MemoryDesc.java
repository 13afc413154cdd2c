package dev.pyramidkv.dnnl;

import dev.pyramidkv.dnnl.c.dnnl_blocking_desc_t;
import dev.pyramidkv.dnnl.c.dnnl_h;
import dev.pyramidkv.dnnl.c.dnnl_memory_desc_t;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.util.Arrays;

import static dev.pyramidkv.dnnl.c.dnnl_h.*;

/**
 * A {@code dnnl_memory_desc_t} (a 696-byte struct in oneDNN 2.x) in memory owned by the caller's
 * allocator: shape, element type and layout of a tensor, without its data. Dimensions are in
 * logical order; strides are in elements.
 */
public final class MemoryDesc {

    private final MemorySegment desc;

    private MemoryDesc(MemorySegment desc) {
        this.desc = desc;
    }

    /** A plain layout given by strides, e.g. dims {@code [M, K]} with strides {@code [lda, 1]}. */
    public static MemoryDesc strided(SegmentAllocator alloc, DataType type, long[] dims, long[] strides) {
        if (dims.length != strides.length) {
            throw new IllegalArgumentException("dims " + Arrays.toString(dims) + " and strides "
                    + Arrays.toString(strides) + " must have the same length");
        }
        MemorySegment md = dnnl_memory_desc_t.allocate(alloc);
        DnnlException.check(dnnl_memory_desc_init_by_strides(md, dims.length, alloc.allocateFrom(C_LONG, dims),
                        type.code(), alloc.allocateFrom(C_LONG, strides)),
                "dnnl_memory_desc_init_by_strides", type + " dims " + Arrays.toString(dims) + " strides " + Arrays.toString(strides));
        return new MemoryDesc(md);
    }

    /** Dense row-major: the last dimension is contiguous ({@code dnnl_ab}, {@code dnnl_abc}, ...). */
    public static MemoryDesc rowMajor(SegmentAllocator alloc, DataType type, long... dims) {
        long[] strides = new long[dims.length];
        long s = 1;
        for (int i = dims.length - 1; i >= 0; i--) {
            strides[i] = s;
            s *= dims[i];
        }
        return strided(alloc, type, dims, strides);
    }

    /** A layout named by a {@code dnnl_format_tag_t}, e.g. {@link dnnl_h#dnnl_ba()}. */
    public static MemoryDesc tagged(SegmentAllocator alloc, DataType type, int formatTag, long... dims) {
        MemorySegment md = dnnl_memory_desc_t.allocate(alloc);
        DnnlException.check(dnnl_memory_desc_init_by_tag(md, dims.length, alloc.allocateFrom(C_LONG, dims), type.code(), formatTag),
                "dnnl_memory_desc_init_by_tag", type + " dims " + Arrays.toString(dims) + " format tag " + formatTag);
        return new MemoryDesc(md);
    }

    /** "Any layout": the primitive chooses (e.g. a blocked weights layout); query it back after creation. */
    public static MemoryDesc any(SegmentAllocator alloc, DataType type, long... dims) {
        return tagged(alloc, type, dnnl_format_tag_any(), dims);
    }

    /** A copy of a descriptor oneDNN returned (e.g. from {@code dnnl_primitive_desc_query_md}). */
    static MemoryDesc copyOf(SegmentAllocator alloc, MemorySegment pointer) {
        MemorySegment md = dnnl_memory_desc_t.allocate(alloc);
        md.copyFrom(pointer.reinterpret(dnnl_memory_desc_t.sizeof()));
        return new MemoryDesc(md);
    }

    /** A copy in memory of {@code alloc}: keeps a layout a primitive chose beyond the primitive's life. */
    public MemoryDesc copy(SegmentAllocator alloc) {
        return copyOf(alloc, desc);
    }

    /** The {@code dnnl_memory_desc_t} struct, to pass to the C API. */
    public MemorySegment segment() {
        return desc;
    }

    /** Bytes a buffer with this layout needs (including padding of blocked layouts). */
    public long byteSize() {
        return dnnl_memory_desc_get_size(desc);
    }

    /**
     * Bytes a buffer must span: for plain strided layouts, from the first element to one past the
     * last ({@code 1 + sum (dims[i]-1) * strides[i]} elements), so a row-strided view into a larger
     * matrix (a head's slice of Q) qualifies; for blocked layouts, {@link #byteSize()}.
     */
    public long spanBytes() {
        if (formatKind() != dnnl_blocked() || innerBlockCount() > 0) return byteSize();
        long[] d = dims(), s = strides();
        long last = 0;
        for (int i = 0; i < d.length; i++) {
            if (d[i] == 0) return 0;
            last += (d[i] - 1) * s[i];
        }
        return (last + 1) * dataType().byteSize();
    }

    public DataType dataType() {
        return DataType.of(dnnl_memory_desc_t.data_type(desc));
    }

    public long[] dims() {
        long[] d = new long[dnnl_memory_desc_t.ndims(desc)];
        MemorySegment dims = dnnl_memory_desc_t.dims(desc);
        for (int i = 0; i < d.length; i++) d[i] = dims.getAtIndex(C_LONG, i);
        return d;
    }

    /** {@code dnnl_format_kind_t}: {@link dnnl_h#dnnl_blocked()} for concrete layouts, {@link dnnl_h#dnnl_format_kind_any()} before a primitive chose. */
    public int formatKind() {
        return dnnl_memory_desc_t.format_kind(desc);
    }

    /** Outer strides of a blocked layout, in elements. */
    public long[] strides() {
        MemorySegment blocking = dnnl_memory_desc_t.format_desc(desc);
        long[] s = new long[dnnl_memory_desc_t.ndims(desc)];
        MemorySegment strides = dnnl_blocking_desc_t.strides(blocking);
        for (int i = 0; i < s.length; i++) s[i] = strides.getAtIndex(C_LONG, i);
        return s;
    }

    /** Number of inner blocks (0 for plain layouts; e.g. 2 for a weights layout like {@code BA16a64b2a}). */
    public int innerBlockCount() {
        return dnnl_blocking_desc_t.inner_nblks(dnnl_memory_desc_t.format_desc(desc));
    }

    /** Same shape, type and layout, as oneDNN judges it ({@code dnnl_memory_desc_equal}). */
    public boolean sameAs(MemoryDesc other) {
        return dnnl_memory_desc_equal(desc, other.desc) != 0;
    }

    /** Describes the layout; a descriptor whose memory was freed (its primitive closed) says so, never reads it. */
    @Override
    public String toString() {
        if (!desc.scope().isAlive()) return "a freed memory descriptor";
        int kind = formatKind();
        String layout = kind == dnnl_blocked() ? "strides " + Arrays.toString(strides())
                        + (innerBlockCount() > 0 ? " + " + innerBlockCount() + " inner block(s)" : "")
                : kind == dnnl_format_kind_any() ? "any layout"
                : "format kind " + kind;
        return dataType() + " " + Arrays.toString(dims()) + " " + layout;
    }
}
