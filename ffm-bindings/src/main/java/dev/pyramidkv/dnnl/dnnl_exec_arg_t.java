package dev.pyramidkv.dnnl;

import java.lang.foreign.*;
import java.lang.foreign.MemoryLayout.PathElement;
import java.util.Objects;

import static dev.pyramidkv.dnnl.dnnl_h.*;

/**
 * One execute argument: an argument index (DNNL_ARG_*) and the memory bound to it.
 * {@snippet lang=c :
 * typedef struct {
 *     int arg;
 *     dnnl_memory_t memory;
 * } dnnl_exec_arg_t;
 * }
 */
@SuppressWarnings("restricted")   // reinterpret: viewing pointers oneDNN returns
public final class dnnl_exec_arg_t {

    private dnnl_exec_arg_t() {}

    private static final GroupLayout $LAYOUT = MemoryLayout.structLayout(
            C_INT.withName("arg"),
            MemoryLayout.paddingLayout(4),
            C_POINTER.withName("memory")).withName("dnnl_exec_arg_t");

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

    /** The {@code index}-th element of an array of dnnl_exec_arg_t. */
    public static MemorySegment asSlice(MemorySegment array, long index) {
        return array.asSlice(index * $LAYOUT.byteSize(), $LAYOUT);
    }

    /** Views {@code address} (e.g. a pointer returned by oneDNN) as one dnnl_exec_arg_t. */
    public static MemorySegment reinterpret(MemorySegment address) {
        return address.reinterpret($LAYOUT.byteSize());
    }

    private static final ValueLayout.OfInt arg$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(PathElement.groupElement("arg"));
    private static final long arg$OFFSET = $LAYOUT.byteOffset(PathElement.groupElement("arg"));

    public static ValueLayout.OfInt arg$layout() {
        return arg$LAYOUT;
    }

    public static long arg$offset() {
        return arg$OFFSET;
    }

    public static int arg(MemorySegment struct) {
        return struct.get(arg$LAYOUT, arg$OFFSET);
    }

    public static void arg(MemorySegment struct, int fieldValue) {
        struct.set(arg$LAYOUT, arg$OFFSET, fieldValue);
    }

    private static final AddressLayout memory$LAYOUT = (AddressLayout) $LAYOUT.select(PathElement.groupElement("memory"));
    private static final long memory$OFFSET = $LAYOUT.byteOffset(PathElement.groupElement("memory"));

    public static AddressLayout memory$layout() {
        return memory$LAYOUT;
    }

    public static long memory$offset() {
        return memory$OFFSET;
    }

    public static MemorySegment memory(MemorySegment struct) {
        return struct.get(memory$LAYOUT, memory$OFFSET);
    }

    public static void memory(MemorySegment struct, MemorySegment fieldValue) {
        struct.set(memory$LAYOUT, memory$OFFSET, fieldValue);
    }
}
