package dev.pyramidkv.dnnl;

import java.lang.foreign.*;
import java.lang.foreign.MemoryLayout.PathElement;
import java.util.Objects;

import static dev.pyramidkv.dnnl.dnnl_h.*;

/**
 * Weights layout of 8-bit Winograd convolutions (never used by us; part of the memory descriptor union).
 * {@snippet lang=c :
 * typedef struct {
 *     dnnl_wino_memory_format_t wino_format;
 *     int r;
 *     int alpha;
 *     int ic;
 *     int oc;
 *     int ic_block;
 *     int oc_block;
 *     int ic2_block;
 *     int oc2_block;
 *     float adj_scale;
 *     size_t size;
 * } dnnl_wino_desc_t;
 * }
 */
@SuppressWarnings("restricted")   // reinterpret: viewing pointers oneDNN returns
public final class dnnl_wino_desc_t {

    private dnnl_wino_desc_t() {}

    private static final GroupLayout $LAYOUT = MemoryLayout.structLayout(
            C_INT.withName("wino_format"),
            C_INT.withName("r"),
            C_INT.withName("alpha"),
            C_INT.withName("ic"),
            C_INT.withName("oc"),
            C_INT.withName("ic_block"),
            C_INT.withName("oc_block"),
            C_INT.withName("ic2_block"),
            C_INT.withName("oc2_block"),
            C_FLOAT.withName("adj_scale"),
            C_LONG.withName("size")).withName("dnnl_wino_desc_t");

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

    /** The {@code index}-th element of an array of dnnl_wino_desc_t. */
    public static MemorySegment asSlice(MemorySegment array, long index) {
        return array.asSlice(index * $LAYOUT.byteSize(), $LAYOUT);
    }

    /** Views {@code address} (e.g. a pointer returned by oneDNN) as one dnnl_wino_desc_t. */
    public static MemorySegment reinterpret(MemorySegment address) {
        return address.reinterpret($LAYOUT.byteSize());
    }

    private static final ValueLayout.OfInt wino_format$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(PathElement.groupElement("wino_format"));
    private static final long wino_format$OFFSET = $LAYOUT.byteOffset(PathElement.groupElement("wino_format"));

    public static ValueLayout.OfInt wino_format$layout() {
        return wino_format$LAYOUT;
    }

    public static long wino_format$offset() {
        return wino_format$OFFSET;
    }

    public static int wino_format(MemorySegment struct) {
        return struct.get(wino_format$LAYOUT, wino_format$OFFSET);
    }

    public static void wino_format(MemorySegment struct, int fieldValue) {
        struct.set(wino_format$LAYOUT, wino_format$OFFSET, fieldValue);
    }

    private static final ValueLayout.OfInt r$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(PathElement.groupElement("r"));
    private static final long r$OFFSET = $LAYOUT.byteOffset(PathElement.groupElement("r"));

    public static ValueLayout.OfInt r$layout() {
        return r$LAYOUT;
    }

    public static long r$offset() {
        return r$OFFSET;
    }

    public static int r(MemorySegment struct) {
        return struct.get(r$LAYOUT, r$OFFSET);
    }

    public static void r(MemorySegment struct, int fieldValue) {
        struct.set(r$LAYOUT, r$OFFSET, fieldValue);
    }

    private static final ValueLayout.OfInt alpha$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(PathElement.groupElement("alpha"));
    private static final long alpha$OFFSET = $LAYOUT.byteOffset(PathElement.groupElement("alpha"));

    public static ValueLayout.OfInt alpha$layout() {
        return alpha$LAYOUT;
    }

    public static long alpha$offset() {
        return alpha$OFFSET;
    }

    public static int alpha(MemorySegment struct) {
        return struct.get(alpha$LAYOUT, alpha$OFFSET);
    }

    public static void alpha(MemorySegment struct, int fieldValue) {
        struct.set(alpha$LAYOUT, alpha$OFFSET, fieldValue);
    }

    private static final ValueLayout.OfInt ic$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(PathElement.groupElement("ic"));
    private static final long ic$OFFSET = $LAYOUT.byteOffset(PathElement.groupElement("ic"));

    public static ValueLayout.OfInt ic$layout() {
        return ic$LAYOUT;
    }

    public static long ic$offset() {
        return ic$OFFSET;
    }

    public static int ic(MemorySegment struct) {
        return struct.get(ic$LAYOUT, ic$OFFSET);
    }

    public static void ic(MemorySegment struct, int fieldValue) {
        struct.set(ic$LAYOUT, ic$OFFSET, fieldValue);
    }

    private static final ValueLayout.OfInt oc$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(PathElement.groupElement("oc"));
    private static final long oc$OFFSET = $LAYOUT.byteOffset(PathElement.groupElement("oc"));

