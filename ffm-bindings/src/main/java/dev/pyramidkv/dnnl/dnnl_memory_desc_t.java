package dev.pyramidkv.dnnl;

import java.lang.foreign.*;
import java.lang.foreign.MemoryLayout.PathElement;
import java.util.Objects;

import static dev.pyramidkv.dnnl.dnnl_h.*;

/**
 * A memory descriptor: a by-value struct in oneDNN 2.x (opaque from 3.0 on).
 * {@snippet lang=c :
 * typedef struct {
 *     int ndims;
 *     dnnl_dims_t dims;
 *     dnnl_data_type_t data_type;
 *     dnnl_dims_t padded_dims;
 *     dnnl_dims_t padded_offsets;
 *     dnnl_dim_t offset0;
 *     dnnl_format_kind_t format_kind;
 *     union {
 *         dnnl_blocking_desc_t blocking;
 *         dnnl_wino_desc_t wino_desc;
 *         dnnl_rnn_packed_desc_t rnn_packed_desc;
 *     } format_desc;
 *     dnnl_memory_extra_desc_t extra;
 * } dnnl_memory_desc_t;
 * }
 */
@SuppressWarnings("restricted")   // reinterpret: viewing pointers oneDNN returns
public final class dnnl_memory_desc_t {

    private dnnl_memory_desc_t() {}

    private static final GroupLayout $LAYOUT = MemoryLayout.structLayout(
            C_INT.withName("ndims"),
            MemoryLayout.paddingLayout(4),
            MemoryLayout.sequenceLayout(12, C_LONG).withName("dims"),
            C_INT.withName("data_type"),
            MemoryLayout.paddingLayout(4),
            MemoryLayout.sequenceLayout(12, C_LONG).withName("padded_dims"),
            MemoryLayout.sequenceLayout(12, C_LONG).withName("padded_offsets"),
            C_LONG.withName("offset0"),
            C_INT.withName("format_kind"),
            MemoryLayout.paddingLayout(4),
            MemoryLayout.unionLayout(
                dnnl_blocking_desc_t.layout().withName("blocking"),
                dnnl_wino_desc_t.layout().withName("wino_desc"),
                dnnl_rnn_packed_desc_t.layout().withName("rnn_packed_desc")).withName("format_desc"),
            dnnl_memory_extra_desc_t.layout().withName("extra")).withName("dnnl_memory_desc_t");

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

    /** The {@code index}-th element of an array of dnnl_memory_desc_t. */
    public static MemorySegment asSlice(MemorySegment array, long index) {
        return array.asSlice(index * $LAYOUT.byteSize(), $LAYOUT);
    }

    /** Views {@code address} (e.g. a pointer returned by oneDNN) as one dnnl_memory_desc_t. */
    public static MemorySegment reinterpret(MemorySegment address) {
        return address.reinterpret($LAYOUT.byteSize());
    }

    private static final ValueLayout.OfInt ndims$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(PathElement.groupElement("ndims"));
    private static final long ndims$OFFSET = $LAYOUT.byteOffset(PathElement.groupElement("ndims"));

    public static ValueLayout.OfInt ndims$layout() {
        return ndims$LAYOUT;
    }

    public static long ndims$offset() {
        return ndims$OFFSET;
    }

    public static int ndims(MemorySegment struct) {
        return struct.get(ndims$LAYOUT, ndims$OFFSET);
    }

    public static void ndims(MemorySegment struct, int fieldValue) {
        struct.set(ndims$LAYOUT, ndims$OFFSET, fieldValue);
    }

    private static final MemoryLayout dims$LAYOUT = $LAYOUT.select(PathElement.groupElement("dims"));
    private static final long dims$OFFSET = $LAYOUT.byteOffset(PathElement.groupElement("dims"));

    public static MemoryLayout dims$layout() {
        return dims$LAYOUT;
    }

    public static long dims$offset() {
        return dims$OFFSET;
    }

    /** A view of the 12-element array inside {@code struct}. */
    public static MemorySegment dims(MemorySegment struct) {
        return struct.asSlice(dims$OFFSET, dims$LAYOUT.byteSize());
    }

    public static void dims(MemorySegment struct, MemorySegment fieldValue) {
        MemorySegment.copy(fieldValue, 0L, struct, dims$OFFSET, dims$LAYOUT.byteSize());
    }

    public static long dims(MemorySegment struct, long index0) {
        return struct.get(C_LONG, dims$OFFSET + Objects.checkIndex(index0, 12) * C_LONG.byteSize());
    }

    public static void dims(MemorySegment struct, long index0, long fieldValue) {
        struct.set(C_LONG, dims$OFFSET + Objects.checkIndex(index0, 12) * C_LONG.byteSize(), fieldValue);
    }

    private static final ValueLayout.OfInt data_type$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(PathElement.groupElement("data_type"));
    private static final long data_type$OFFSET = $LAYOUT.byteOffset(PathElement.groupElement("data_type"));

    public static ValueLayout.OfInt data_type$layout() {
        return data_type$LAYOUT;
    }

    public static long data_type$offset() {
        return data_type$OFFSET;
    }

    public static int data_type(MemorySegment struct) {
        return struct.get(data_type$LAYOUT, data_type$OFFSET);
    }

    public static void data_type(MemorySegment struct, int fieldValue) {
        struct.set(data_type$LAYOUT, data_type$OFFSET, fieldValue);
    }

    private static final MemoryLayout padded_dims$LAYOUT = $LAYOUT.select(PathElement.groupElement("padded_dims"));
    private static final long padded_dims$OFFSET = $LAYOUT.byteOffset(PathElement.groupElement("padded_dims"));

