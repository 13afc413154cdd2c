package dev.pyramidkv.dnnl;

import java.lang.foreign.*;
import java.lang.foreign.MemoryLayout.PathElement;
import java.util.Objects;

import static dev.pyramidkv.dnnl.dnnl_h.*;

/**
 * Extra information stored with a memory descriptor (compensation for int8 weights).
 * {@snippet lang=c :
 * typedef struct {
 *     uint64_t flags;
 *     int compensation_mask;
 *     float scale_adjust;
 *     int asymm_compensation_mask;
 *     char reserved[60];
 * } dnnl_memory_extra_desc_t;
 * }
 */
@SuppressWarnings("restricted")   // reinterpret: viewing pointers oneDNN returns
public final class dnnl_memory_extra_desc_t {

    private dnnl_memory_extra_desc_t() {}

    private static final GroupLayout $LAYOUT = MemoryLayout.structLayout(
            C_LONG.withName("flags"),
            C_INT.withName("compensation_mask"),
            C_FLOAT.withName("scale_adjust"),
            C_INT.withName("asymm_compensation_mask"),
            MemoryLayout.sequenceLayout(60, C_CHAR).withName("reserved")).withName("dnnl_memory_extra_desc_t");

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

    /** The {@code index}-th element of an array of dnnl_memory_extra_desc_t. */
    public static MemorySegment asSlice(MemorySegment array, long index) {
        return array.asSlice(index * $LAYOUT.byteSize(), $LAYOUT);
    }

    /** Views {@code address} (e.g. a pointer returned by oneDNN) as one dnnl_memory_extra_desc_t. */
    public static MemorySegment reinterpret(MemorySegment address) {
        return address.reinterpret($LAYOUT.byteSize());
    }

    private static final ValueLayout.OfLong flags$LAYOUT = (ValueLayout.OfLong) $LAYOUT.select(PathElement.groupElement("flags"));
    private static final long flags$OFFSET = $LAYOUT.byteOffset(PathElement.groupElement("flags"));

    public static ValueLayout.OfLong flags$layout() {
        return flags$LAYOUT;
    }

    public static long flags$offset() {
        return flags$OFFSET;
    }

    public static long flags(MemorySegment struct) {
        return struct.get(flags$LAYOUT, flags$OFFSET);
    }

    public static void flags(MemorySegment struct, long fieldValue) {
        struct.set(flags$LAYOUT, flags$OFFSET, fieldValue);
    }

    private static final ValueLayout.OfInt compensation_mask$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(PathElement.groupElement("compensation_mask"));
    private static final long compensation_mask$OFFSET = $LAYOUT.byteOffset(PathElement.groupElement("compensation_mask"));

    public static ValueLayout.OfInt compensation_mask$layout() {
        return compensation_mask$LAYOUT;
    }

    public static long compensation_mask$offset() {
        return compensation_mask$OFFSET;
    }

    public static int compensation_mask(MemorySegment struct) {
        return struct.get(compensation_mask$LAYOUT, compensation_mask$OFFSET);
    }

    public static void compensation_mask(MemorySegment struct, int fieldValue) {
        struct.set(compensation_mask$LAYOUT, compensation_mask$OFFSET, fieldValue);
    }

    private static final ValueLayout.OfFloat scale_adjust$LAYOUT = (ValueLayout.OfFloat) $LAYOUT.select(PathElement.groupElement("scale_adjust"));
    private static final long scale_adjust$OFFSET = $LAYOUT.byteOffset(PathElement.groupElement("scale_adjust"));

    public static ValueLayout.OfFloat scale_adjust$layout() {
        return scale_adjust$LAYOUT;
    }

    public static long scale_adjust$offset() {
        return scale_adjust$OFFSET;
    }

    public static float scale_adjust(MemorySegment struct) {
        return struct.get(scale_adjust$LAYOUT, scale_adjust$OFFSET);
    }

    public static void scale_adjust(MemorySegment struct, float fieldValue) {
        struct.set(scale_adjust$LAYOUT, scale_adjust$OFFSET, fieldValue);
    }

    private static final ValueLayout.OfInt asymm_compensation_mask$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(PathElement.groupElement("asymm_compensation_mask"));
    private static final long asymm_compensation_mask$OFFSET = $LAYOUT.byteOffset(PathElement.groupElement("asymm_compensation_mask"));

    public static ValueLayout.OfInt asymm_compensation_mask$layout() {
        return asymm_compensation_mask$LAYOUT;
    }

    public static long asymm_compensation_mask$offset() {
        return asymm_compensation_mask$OFFSET;
    }

    public static int asymm_compensation_mask(MemorySegment struct) {
        return struct.get(asymm_compensation_mask$LAYOUT, asymm_compensation_mask$OFFSET);
    }

    public static void asymm_compensation_mask(MemorySegment struct, int fieldValue) {
        struct.set(asymm_compensation_mask$LAYOUT, asymm_compensation_mask$OFFSET, fieldValue);
    }

    private static final MemoryLayout reserved$LAYOUT = $LAYOUT.select(PathElement.groupElement("reserved"));
    private static final long reserved$OFFSET = $LAYOUT.byteOffset(PathElement.groupElement("reserved"));

    public static MemoryLayout reserved$layout() {
        return reserved$LAYOUT;
    }

    public static long reserved$offset() {
        return reserved$OFFSET;
    }

    /** A view of the 60-element array inside {@code struct}. */
    public static MemorySegment reserved(MemorySegment struct) {
        return struct.asSlice(reserved$OFFSET, reserved$LAYOUT.byteSize());
    }

    public static void reserved(MemorySegment struct, MemorySegment fieldValue) {
        MemorySegment.copy(fieldValue, 0L, struct, reserved$OFFSET, reserved$LAYOUT.byteSize());
    }

    public static byte reserved(MemorySegment struct, long index0) {
        return struct.get(C_CHAR, reserved$OFFSET + Objects.checkIndex(index0, 60) * C_CHAR.byteSize());
    }

    public static void reserved(MemorySegment struct, long index0, byte fieldValue) {
        struct.set(C_CHAR, reserved$OFFSET + Objects.checkIndex(index0, 60) * C_CHAR.byteSize(), fieldValue);
    }
}
