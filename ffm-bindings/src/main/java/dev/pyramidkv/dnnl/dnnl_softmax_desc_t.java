package dev.pyramidkv.dnnl;

import java.lang.foreign.*;
import java.lang.foreign.MemoryLayout.PathElement;
import java.util.Objects;

import static dev.pyramidkv.dnnl.dnnl_h.*;

/**
 * Operation descriptor of a (version 1) softmax, filled by dnnl_softmax_forward_desc_init.
 * {@snippet lang=c :
 * typedef struct {
 *     dnnl_primitive_kind_t primitive_kind;
 *     dnnl_prop_kind_t prop_kind;
 *     dnnl_memory_desc_t data_desc;
 *     dnnl_memory_desc_t diff_desc;
 *     int softmax_axis;
 * } dnnl_softmax_desc_t;
 * }
 */
@SuppressWarnings("restricted")   // reinterpret: viewing pointers oneDNN returns
public final class dnnl_softmax_desc_t {

    private dnnl_softmax_desc_t() {}

    private static final GroupLayout $LAYOUT = MemoryLayout.structLayout(
            C_INT.withName("primitive_kind"),
            C_INT.withName("prop_kind"),
            dnnl_memory_desc_t.layout().withName("data_desc"),
            dnnl_memory_desc_t.layout().withName("diff_desc"),
            C_INT.withName("softmax_axis"),
            MemoryLayout.paddingLayout(4)).withName("dnnl_softmax_desc_t");

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

    /** The {@code index}-th element of an array of dnnl_softmax_desc_t. */
    public static MemorySegment asSlice(MemorySegment array, long index) {
        return array.asSlice(index * $LAYOUT.byteSize(), $LAYOUT);
    }

    /** Views {@code address} (e.g. a pointer returned by oneDNN) as one dnnl_softmax_desc_t. */
    public static MemorySegment reinterpret(MemorySegment address) {
        return address.reinterpret($LAYOUT.byteSize());
    }

    private static final ValueLayout.OfInt primitive_kind$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(PathElement.groupElement("primitive_kind"));
    private static final long primitive_kind$OFFSET = $LAYOUT.byteOffset(PathElement.groupElement("primitive_kind"));

    public static ValueLayout.OfInt primitive_kind$layout() {
        return primitive_kind$LAYOUT;
    }

    public static long primitive_kind$offset() {
        return primitive_kind$OFFSET;
    }

    public static int primitive_kind(MemorySegment struct) {
        return struct.get(primitive_kind$LAYOUT, primitive_kind$OFFSET);
    }

    public static void primitive_kind(MemorySegment struct, int fieldValue) {
        struct.set(primitive_kind$LAYOUT, primitive_kind$OFFSET, fieldValue);
    }

    private static final ValueLayout.OfInt prop_kind$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(PathElement.groupElement("prop_kind"));
    private static final long prop_kind$OFFSET = $LAYOUT.byteOffset(PathElement.groupElement("prop_kind"));

    public static ValueLayout.OfInt prop_kind$layout() {
        return prop_kind$LAYOUT;
    }

    public static long prop_kind$offset() {
        return prop_kind$OFFSET;
    }

    public static int prop_kind(MemorySegment struct) {
        return struct.get(prop_kind$LAYOUT, prop_kind$OFFSET);
    }

    public static void prop_kind(MemorySegment struct, int fieldValue) {
        struct.set(prop_kind$LAYOUT, prop_kind$OFFSET, fieldValue);
    }

    private static final MemoryLayout data_desc$LAYOUT = $LAYOUT.select(PathElement.groupElement("data_desc"));
    private static final long data_desc$OFFSET = $LAYOUT.byteOffset(PathElement.groupElement("data_desc"));

    public static MemoryLayout data_desc$layout() {
        return data_desc$LAYOUT;
    }

    public static long data_desc$offset() {
        return data_desc$OFFSET;
    }

    /** A view of the nested dnnl_memory_desc_t inside {@code struct}. */
    public static MemorySegment data_desc(MemorySegment struct) {
        return struct.asSlice(data_desc$OFFSET, data_desc$LAYOUT.byteSize());
    }

    public static void data_desc(MemorySegment struct, MemorySegment fieldValue) {
        MemorySegment.copy(fieldValue, 0L, struct, data_desc$OFFSET, data_desc$LAYOUT.byteSize());
    }

    private static final MemoryLayout diff_desc$LAYOUT = $LAYOUT.select(PathElement.groupElement("diff_desc"));
    private static final long diff_desc$OFFSET = $LAYOUT.byteOffset(PathElement.groupElement("diff_desc"));

    public static MemoryLayout diff_desc$layout() {
        return diff_desc$LAYOUT;
    }

    public static long diff_desc$offset() {
        return diff_desc$OFFSET;
    }

    /** A view of the nested dnnl_memory_desc_t inside {@code struct}. */
    public static MemorySegment diff_desc(MemorySegment struct) {
        return struct.asSlice(diff_desc$OFFSET, diff_desc$LAYOUT.byteSize());
    }

    public static void diff_desc(MemorySegment struct, MemorySegment fieldValue) {
        MemorySegment.copy(fieldValue, 0L, struct, diff_desc$OFFSET, diff_desc$LAYOUT.byteSize());
    }

    private static final ValueLayout.OfInt softmax_axis$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(PathElement.groupElement("softmax_axis"));
    private static final long softmax_axis$OFFSET = $LAYOUT.byteOffset(PathElement.groupElement("softmax_axis"));

    public static ValueLayout.OfInt softmax_axis$layout() {
        return softmax_axis$LAYOUT;
    }

    public static long softmax_axis$offset() {
        return softmax_axis$OFFSET;
    }

    public static int softmax_axis(MemorySegment struct) {
        return struct.get(softmax_axis$LAYOUT, softmax_axis$OFFSET);
    }

    public static void softmax_axis(MemorySegment struct, int fieldValue) {
        struct.set(softmax_axis$LAYOUT, softmax_axis$OFFSET, fieldValue);
    }
}
