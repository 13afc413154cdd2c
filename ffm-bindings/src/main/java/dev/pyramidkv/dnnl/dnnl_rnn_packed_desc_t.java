package dev.pyramidkv.dnnl;

import java.lang.foreign.*;
import java.lang.foreign.MemoryLayout.PathElement;
import java.util.Objects;

import static dev.pyramidkv.dnnl.dnnl_h.*;

/**
 * Packed RNN weights layout (never used by us; part of the memory descriptor union).
 * {@snippet lang=c :
 * typedef struct {
 *     dnnl_rnn_packed_memory_format_t format;
 *     int n_parts;
 *     int n;
 *     int ldb;
 *     int parts[DNNL_RNN_MAX_N_PARTS];
 *     size_t part_pack_size[DNNL_RNN_MAX_N_PARTS];
 *     unsigned pack_part[DNNL_RNN_MAX_N_PARTS];
 *     size_t offset_compensation;
 *     size_t size;
 *     char reserved[200];
 * } dnnl_rnn_packed_desc_t;
 * }
 */
@SuppressWarnings("restricted")   // reinterpret: viewing pointers oneDNN returns
public final class dnnl_rnn_packed_desc_t {

    private dnnl_rnn_packed_desc_t() {}

    private static final GroupLayout $LAYOUT = MemoryLayout.structLayout(
            C_INT.withName("format"),
            C_INT.withName("n_parts"),
            C_INT.withName("n"),
            C_INT.withName("ldb"),
            MemoryLayout.sequenceLayout(4, C_INT).withName("parts"),
            MemoryLayout.sequenceLayout(4, C_LONG).withName("part_pack_size"),
            MemoryLayout.sequenceLayout(4, C_INT).withName("pack_part"),
            C_LONG.withName("offset_compensation"),
            C_LONG.withName("size"),
            MemoryLayout.sequenceLayout(200, C_CHAR).withName("reserved")).withName("dnnl_rnn_packed_desc_t");

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

    /** The {@code index}-th element of an array of dnnl_rnn_packed_desc_t. */
    public static MemorySegment asSlice(MemorySegment array, long index) {
        return array.asSlice(index * $LAYOUT.byteSize(), $LAYOUT);
    }

    /** Views {@code address} (e.g. a pointer returned by oneDNN) as one dnnl_rnn_packed_desc_t. */
    public static MemorySegment reinterpret(MemorySegment address) {
        return address.reinterpret($LAYOUT.byteSize());
    }

    private static final ValueLayout.OfInt format$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(PathElement.groupElement("format"));
    private static final long format$OFFSET = $LAYOUT.byteOffset(PathElement.groupElement("format"));

    public static ValueLayout.OfInt format$layout() {
        return format$LAYOUT;
    }

    public static long format$offset() {
        return format$OFFSET;
    }

    public static int format(MemorySegment struct) {
        return struct.get(format$LAYOUT, format$OFFSET);
    }

    public static void format(MemorySegment struct, int fieldValue) {
        struct.set(format$LAYOUT, format$OFFSET, fieldValue);
    }

    private static final ValueLayout.OfInt n_parts$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(PathElement.groupElement("n_parts"));
    private static final long n_parts$OFFSET = $LAYOUT.byteOffset(PathElement.groupElement("n_parts"));

    public static ValueLayout.OfInt n_parts$layout() {
        return n_parts$LAYOUT;
    }

    public static long n_parts$offset() {
        return n_parts$OFFSET;
    }

    public static int n_parts(MemorySegment struct) {
        return struct.get(n_parts$LAYOUT, n_parts$OFFSET);
    }

    public static void n_parts(MemorySegment struct, int fieldValue) {
        struct.set(n_parts$LAYOUT, n_parts$OFFSET, fieldValue);
    }

    private static final ValueLayout.OfInt n$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(PathElement.groupElement("n"));
    private static final long n$OFFSET = $LAYOUT.byteOffset(PathElement.groupElement("n"));

    public static ValueLayout.OfInt n$layout() {
        return n$LAYOUT;
    }

    public static long n$offset() {
        return n$OFFSET;
    }

    public static int n(MemorySegment struct) {
        return struct.get(n$LAYOUT, n$OFFSET);
    }

    public static void n(MemorySegment struct, int fieldValue) {
        struct.set(n$LAYOUT, n$OFFSET, fieldValue);
    }

    private static final ValueLayout.OfInt ldb$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(PathElement.groupElement("ldb"));
    private static final long ldb$OFFSET = $LAYOUT.byteOffset(PathElement.groupElement("ldb"));

    public static ValueLayout.OfInt ldb$layout() {
        return ldb$LAYOUT;
    }

    public static long ldb$offset() {
        return ldb$OFFSET;
    }

    public static int ldb(MemorySegment struct) {
        return struct.get(ldb$LAYOUT, ldb$OFFSET);
    }

    public static void ldb(MemorySegment struct, int fieldValue) {
        struct.set(ldb$LAYOUT, ldb$OFFSET, fieldValue);
    }

    private static final MemoryLayout parts$LAYOUT = $LAYOUT.select(PathElement.groupElement("parts"));
    private static final long parts$OFFSET = $LAYOUT.byteOffset(PathElement.groupElement("parts"));

    public static MemoryLayout parts$layout() {
        return parts$LAYOUT;
    }

    public static long parts$offset() {
        return parts$OFFSET;
    }

    /** A view of the 4-element array inside {@code struct}. */
    public static MemorySegment parts(MemorySegment struct) {
        return struct.asSlice(parts$OFFSET, parts$LAYOUT.byteSize());
    }