    public static MemoryLayout padded_dims$layout() {
        return padded_dims$LAYOUT;
    }

    public static long padded_dims$offset() {
        return padded_dims$OFFSET;
    }

    /** A view of the 12-element array inside {@code struct}. */
    public static MemorySegment padded_dims(MemorySegment struct) {
        return struct.asSlice(padded_dims$OFFSET, padded_dims$LAYOUT.byteSize());
    }

    public static void padded_dims(MemorySegment struct, MemorySegment fieldValue) {
        MemorySegment.copy(fieldValue, 0L, struct, padded_dims$OFFSET, padded_dims$LAYOUT.byteSize());
    }

    public static long padded_dims(MemorySegment struct, long index0) {
        return struct.get(C_LONG, padded_dims$OFFSET + Objects.checkIndex(index0, 12) * C_LONG.byteSize());
    }

    public static void padded_dims(MemorySegment struct, long index0, long fieldValue) {
        struct.set(C_LONG, padded_dims$OFFSET + Objects.checkIndex(index0, 12) * C_LONG.byteSize(), fieldValue);
    }

    private static final MemoryLayout padded_offsets$LAYOUT = $LAYOUT.select(PathElement.groupElement("padded_offsets"));
    private static final long padded_offsets$OFFSET = $LAYOUT.byteOffset(PathElement.groupElement("padded_offsets"));

    public static MemoryLayout padded_offsets$layout() {
        return padded_offsets$LAYOUT;
    }

    public static long padded_offsets$offset() {
        return padded_offsets$OFFSET;
    }

    /** A view of the 12-element array inside {@code struct}. */
    public static MemorySegment padded_offsets(MemorySegment struct) {
        return struct.asSlice(padded_offsets$OFFSET, padded_offsets$LAYOUT.byteSize());
    }

    public static void padded_offsets(MemorySegment struct, MemorySegment fieldValue) {
        MemorySegment.copy(fieldValue, 0L, struct, padded_offsets$OFFSET, padded_offsets$LAYOUT.byteSize());
    }

    public static long padded_offsets(MemorySegment struct, long index0) {
        return struct.get(C_LONG, padded_offsets$OFFSET + Objects.checkIndex(index0, 12) * C_LONG.byteSize());
    }

    public static void padded_offsets(MemorySegment struct, long index0, long fieldValue) {
        struct.set(C_LONG, padded_offsets$OFFSET + Objects.checkIndex(index0, 12) * C_LONG.byteSize(), fieldValue);
    }

    private static final ValueLayout.OfLong offset0$LAYOUT = (ValueLayout.OfLong) $LAYOUT.select(PathElement.groupElement("offset0"));
    private static final long offset0$OFFSET = $LAYOUT.byteOffset(PathElement.groupElement("offset0"));

    public static ValueLayout.OfLong offset0$layout() {
        return offset0$LAYOUT;
    }

    public static long offset0$offset() {
        return offset0$OFFSET;
    }

    public static long offset0(MemorySegment struct) {
        return struct.get(offset0$LAYOUT, offset0$OFFSET);
    }

    public static void offset0(MemorySegment struct, long fieldValue) {
        struct.set(offset0$LAYOUT, offset0$OFFSET, fieldValue);
    }

    private static final ValueLayout.OfInt format_kind$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(PathElement.groupElement("format_kind"));
    private static final long format_kind$OFFSET = $LAYOUT.byteOffset(PathElement.groupElement("format_kind"));

    public static ValueLayout.OfInt format_kind$layout() {
        return format_kind$LAYOUT;
    }

    public static long format_kind$offset() {
        return format_kind$OFFSET;
    }

    public static int format_kind(MemorySegment struct) {
        return struct.get(format_kind$LAYOUT, format_kind$OFFSET);
    }

    public static void format_kind(MemorySegment struct, int fieldValue) {
        struct.set(format_kind$LAYOUT, format_kind$OFFSET, fieldValue);
    }

    private static final MemoryLayout format_desc$LAYOUT = $LAYOUT.select(PathElement.groupElement("format_desc"));
    private static final long format_desc$OFFSET = $LAYOUT.byteOffset(PathElement.groupElement("format_desc"));

    public static MemoryLayout format_desc$layout() {
        return format_desc$LAYOUT;
    }

    public static long format_desc$offset() {
        return format_desc$OFFSET;
    }

    /** A view of the nested union of dnnl_blocking_desc_t, dnnl_wino_desc_t, dnnl_rnn_packed_desc_t inside {@code struct}. */
    public static MemorySegment format_desc(MemorySegment struct) {
        return struct.asSlice(format_desc$OFFSET, format_desc$LAYOUT.byteSize());
    }

    public static void format_desc(MemorySegment struct, MemorySegment fieldValue) {
        MemorySegment.copy(fieldValue, 0L, struct, format_desc$OFFSET, format_desc$LAYOUT.byteSize());
    }

    private static final MemoryLayout extra$LAYOUT = $LAYOUT.select(PathElement.groupElement("extra"));
    private static final long extra$OFFSET = $LAYOUT.byteOffset(PathElement.groupElement("extra"));

    public static MemoryLayout extra$layout() {
        return extra$LAYOUT;
    }

    public static long extra$offset() {
        return extra$OFFSET;
    }

    /** A view of the nested dnnl_memory_extra_desc_t inside {@code struct}. */
    public static MemorySegment extra(MemorySegment struct) {
        return struct.asSlice(extra$OFFSET, extra$LAYOUT.byteSize());
    }

    public static void extra(MemorySegment struct, MemorySegment fieldValue) {
        MemorySegment.copy(fieldValue, 0L, struct, extra$OFFSET, extra$LAYOUT.byteSize());
    }
}
