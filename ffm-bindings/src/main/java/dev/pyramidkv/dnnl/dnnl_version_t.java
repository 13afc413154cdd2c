package dev.pyramidkv.dnnl;

import java.lang.foreign.*;
import java.lang.foreign.MemoryLayout.PathElement;
import java.util.Objects;

import static dev.pyramidkv.dnnl.dnnl_h.*;

/**
 * The library's version, as returned by dnnl_version().
 * {@snippet lang=c :
 * typedef struct {
 *     int major;
 *     int minor;
 *     int patch;
 *     const char *hash;
 *     unsigned cpu_runtime;
 *     unsigned gpu_runtime;
 * } dnnl_version_t;
 * }
 */
@SuppressWarnings("restricted")   // reinterpret: viewing pointers oneDNN returns
public final class dnnl_version_t {

    private dnnl_version_t() {}

    private static final GroupLayout $LAYOUT = MemoryLayout.structLayout(
            C_INT.withName("major"),
            C_INT.withName("minor"),
            C_INT.withName("patch"),
            MemoryLayout.paddingLayout(4),
            C_POINTER.withName("hash"),
            C_INT.withName("cpu_runtime"),
            C_INT.withName("gpu_runtime")).withName("dnnl_version_t");

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

    /** The {@code index}-th element of an array of dnnl_version_t. */
    public static MemorySegment asSlice(MemorySegment array, long index) {
        return array.asSlice(index * $LAYOUT.byteSize(), $LAYOUT);
    }

    /** Views {@code address} (e.g. a pointer returned by oneDNN) as one dnnl_version_t. */
    public static MemorySegment reinterpret(MemorySegment address) {
        return address.reinterpret($LAYOUT.byteSize());
    }

    private static final ValueLayout.OfInt major$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(PathElement.groupElement("major"));
    private static final long major$OFFSET = $LAYOUT.byteOffset(PathElement.groupElement("major"));

    public static ValueLayout.OfInt major$layout() {
        return major$LAYOUT;
    }

    public static long major$offset() {
        return major$OFFSET;
    }

    public static int major(MemorySegment struct) {
        return struct.get(major$LAYOUT, major$OFFSET);
    }

    public static void major(MemorySegment struct, int fieldValue) {
        struct.set(major$LAYOUT, major$OFFSET, fieldValue);
    }

    private static final ValueLayout.OfInt minor$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(PathElement.groupElement("minor"));
    private static final long minor$OFFSET = $LAYOUT.byteOffset(PathElement.groupElement("minor"));

    public static ValueLayout.OfInt minor$layout() {
        return minor$LAYOUT;
    }

    public static long minor$offset() {
        return minor$OFFSET;
    }

    public static int minor(MemorySegment struct) {
        return struct.get(minor$LAYOUT, minor$OFFSET);
    }

    public static void minor(MemorySegment struct, int fieldValue) {
        struct.set(minor$LAYOUT, minor$OFFSET, fieldValue);
    }

    private static final ValueLayout.OfInt patch$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(PathElement.groupElement("patch"));
    private static final long patch$OFFSET = $LAYOUT.byteOffset(PathElement.groupElement("patch"));

    public static ValueLayout.OfInt patch$layout() {
        return patch$LAYOUT;
    }

    public static long patch$offset() {
        return patch$OFFSET;
    }

    public static int patch(MemorySegment struct) {
        return struct.get(patch$LAYOUT, patch$OFFSET);
    }

    public static void patch(MemorySegment struct, int fieldValue) {
        struct.set(patch$LAYOUT, patch$OFFSET, fieldValue);
    }

    private static final AddressLayout hash$LAYOUT = (AddressLayout) $LAYOUT.select(PathElement.groupElement("hash"));
    private static final long hash$OFFSET = $LAYOUT.byteOffset(PathElement.groupElement("hash"));

    public static AddressLayout hash$layout() {
        return hash$LAYOUT;
    }

    public static long hash$offset() {
        return hash$OFFSET;
    }

    public static MemorySegment hash(MemorySegment struct) {
        return struct.get(hash$LAYOUT, hash$OFFSET);
    }

    public static void hash(MemorySegment struct, MemorySegment fieldValue) {
        struct.set(hash$LAYOUT, hash$OFFSET, fieldValue);
    }

    private static final ValueLayout.OfInt cpu_runtime$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(PathElement.groupElement("cpu_runtime"));
    private static final long cpu_runtime$OFFSET = $LAYOUT.byteOffset(PathElement.groupElement("cpu_runtime"));

    public static ValueLayout.OfInt cpu_runtime$layout() {
        return cpu_runtime$LAYOUT;
    }

    public static long cpu_runtime$offset() {
        return cpu_runtime$OFFSET;
    }

    public static int cpu_runtime(MemorySegment struct) {
        return struct.get(cpu_runtime$LAYOUT, cpu_runtime$OFFSET);
    }

    public static void cpu_runtime(MemorySegment struct, int fieldValue) {
        struct.set(cpu_runtime$LAYOUT, cpu_runtime$OFFSET, fieldValue);
    }

    private static final ValueLayout.OfInt gpu_runtime$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(PathElement.groupElement("gpu_runtime"));
    private static final long gpu_runtime$OFFSET = $LAYOUT.byteOffset(PathElement.groupElement("gpu_runtime"));

    public static ValueLayout.OfInt gpu_runtime$layout() {
        return gpu_runtime$LAYOUT;
    }

    public static long gpu_runtime$offset() {
        return gpu_runtime$OFFSET;
    }

    public static int gpu_runtime(MemorySegment struct) {
        return struct.get(gpu_runtime$LAYOUT, gpu_runtime$OFFSET);
    }

    public static void gpu_runtime(MemorySegment struct, int fieldValue) {
        struct.set(gpu_runtime$LAYOUT, gpu_runtime$OFFSET, fieldValue);
    }
}