    public static ValueLayout.OfInt oc$layout() {
        return oc$LAYOUT;
    }

    public static long oc$offset() {
        return oc$OFFSET;
    }

    public static int oc(MemorySegment struct) {
        return struct.get(oc$LAYOUT, oc$OFFSET);
    }

    public static void oc(MemorySegment struct, int fieldValue) {
        struct.set(oc$LAYOUT, oc$OFFSET, fieldValue);
    }

    private static final ValueLayout.OfInt ic_block$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(PathElement.groupElement("ic_block"));
    private static final long ic_block$OFFSET = $LAYOUT.byteOffset(PathElement.groupElement("ic_block"));

    public static ValueLayout.OfInt ic_block$layout() {
        return ic_block$LAYOUT;
    }

    public static long ic_block$offset() {
        return ic_block$OFFSET;
    }

    public static int ic_block(MemorySegment struct) {
        return struct.get(ic_block$LAYOUT, ic_block$OFFSET);
    }

    public static void ic_block(MemorySegment struct, int fieldValue) {
        struct.set(ic_block$LAYOUT, ic_block$OFFSET, fieldValue);
    }

    private static final ValueLayout.OfInt oc_block$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(PathElement.groupElement("oc_block"));
    private static final long oc_block$OFFSET = $LAYOUT.byteOffset(PathElement.groupElement("oc_block"));

    public static ValueLayout.OfInt oc_block$layout() {
        return oc_block$LAYOUT;
    }

    public static long oc_block$offset() {
        return oc_block$OFFSET;
    }

    public static int oc_block(MemorySegment struct) {
        return struct.get(oc_block$LAYOUT, oc_block$OFFSET);
    }

    public static void oc_block(MemorySegment struct, int fieldValue) {
        struct.set(oc_block$LAYOUT, oc_block$OFFSET, fieldValue);
    }

    private static final ValueLayout.OfInt ic2_block$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(PathElement.groupElement("ic2_block"));
    private static final long ic2_block$OFFSET = $LAYOUT.byteOffset(PathElement.groupElement("ic2_block"));

    public static ValueLayout.OfInt ic2_block$layout() {
        return ic2_block$LAYOUT;
    }

    public static long ic2_block$offset() {
        return ic2_block$OFFSET;
    }

    public static int ic2_block(MemorySegment struct) {
        return struct.get(ic2_block$LAYOUT, ic2_block$OFFSET);
    }

    public static void ic2_block(MemorySegment struct, int fieldValue) {
        struct.set(ic2_block$LAYOUT, ic2_block$OFFSET, fieldValue);
    }

    private static final ValueLayout.OfInt oc2_block$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(PathElement.groupElement("oc2_block"));
    private static final long oc2_block$OFFSET = $LAYOUT.byteOffset(PathElement.groupElement("oc2_block"));

    public static ValueLayout.OfInt oc2_block$layout() {
        return oc2_block$LAYOUT;
    }

    public static long oc2_block$offset() {
        return oc2_block$OFFSET;
    }

    public static int oc2_block(MemorySegment struct) {
        return struct.get(oc2_block$LAYOUT, oc2_block$OFFSET);
    }

    public static void oc2_block(MemorySegment struct, int fieldValue) {
        struct.set(oc2_block$LAYOUT, oc2_block$OFFSET, fieldValue);
    }

    private static final ValueLayout.OfFloat adj_scale$LAYOUT = (ValueLayout.OfFloat) $LAYOUT.select(PathElement.groupElement("adj_scale"));
    private static final long adj_scale$OFFSET = $LAYOUT.byteOffset(PathElement.groupElement("adj_scale"));

    public static ValueLayout.OfFloat adj_scale$layout() {
        return adj_scale$LAYOUT;
    }

    public static long adj_scale$offset() {
        return adj_scale$OFFSET;
    }

    public static float adj_scale(MemorySegment struct) {
        return struct.get(adj_scale$LAYOUT, adj_scale$OFFSET);
    }

    public static void adj_scale(MemorySegment struct, float fieldValue) {
        struct.set(adj_scale$LAYOUT, adj_scale$OFFSET, fieldValue);
    }

    private static final ValueLayout.OfLong size$LAYOUT = (ValueLayout.OfLong) $LAYOUT.select(PathElement.groupElement("size"));
    private static final long size$OFFSET = $LAYOUT.byteOffset(PathElement.groupElement("size"));

    public static ValueLayout.OfLong size$layout() {
        return size$LAYOUT;
    }

    public static long size$offset() {
        return size$OFFSET;
    }

    public static long size(MemorySegment struct) {
        return struct.get(size$LAYOUT, size$OFFSET);
    }

    public static void size(MemorySegment struct, long fieldValue) {
        struct.set(size$LAYOUT, size$OFFSET, fieldValue);
    }
}
