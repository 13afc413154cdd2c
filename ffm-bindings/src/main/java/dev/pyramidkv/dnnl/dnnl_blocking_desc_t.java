package dev.pyramidkv.dnnl;

import java.lang.foreign.*;
import java.lang.foreign.MemoryLayout.PathElement;
import java.util.Objects;

import static dev.pyramidkv.dnnl.dnnl_h.*;

/**
 * Generic blocked layout: strides between the outermost blocks, then the innermost blocks.
 * {@snippet lang=c :
 * typedef struct {
 *     dnnl_dims_t strides;
 *     int inner_nblks;
 *     dnnl_dims_t inner_blks;
 *     dnnl_dims_t inner_idxs;
 * } dnnl_blocking_desc_t;
 * }
 */
@SuppressWarnings("restricted")   // reinterpret: viewing pointers oneDNN returns
public final class dnnl_blocking_desc_t {

    private dnnl_blocking_desc_t() {}

    private static final GroupLayout $LAYOUT = MemoryLayout.structLayout(
            MemoryLayout.sequenceLayout(12, C_LONG).withName("strides"),
            C_INT.withName("inner_nblks"),
            MemoryLayout.paddingLayout(4),
            MemoryLayout.sequenceLayout(12, C_LONG).withName("inner_blks"),
            MemoryLayout.sequenceLayout(12, C_LONG).withName("inner_idxs")).withName("dnnl_blocking_desc_t");

    public static GroupLayout layout() {
        return $LAYOUT;
    }

    public static long sizeof() {
        return $LAYOUT.byteSize();
    }

    public static MemorySegment allocate(SegmentAllocator allocator) {
        return allocator.allocate($LAYOUT);
    }

    public static MemorySegment allocateArray(long elementCount, SegmentAllocator allocator) {
        return allocator.allocate(MemoryLayout.sequenceLayout(elementCount, $LAYOUT));
    }

    /** The {@code index}-th element of an array of dnnl_blocking_desc_t. */
    public static MemorySegment asSlice(MemorySegment array, long index) {
        return array.asSlice(index * $LAYOUT.byteSize(), $LAYOUT);
    }

    /** Views {@code address} (e.g. a pointer returned by oneDNN) as one dnnl_blocking_desc_t. */
    public static MemorySegment reinterpret(MemorySegment address) {
        return address.reinterpret($LAYOUT.byteSize());
    }

    private static final MemoryLayout strides$LAYOUT = $LAYOUT.select(PathElement.groupElement("strides"));
    private static final long strides$OFFSET = $LAYOUT.byteOffset(PathElement.groupElement("strides"));

    public static MemoryLayout strides$layout() {
        return strides$LAYOUT;
    }

    public static long strides$offset() {
        return strides$OFFSET;
    }

    /** A view of the 12-element array inside {@code struct}. */
    public static MemorySegment strides(MemorySegment struct) {
        return struct.asSlice(strides$OFFSET, strides$LAYOUT.byteSize());
    }

    public static void strides(MemorySegment struct, MemorySegment fieldValue) {
        MemorySegment.copy(fieldValue, 0L, struct, strides$OFFSET, strides$LAYOUT.byteSize());
    }

    public static long strides(MemorySegment struct, long index0) {
        return struct.get(C_LONG, strides$OFFSET + Objects.checkIndex(index0, 12) * C_LONG.byteSize());
    }

    public static void strides(MemorySegment struct, long index0, long fieldValue) {
        struct.set(C_LONG, strides$OFFSET + Objects.checkIndex(index0, 12) * C_LONG.byteSize(), fieldValue);
    }

    private static final ValueLayout.OfInt inner_nblks$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(PathElement.groupElement("inner_nblks"));
    private static final long inner_nblks$OFFSET = $LAYOUT.byteOffset(PathElement.groupElement("inner_nblks"));

    public static ValueLayout.OfInt inner_nblks$layout() {
        return inner_nblks$LAYOUT;
    }

    public static long inner_nblks$offset() {
        return inner_nblks$OFFSET;
    }

    public static int inner_nblks(MemorySegment struct) {
        return struct.get(inner_nblks$LAYOUT, inner_nblks$OFFSET);
    }

    public static void inner_nblks(MemorySegment struct, int fieldValue) {
        struct.set(inner_nblks$LAYOUT, inner_nblks$OFFSET, fieldValue);
    }

    private static final MemoryLayout inner_blks$LAYOUT = $LAYOUT.select(PathElement.groupElement("inner_blks"));
    private static final long inner_blks$OFFSET = $LAYOUT.byteOffset(PathElement.groupElement("inner_blks"));

    public static MemoryLayout inner_blks$layout() {
        return inner_blks$LAYOUT;
    }

    public static long inner_blks$offset() {
        return inner_blks$OFFSET;
    }

    /** A view of the 12-element array inside {@code struct}. */
    public static MemorySegment inner_blks(MemorySegment struct) {
        return struct.asSlice(inner_blks$OFFSET, inner_blks$LAYOUT.byteSize());
    }

    public static void inner_blks(MemorySegment struct, MemorySegment fieldValue) {
        MemorySegment.copy(fieldValue, 0L, struct, inner_blks$OFFSET, inner_blks$LAYOUT.byteSize());
    }

    public static long inner_blks(MemorySegment struct, long index0) {
        return struct.get(C_LONG, inner_blks$OFFSET + Objects.checkIndex(index0, 12) * C_LONG.byteSize());
    }

    public static void inner_blks(MemorySegment struct, long index0, long fieldValue) {
        struct.set(C_LONG, inner_blks$OFFSET + Objects.checkIndex(index0, 12) * C_LONG.byteSize(), fieldValue);
    }

    private static final MemoryLayout inner_idxs$LAYOUT = $LAYOUT.select(PathElement.groupElement("inner_idxs"));
    private static final long inner_idxs$OFFSET = $LAYOUT.byteOffset(PathElement.groupElement("inner_idxs"));

    public static MemoryLayout inner_idxs$layout() {
        return inner_idxs$LAYOUT;
    }

    public static long inner_idxs$offset() {
        return inner_idxs$OFFSET;
    }

    /** A view of the 12-element array inside {@code struct}. */
    public static MemorySegment inner_idxs(MemorySegment struct) {
        return struct.asSlice(inner_idxs$OFFSET, inner_idxs$LAYOUT.byteSize());
    }

    public static void inner_idxs(MemorySegment struct, MemorySegment fieldValue) {
        MemorySegment.copy(fieldValue, 0L, struct, inner_idxs$OFFSET, inner_idxs$LAYOUT.byteSize());
    }

    public static long inner_idxs(MemorySegment struct, long index0) {
        return struct.get(C_LONG, inner_idxs$OFFSET + Objects.checkIndex(index0, 12) * C_LONG.byteSize());
    }

    public static void inner_idxs(MemorySegment struct, long index0, long fieldValue) {
        struct.set(C_LONG, inner_idxs$OFFSET + Objects.checkIndex(index0, 12) * C_LONG.byteSize(), fieldValue);
    }
}
