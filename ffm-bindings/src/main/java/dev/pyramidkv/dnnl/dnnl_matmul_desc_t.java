package dev.pyramidkv.dnnl;

import java.lang.foreign.*;
import java.lang.foreign.MemoryLayout.PathElement;
import java.util.Objects;

import static dev.pyramidkv.dnnl.dnnl_h.*;

/**
 * Operation descriptor of a matmul, filled by dnnl_matmul_desc_init.
 * {@snippet lang=c :
 * typedef struct {
 *     dnnl_primitive_kind_t primitive_kind;
 *     dnnl_memory_desc_t src_desc;
 *     dnnl_memory_desc_t weights_desc;
 *     dnnl_memory_desc_t bias_desc;
 *     dnnl_memory_desc_t dst_desc;
 *     dnnl_data_type_t accum_data_type;
 * } dnnl_matmul_desc_t;
 * }
 */
@SuppressWarnings("restricted")   // reinterpret: viewing pointers oneDNN returns
public final class dnnl_matmul_desc_t {

    private dnnl_matmul_desc_t() {}

    private static final GroupLayout $LAYOUT = MemoryLayout.structLayout(
            C_INT.withName("primitive_kind"),
            MemoryLayout.paddingLayout(4),
            dnnl_memory_desc_t.layout().withName("src_desc"),
            dnnl_memory_desc_t.layout().withName("weights_desc"),
            dnnl_memory_desc_t.layout().withName("bias_desc"),
            dnnl_memory_desc_t.layout().withName("dst_desc"),
            C_INT.withName("accum_data_type"),
            MemoryLayout.paddingLayout(4)).withName("dnnl_matmul_desc_t");

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

    /** The {@code index}-th element of an array of dnnl_matmul_desc_t. */
    public static MemorySegment asSlice(MemorySegment array, long index) {
        return array.asSlice(index * $LAYOUT.byteSize(), $LAYOUT);
    }

    /** Views {@code address} (e.g. a pointer returned by oneDNN) as one dnnl_matmul_desc_t. */
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

    private static final MemoryLayout src_desc$LAYOUT = $LAYOUT.select(PathElement.groupElement("src_desc"));
    private static final long src_desc$OFFSET = $LAYOUT.byteOffset(PathElement.groupElement("src_desc"));

    public static MemoryLayout src_desc$layout() {
        return src_desc$LAYOUT;
    }

    public static long src_desc$offset() {
        return src_desc$OFFSET;
    }

    /** A view of the nested dnnl_memory_desc_t inside {@code struct}. */
    public static MemorySegment src_desc(MemorySegment struct) {
        return struct.asSlice(src_desc$OFFSET, src_desc$LAYOUT.byteSize());
    }

    public static void src_desc(MemorySegment struct, MemorySegment fieldValue) {
        MemorySegment.copy(fieldValue, 0L, struct, src_desc$OFFSET, src_desc$LAYOUT.byteSize());
    }

    private static final MemoryLayout weights_desc$LAYOUT = $LAYOUT.select(PathElement.groupElement("weights_desc"));
    private static final long weights_desc$OFFSET = $LAYOUT.byteOffset(PathElement.groupElement("weights_desc"));

    public static MemoryLayout weights_desc$layout() {
        return weights_desc$LAYOUT;
    }

    public static long weights_desc$offset() {
        return weights_desc$OFFSET;
    }

    /** A view of the nested dnnl_memory_desc_t inside {@code struct}. */
    public static MemorySegment weights_desc(MemorySegment struct) {
        return struct.asSlice(weights_desc$OFFSET, weights_desc$LAYOUT.byteSize());
    }

    public static void weights_desc(MemorySegment struct, MemorySegment fieldValue) {
        MemorySegment.copy(fieldValue, 0L, struct, weights_desc$OFFSET, weights_desc$LAYOUT.byteSize());
    }

    private static final MemoryLayout bias_desc$LAYOUT = $LAYOUT.select(PathElement.groupElement("bias_desc"));
    private static final long bias_desc$OFFSET = $LAYOUT.byteOffset(PathElement.groupElement("bias_desc"));

    public static MemoryLayout bias_desc$layout() {
        return bias_desc$LAYOUT;
    }

    public static long bias_desc$offset() {
        return bias_desc$OFFSET;
    }

    /** A view of the nested dnnl_memory_desc_t inside {@code struct}. */
    public static MemorySegment bias_desc(MemorySegment struct) {
        return struct.asSlice(bias_desc$OFFSET, bias_desc$LAYOUT.byteSize());
    }

    public static void bias_desc(MemorySegment struct, MemorySegment fieldValue) {
        MemorySegment.copy(fieldValue, 0L, struct, bias_desc$OFFSET, bias_desc$LAYOUT.byteSize());
    }

    private static final MemoryLayout dst_desc$LAYOUT = $LAYOUT.select(PathElement.groupElement("dst_desc"));
    private static final long dst_desc$OFFSET = $LAYOUT.byteOffset(PathElement.groupElement("dst_desc"));

    public static MemoryLayout dst_desc$layout() {
        return dst_desc$LAYOUT;
    }

    public static long dst_desc$offset() {
        return dst_desc$OFFSET;
    }

    /** A view of the nested dnnl_memory_desc_t inside {@code struct}. */
    public static MemorySegment dst_desc(MemorySegment struct) {
        return struct.asSlice(dst_desc$OFFSET, dst_desc$LAYOUT.byteSize());
    }

    public static void dst_desc(MemorySegment struct, MemorySegment fieldValue) {
        MemorySegment.copy(fieldValue, 0L, struct, dst_desc$OFFSET, dst_desc$LAYOUT.byteSize());
    }

    private static final ValueLayout.OfInt accum_data_type$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(PathElement.groupElement("accum_data_type"));
    private static final long accum_data_type$OFFSET = $LAYOUT.byteOffset(PathElement.groupElement("accum_data_type"));

    public static ValueLayout.OfInt accum_data_type$layout() {
        return accum_data_type$LAYOUT;
    }

    public static long accum_data_type$offset() {
        return accum_data_type$OFFSET;
    }

    public static int accum_data_type(MemorySegment struct) {
        return struct.get(accum_data_type$LAYOUT, accum_data_type$OFFSET);
    }

    public static void accum_data_type(MemorySegment struct, int fieldValue) {
        struct.set(accum_data_type$LAYOUT, accum_data_type$OFFSET, fieldValue);
    }
}