    public static void parts(MemorySegment struct, MemorySegment fieldValue) {
        MemorySegment.copy(fieldValue, 0L, struct, parts$OFFSET, parts$LAYOUT.byteSize());
    }

    public static int parts(MemorySegment struct, long index0) {
        return struct.get(C_INT, parts$OFFSET + Objects.checkIndex(index0, 4) * C_INT.byteSize());
    }

    public static void parts(MemorySegment struct, long index0, int fieldValue) {
        struct.set(C_INT, parts$OFFSET + Objects.checkIndex(index0, 4) * C_INT.byteSize(), fieldValue);
    }

    private static final MemoryLayout part_pack_size$LAYOUT = $LAYOUT.select(PathElement.groupElement("part_pack_size"));
    private static final long part_pack_size$OFFSET = $LAYOUT.byteOffset(PathElement.groupElement("part_pack_size"));

    public static MemoryLayout part_pack_size$layout() {
        return part_pack_size$LAYOUT;
    }

    public static long part_pack_size$offset() {
        return part_pack_size$OFFSET;
    }

    /** A view of the 4-element array inside {@code struct}. */
    public static MemorySegment part_pack_size(MemorySegment struct) {
        return struct.asSlice(part_pack_size$OFFSET, part_pack_size$LAYOUT.byteSize());
    }

    public static void part_pack_size(MemorySegment struct, MemorySegment fieldValue) {
        MemorySegment.copy(fieldValue, 0L, struct, part_pack_size$OFFSET, part_pack_size$LAYOUT.byteSize());
    }

    public static long part_pack_size(MemorySegment struct, long index0) {
        return struct.get(C_LONG, part_pack_size$OFFSET + Objects.checkIndex(index0, 4) * C_LONG.byteSize());
    }

    public static void part_pack_size(MemorySegment struct, long index0, long fieldValue) {
        struct.set(C_LONG, part_pack_size$OFFSET + Objects.checkIndex(index0, 4) * C_LONG.byteSize(), fieldValue);
    }

    private static final MemoryLayout pack_part$LAYOUT = $LAYOUT.select(PathElement.groupElement("pack_part"));
    private static final long pack_part$OFFSET = $LAYOUT.byteOffset(PathElement.groupElement("pack_part"));

    public static MemoryLayout pack_part$layout() {
        return pack_part$LAYOUT;
    }

    public static long pack_part$offset() {
        return pack_part$OFFSET;
    }

    /** A view of the 4-element array inside {@code struct}. */
    public static MemorySegment pack_part(MemorySegment struct) {
        return struct.asSlice(pack_part$OFFSET, pack_part$LAYOUT.byteSize());
    }

    public static void pack_part(MemorySegment struct, MemorySegment fieldValue) {
        MemorySegment.copy(fieldValue, 0L, struct, pack_part$OFFSET, pack_part$LAYOUT.byteSize());
    }

    public static int pack_part(MemorySegment struct, long index0) {
        return struct.get(C_INT, pack_part$OFFSET + Objects.checkIndex(index0, 4) * C_INT.byteSize());
    }

    public static void pack_part(MemorySegment struct, long index0, int fieldValue) {
        struct.set(C_INT, pack_part$OFFSET + Objects.checkIndex(index0, 4) * C_INT.byteSize(), fieldValue);
    }

    private static final ValueLayout.OfLong offset_compensation$LAYOUT = (ValueLayout.OfLong) $LAYOUT.select(PathElement.groupElement("offset_compensation"));
    private static final long offset_compensation$OFFSET = $LAYOUT.byteOffset(PathElement.groupElement("offset_compensation"));

    public static ValueLayout.OfLong offset_compensation$layout() {
        return offset_compensation$LAYOUT;
    }

    public static long offset_compensation$offset() {
        return offset_compensation$OFFSET;
    }

    public static long offset_compensation(MemorySegment struct) {
        return struct.get(offset_compensation$LAYOUT, offset_compensation$OFFSET);
    }

    public static void offset_compensation(MemorySegment struct, long fieldValue) {
        struct.set(offset_compensation$LAYOUT, offset_compensation$OFFSET, fieldValue);
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

    private static final MemoryLayout reserved$LAYOUT = $LAYOUT.select(PathElement.groupElement("reserved"));
    private static final long reserved$OFFSET = $LAYOUT.byteOffset(PathElement.groupElement("reserved"));

    public static MemoryLayout reserved$layout() {
        return reserved$LAYOUT;
    }

    public static long reserved$offset() {
        return reserved$OFFSET;
    }

    /** A view of the 200-element array inside {@code struct}. */
    public static MemorySegment reserved(MemorySegment struct) {
        return struct.asSlice(reserved$OFFSET, reserved$LAYOUT.byteSize());
    }

    public static void reserved(MemorySegment struct, MemorySegment fieldValue) {
        MemorySegment.copy(fieldValue, 0L, struct, reserved$OFFSET, reserved$LAYOUT.byteSize());
    }

    public static byte reserved(MemorySegment struct, long index0) {
        return struct.get(C_CHAR, reserved$OFFSET + Objects.checkIndex(index0, 200) * C_CHAR.byteSize());
    }

    public static void reserved(MemorySegment struct, long index0, byte fieldValue) {
        struct.set(C_CHAR, reserved$OFFSET + Objects.checkIndex(index0, 200) * C_CHAR.byteSize(), fieldValue);
    }
}
