package dev.pyramidkv.dnnl;

import dev.pyramidkv.natives.DnnlLibrary;

import java.lang.foreign.AddressLayout;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SequenceLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * Bindings to the part of the oneDNN 2.x C API ({@code oneapi/dnnl/dnnl.h}, {@code dnnl_types.h},
 * {@code dnnl_config.h}, version 2.6) that pyramidkv uses, written by hand in the shape jextract
 * generates: C type layouts, the constants of each enum we use, and for each function a lazily
 * initialised holder (descriptor, symbol address, downcall handle) plus a static wrapper with the
 * C name and C argument order. Structs have their own classes ({@link dnnl_memory_desc_t}, ...).
 *
 * <p>Every public static final primitive field here is a value copied from the headers, every
 * public layout field is a C type, and every holder class is a C prototype; {@code BindingsMatchHeadersTest}
 * finds them all by reflection and compares them with a C probe compiled against the installed
 * headers, so nothing here can drift from the headers unnoticed.
 *
 * <p>The library is located by {@link DnnlLibrary} when the first function is called; nothing here
 * loads it during class initialisation, so constants and layouts work without oneDNN installed.
 */

@SuppressWarnings("restricted")   // downcall handles are what this class is for
public final class dnnl_h {

    private dnnl_h() {}

    // ---- C types (LP64 Linux) ------------------------------------------------------------------
    /** C {@code char} */
    public static final ValueLayout.OfByte C_CHAR = ValueLayout.JAVA_BYTE;
    /** C {@code int} */
    public static final ValueLayout.OfInt C_INT = ValueLayout.JAVA_INT;
    /** C {@code long} */
    public static final ValueLayout.OfLong C_LONG = ValueLayout.JAVA_LONG;
    /** C {@code float} */
    public static final ValueLayout.OfFloat C_FLOAT = ValueLayout.JAVA_FLOAT;
    /** C {@code void *} */
    public static final AddressLayout C_POINTER = ValueLayout.ADDRESS.withTargetLayout(MemoryLayout.sequenceLayout(Long.MAX_VALUE, ValueLayout.JAVA_BYTE));

    // ---- typedefs of dnnl_types.h (enums are C ints; handles are pointers) -----------------
    public static final ValueLayout.OfLong size_t = C_LONG;
    public static final ValueLayout.OfLong dnnl_dim_t = C_LONG;
    /** {@code typedef dnnl_dim_t dnnl_dims_t[DNNL_MAX_NDIMS]} */
    public static final SequenceLayout dnnl_dims_t = MemoryLayout.sequenceLayout(12, C_LONG);
    public static final ValueLayout.OfInt dnnl_status_t = C_INT;
    public static final ValueLayout.OfInt dnnl_data_type_t = C_INT;
    public static final ValueLayout.OfInt dnnl_format_kind_t = C_INT;
    public static final ValueLayout.OfInt dnnl_format_tag_t = C_INT;
    public static final ValueLayout.OfInt dnnl_prop_kind_t = C_INT;
    public static final ValueLayout.OfInt dnnl_primitive_kind_t = C_INT;
    public static final ValueLayout.OfInt dnnl_engine_kind_t = C_INT;
    public static final ValueLayout.OfInt dnnl_stream_flags_t = C_INT;
    public static final ValueLayout.OfInt dnnl_scratchpad_mode_t = C_INT;
    public static final ValueLayout.OfInt dnnl_query_t = C_INT;
    public static final ValueLayout.OfInt dnnl_cpu_isa_t = C_INT;
    public static final ValueLayout.OfInt dnnl_wino_memory_format_t = C_INT;
    public static final ValueLayout.OfInt dnnl_rnn_packed_memory_format_t = C_INT;
    public static final AddressLayout dnnl_engine_t = C_POINTER;
    public static final AddressLayout dnnl_stream_t = C_POINTER;
    public static final AddressLayout dnnl_memory_t = C_POINTER;
    public static final AddressLayout dnnl_primitive_desc_t = C_POINTER;
    public static final AddressLayout dnnl_primitive_t = C_POINTER;
    public static final AddressLayout dnnl_primitive_attr_t = C_POINTER;
    public static final AddressLayout dnnl_op_desc_t = C_POINTER;

    // ---- constants (values from the headers) ---------------------------------------------------

    // dnnl_status_t
    public static final int dnnl_success = 0;
    public static final int dnnl_out_of_memory = 1;
    public static final int dnnl_invalid_arguments = 2;
    public static final int dnnl_unimplemented = 3;
    public static final int dnnl_iterator_ends = 4;
    public static final int dnnl_runtime_error = 5;
    public static final int dnnl_not_required = 6;

    // dnnl_data_type_t
    public static final int dnnl_data_type_undef = 0;
    public static final int dnnl_f16 = 1;
    public static final int dnnl_bf16 = 2;
    public static final int dnnl_f32 = 3;
    public static final int dnnl_s32 = 4;
    public static final int dnnl_s8 = 5;
    public static final int dnnl_u8 = 6;

    // dnnl_format_kind_t
    public static final int dnnl_format_kind_undef = 0;
    public static final int dnnl_format_kind_any = 1;
    public static final int dnnl_blocked = 2;
    public static final int dnnl_format_kind_wino = 3;
    public static final int dnnl_format_kind_rnn_packed = 4;

    // dnnl_format_tag_t (the plain tags we use; the header has ~500)
    public static final int dnnl_format_tag_undef = 0;
    public static final int dnnl_format_tag_any = 1;
    public static final int dnnl_a = 2;
    public static final int dnnl_ab = 3;
    public static final int dnnl_abc = 4;
    public static final int dnnl_abcd = 5;
    public static final int dnnl_ba = 22;
    public static final int dnnl_acb = 17;
    public static final int dnnl_bac = 23;
    public static final int dnnl_abdc = 15;
    public static final int dnnl_acbd = 6;

    // dnnl_prop_kind_t
    public static final int dnnl_prop_kind_undef = 0;
    public static final int dnnl_forward_training = 64;
    public static final int dnnl_forward_inference = 96;
    public static final int dnnl_forward_scoring = 96;
    public static final int dnnl_forward = 64;

    // dnnl_primitive_kind_t
    public static final int dnnl_undefined_primitive = 0;
    public static final int dnnl_reorder = 1;
    public static final int dnnl_softmax = 8;
    public static final int dnnl_matmul = 18;

    // dnnl_engine_kind_t
    public static final int dnnl_any_engine = 0;
    public static final int dnnl_cpu = 1;
    public static final int dnnl_gpu = 2;

    // dnnl_stream_flags_t
    public static final int dnnl_stream_in_order = 1;
    public static final int dnnl_stream_out_of_order = 2;
    public static final int dnnl_stream_default_flags = 1;

    // dnnl_scratchpad_mode_t
    public static final int dnnl_scratchpad_mode_library = 0;
    public static final int dnnl_scratchpad_mode_user = 1;

    // dnnl_query_t
    public static final int dnnl_query_undef = 0;
    public static final int dnnl_query_engine = 1;
    public static final int dnnl_query_primitive_kind = 2;
    public static final int dnnl_query_impl_info_str = 8;
    public static final int dnnl_query_some_md = 128;
    public static final int dnnl_query_src_md = 129;
    public static final int dnnl_query_weights_md = 131;
    public static final int dnnl_query_dst_md = 133;
    public static final int dnnl_query_scratchpad_md = 136;
    public static final int dnnl_query_exec_arg_md = 255;

    // dnnl_cpu_isa_t
    public static final int dnnl_cpu_isa_all = 0;
    public static final int dnnl_cpu_isa_sse41 = 1;
    public static final int dnnl_cpu_isa_avx = 3;
    public static final int dnnl_cpu_isa_avx2 = 7;
    public static final int dnnl_cpu_isa_avx512_core = 39;
    public static final int dnnl_cpu_isa_avx512_core_vnni = 103;
    public static final int dnnl_cpu_isa_avx512_core_bf16 = 231;
    public static final int dnnl_cpu_isa_avx512_core_amx = 999;

    // execute argument indices (#define DNNL_ARG_*)
    public static final int DNNL_ARG_SRC = 1;
    public static final int DNNL_ARG_FROM = 1;
    public static final int DNNL_ARG_WEIGHTS = 33;
    public static final int DNNL_ARG_BIAS = 41;
    public static final int DNNL_ARG_DST = 17;
    public static final int DNNL_ARG_TO = 17;
    public static final int DNNL_ARG_SCRATCHPAD = 80;

    // limits and versions (#define)
    public static final int DNNL_MAX_NDIMS = 12;
    public static final long DNNL_RUNTIME_DIM_VAL = Long.MIN_VALUE;
    public static final int DNNL_VERSION_MAJOR = 2;
    public static final int DNNL_VERSION_MINOR = 6;
    public static final int DNNL_VERSION_PATCH = 3;

    // ---- symbol lookup --------------------------------------------------------------------------

    static final Linker LINKER = Linker.nativeLinker();

    static MemorySegment findOrThrow(String symbol) {
        return DnnlLibrary.lookup().find(symbol)
                .orElseThrow(() -> new UnsatisfiedLinkError("oneDNN symbol not found: " + symbol
                        + " (in " + DnnlLibrary.library().location().orElse("?") + ")"));
    }

    // ---- functions ------------------------------------------------------------------------------

    private static final class dnnl_version {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_POINTER);
        static final MemorySegment ADDR = findOrThrow("dnnl_version");
        static final MethodHandle HANDLE = LINKER.downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor dnnl_version$descriptor() {
        return dnnl_version.DESC;
    }

    public static MethodHandle dnnl_version$handle() {
        return dnnl_version.HANDLE;
    }

    public static MemorySegment dnnl_version$address() {
        return dnnl_version.ADDR;
    }

    /** {@snippet lang=c : const dnnl_version_t * dnnl_version(void) } */
    public static MemorySegment dnnl_version() {
        var mh$ = dnnl_version.HANDLE;
        try {
            return (MemorySegment) mh$.invokeExact();
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class dnnl_set_verbose {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_INT);
        static final MemorySegment ADDR = findOrThrow("dnnl_set_verbose");
        static final MethodHandle HANDLE = LINKER.downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor dnnl_set_verbose$descriptor() {
        return dnnl_set_verbose.DESC;
    }

    public static MethodHandle dnnl_set_verbose$handle() {
        return dnnl_set_verbose.HANDLE;
    }

    public static MemorySegment dnnl_set_verbose$address() {
        return dnnl_set_verbose.ADDR;
    }

    /** {@snippet lang=c : dnnl_status_t dnnl_set_verbose(int level) } */
    public static int dnnl_set_verbose(int level) {
        var mh$ = dnnl_set_verbose.HANDLE;
        try {
            return (int) mh$.invokeExact(level);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class dnnl_set_max_cpu_isa {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_INT);
        static final MemorySegment ADDR = findOrThrow("dnnl_set_max_cpu_isa");
        static final MethodHandle HANDLE = LINKER.downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor dnnl_set_max_cpu_isa$descriptor() {
        return dnnl_set_max_cpu_isa.DESC;
    }

    public static MethodHandle dnnl_set_max_cpu_isa$handle() {
        return dnnl_set_max_cpu_isa.HANDLE;
    }

    public static MemorySegment dnnl_set_max_cpu_isa$address() {
        return dnnl_set_max_cpu_isa.ADDR;
    }

    /** {@snippet lang=c : dnnl_status_t dnnl_set_max_cpu_isa(dnnl_cpu_isa_t isa) } */
    public static int dnnl_set_max_cpu_isa(int isa) {
        var mh$ = dnnl_set_max_cpu_isa.HANDLE;
        try {
            return (int) mh$.invokeExact(isa);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class dnnl_get_effective_cpu_isa {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT);
        static final MemorySegment ADDR = findOrThrow("dnnl_get_effective_cpu_isa");
        static final MethodHandle HANDLE = LINKER.downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor dnnl_get_effective_cpu_isa$descriptor() {
        return dnnl_get_effective_cpu_isa.DESC;
    }

    public static MethodHandle dnnl_get_effective_cpu_isa$handle() {
        return dnnl_get_effective_cpu_isa.HANDLE;
    }

    public static MemorySegment dnnl_get_effective_cpu_isa$address() {
        return dnnl_get_effective_cpu_isa.ADDR;
    }

    /** {@snippet lang=c : dnnl_cpu_isa_t dnnl_get_effective_cpu_isa(void) } */
    public static int dnnl_get_effective_cpu_isa() {
        var mh$ = dnnl_get_effective_cpu_isa.HANDLE;
        try {
            return (int) mh$.invokeExact();
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class dnnl_engine_get_count {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_LONG, C_INT);
        static final MemorySegment ADDR = findOrThrow("dnnl_engine_get_count");
        static final MethodHandle HANDLE = LINKER.downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor dnnl_engine_get_count$descriptor() {
        return dnnl_engine_get_count.DESC;
    }

    public static MethodHandle dnnl_engine_get_count$handle() {
        return dnnl_engine_get_count.HANDLE;
    }

    public static MemorySegment dnnl_engine_get_count$address() {
        return dnnl_engine_get_count.ADDR;
    }

    /** {@snippet lang=c : size_t dnnl_engine_get_count(dnnl_engine_kind_t kind) } */
    public static long dnnl_engine_get_count(int kind) {
        var mh$ = dnnl_engine_get_count.HANDLE;
        try {
            return (long) mh$.invokeExact(kind);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class dnnl_engine_create {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_INT, C_LONG);
        static final MemorySegment ADDR = findOrThrow("dnnl_engine_create");
        static final MethodHandle HANDLE = LINKER.downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor dnnl_engine_create$descriptor() {
        return dnnl_engine_create.DESC;
    }

    public static MethodHandle dnnl_engine_create$handle() {
        return dnnl_engine_create.HANDLE;
    }

    public static MemorySegment dnnl_engine_create$address() {
        return dnnl_engine_create.ADDR;
    }

    /** {@snippet lang=c : dnnl_status_t dnnl_engine_create(dnnl_engine_t *engine, dnnl_engine_kind_t kind, size_t index) } */
    public static int dnnl_engine_create(MemorySegment engine, int kind, long index) {
        var mh$ = dnnl_engine_create.HANDLE;
        try {
            return (int) mh$.invokeExact(engine, kind, index);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class dnnl_engine_destroy {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER);
        static final MemorySegment ADDR = findOrThrow("dnnl_engine_destroy");
        static final MethodHandle HANDLE = LINKER.downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor dnnl_engine_destroy$descriptor() {
        return dnnl_engine_destroy.DESC;
    }

    public static MethodHandle dnnl_engine_destroy$handle() {
        return dnnl_engine_destroy.HANDLE;
    }

    public static MemorySegment dnnl_engine_destroy$address() {
        return dnnl_engine_destroy.ADDR;
    }

    /** {@snippet lang=c : dnnl_status_t dnnl_engine_destroy(dnnl_engine_t engine) } */
    public static int dnnl_engine_destroy(MemorySegment engine) {
        var mh$ = dnnl_engine_destroy.HANDLE;
        try {
            return (int) mh$.invokeExact(engine);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class dnnl_stream_create {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER, C_INT);
        static final MemorySegment ADDR = findOrThrow("dnnl_stream_create");
        static final MethodHandle HANDLE = LINKER.downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor dnnl_stream_create$descriptor() {
        return dnnl_stream_create.DESC;
    }

    public static MethodHandle dnnl_stream_create$handle() {
        return dnnl_stream_create.HANDLE;
    }

    public static MemorySegment dnnl_stream_create$address() {
        return dnnl_stream_create.ADDR;
    }

    /** {@snippet lang=c : dnnl_status_t dnnl_stream_create(dnnl_stream_t *stream, dnnl_engine_t engine, unsigned flags) } */
    public static int dnnl_stream_create(MemorySegment stream, MemorySegment engine, int flags) {
        var mh$ = dnnl_stream_create.HANDLE;
        try {
            return (int) mh$.invokeExact(stream, engine, flags);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class dnnl_stream_wait {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER);
        static final MemorySegment ADDR = findOrThrow("dnnl_stream_wait");
        static final MethodHandle HANDLE = LINKER.downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor dnnl_stream_wait$descriptor() {
        return dnnl_stream_wait.DESC;
    }

    public static MethodHandle dnnl_stream_wait$handle() {
        return dnnl_stream_wait.HANDLE;
    }

    public static MemorySegment dnnl_stream_wait$address() {
        return dnnl_stream_wait.ADDR;
    }

    /** {@snippet lang=c : dnnl_status_t dnnl_stream_wait(dnnl_stream_t stream) } */
    public static int dnnl_stream_wait(MemorySegment stream) {
        var mh$ = dnnl_stream_wait.HANDLE;
        try {
            return (int) mh$.invokeExact(stream);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class dnnl_stream_destroy {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER);
        static final MemorySegment ADDR = findOrThrow("dnnl_stream_destroy");
        static final MethodHandle HANDLE = LINKER.downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor dnnl_stream_destroy$descriptor() {
        return dnnl_stream_destroy.DESC;
    }

    public static MethodHandle dnnl_stream_destroy$handle() {
        return dnnl_stream_destroy.HANDLE;
    }

    public static MemorySegment dnnl_stream_destroy$address() {
        return dnnl_stream_destroy.ADDR;
    }

    /** {@snippet lang=c : dnnl_status_t dnnl_stream_destroy(dnnl_stream_t stream) } */
    public static int dnnl_stream_destroy(MemorySegment stream) {
        var mh$ = dnnl_stream_destroy.HANDLE;
        try {
            return (int) mh$.invokeExact(stream);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class dnnl_memory_desc_init_by_tag {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_INT, C_POINTER, C_INT, C_INT);
        static final MemorySegment ADDR = findOrThrow("dnnl_memory_desc_init_by_tag");
        static final MethodHandle HANDLE = LINKER.downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor dnnl_memory_desc_init_by_tag$descriptor() {
        return dnnl_memory_desc_init_by_tag.DESC;
    }

    public static MethodHandle dnnl_memory_desc_init_by_tag$handle() {
        return dnnl_memory_desc_init_by_tag.HANDLE;
    }

    public static MemorySegment dnnl_memory_desc_init_by_tag$address() {
        return dnnl_memory_desc_init_by_tag.ADDR;
    }

    /** {@snippet lang=c : dnnl_status_t dnnl_memory_desc_init_by_tag(dnnl_memory_desc_t *memory_desc, int ndims, const dnnl_dim_t *dims, dnnl_data_type_t data_type, dnnl_format_tag_t tag) } */
    public static int dnnl_memory_desc_init_by_tag(MemorySegment memory_desc, int ndims, MemorySegment dims, int data_type, int tag) {
        var mh$ = dnnl_memory_desc_init_by_tag.HANDLE;
        try {
            return (int) mh$.invokeExact(memory_desc, ndims, dims, data_type, tag);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class dnnl_memory_desc_init_by_strides {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_INT, C_POINTER, C_INT, C_POINTER);
        static final MemorySegment ADDR = findOrThrow("dnnl_memory_desc_init_by_strides");
        static final MethodHandle HANDLE = LINKER.downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor dnnl_memory_desc_init_by_strides$descriptor() {
        return dnnl_memory_desc_init_by_strides.DESC;
    }

    public static MethodHandle dnnl_memory_desc_init_by_strides$handle() {
        return dnnl_memory_desc_init_by_strides.HANDLE;
    }

    public static MemorySegment dnnl_memory_desc_init_by_strides$address() {
        return dnnl_memory_desc_init_by_strides.ADDR;
    }

    /** {@snippet lang=c : dnnl_status_t dnnl_memory_desc_init_by_strides(dnnl_memory_desc_t *memory_desc, int ndims, const dnnl_dim_t *dims, dnnl_data_type_t data_type, const dnnl_dim_t *strides) } */
    public static int dnnl_memory_desc_init_by_strides(MemorySegment memory_desc, int ndims, MemorySegment dims, int data_type, MemorySegment strides) {
        var mh$ = dnnl_memory_desc_init_by_strides.HANDLE;
        try {
            return (int) mh$.invokeExact(memory_desc, ndims, dims, data_type, strides);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class dnnl_memory_desc_get_size {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_LONG, C_POINTER);
        static final MemorySegment ADDR = findOrThrow("dnnl_memory_desc_get_size");
        static final MethodHandle HANDLE = LINKER.downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor dnnl_memory_desc_get_size$descriptor() {
        return dnnl_memory_desc_get_size.DESC;
    }

    public static MethodHandle dnnl_memory_desc_get_size$handle() {
        return dnnl_memory_desc_get_size.HANDLE;
    }

    public static MemorySegment dnnl_memory_desc_get_size$address() {
        return dnnl_memory_desc_get_size.ADDR;
    }

    /** {@snippet lang=c : size_t dnnl_memory_desc_get_size(const dnnl_memory_desc_t *memory_desc) } */
    public static long dnnl_memory_desc_get_size(MemorySegment memory_desc) {
        var mh$ = dnnl_memory_desc_get_size.HANDLE;
        try {
            return (long) mh$.invokeExact(memory_desc);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class dnnl_memory_desc_equal {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER);
        static final MemorySegment ADDR = findOrThrow("dnnl_memory_desc_equal");
        static final MethodHandle HANDLE = LINKER.downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor dnnl_memory_desc_equal$descriptor() {
        return dnnl_memory_desc_equal.DESC;
    }

    public static MethodHandle dnnl_memory_desc_equal$handle() {
        return dnnl_memory_desc_equal.HANDLE;
    }

    public static MemorySegment dnnl_memory_desc_equal$address() {
        return dnnl_memory_desc_equal.ADDR;
    }

    /** {@snippet lang=c : int dnnl_memory_desc_equal(const dnnl_memory_desc_t *lhs, const dnnl_memory_desc_t *rhs) } */
    public static int dnnl_memory_desc_equal(MemorySegment lhs, MemorySegment rhs) {
        var mh$ = dnnl_memory_desc_equal.HANDLE;
        try {
            return (int) mh$.invokeExact(lhs, rhs);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class dnnl_memory_create {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER, C_POINTER, C_POINTER);
        static final MemorySegment ADDR = findOrThrow("dnnl_memory_create");
        static final MethodHandle HANDLE = LINKER.downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor dnnl_memory_create$descriptor() {
        return dnnl_memory_create.DESC;
    }

    public static MethodHandle dnnl_memory_create$handle() {
        return dnnl_memory_create.HANDLE;
    }

    public static MemorySegment dnnl_memory_create$address() {
        return dnnl_memory_create.ADDR;
    }

    /** {@snippet lang=c : dnnl_status_t dnnl_memory_create(dnnl_memory_t *memory, const dnnl_memory_desc_t *memory_desc, dnnl_engine_t engine, void *handle) } */
    public static int dnnl_memory_create(MemorySegment memory, MemorySegment memory_desc, MemorySegment engine, MemorySegment handle) {
        var mh$ = dnnl_memory_create.HANDLE;
        try {
            return (int) mh$.invokeExact(memory, memory_desc, engine, handle);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class dnnl_memory_get_memory_desc {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER);
        static final MemorySegment ADDR = findOrThrow("dnnl_memory_get_memory_desc");
        static final MethodHandle HANDLE = LINKER.downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor dnnl_memory_get_memory_desc$descriptor() {
        return dnnl_memory_get_memory_desc.DESC;
    }

    public static MethodHandle dnnl_memory_get_memory_desc$handle() {
        return dnnl_memory_get_memory_desc.HANDLE;
    }

    public static MemorySegment dnnl_memory_get_memory_desc$address() {
        return dnnl_memory_get_memory_desc.ADDR;
    }

    /** {@snippet lang=c : dnnl_status_t dnnl_memory_get_memory_desc(const_dnnl_memory_t memory, const dnnl_memory_desc_t **memory_desc) } */
    public static int dnnl_memory_get_memory_desc(MemorySegment memory, MemorySegment memory_desc) {
        var mh$ = dnnl_memory_get_memory_desc.HANDLE;
        try {
            return (int) mh$.invokeExact(memory, memory_desc);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class dnnl_memory_get_data_handle {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER);
        static final MemorySegment ADDR = findOrThrow("dnnl_memory_get_data_handle");
        static final MethodHandle HANDLE = LINKER.downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor dnnl_memory_get_data_handle$descriptor() {
        return dnnl_memory_get_data_handle.DESC;
    }

    public static MethodHandle dnnl_memory_get_data_handle$handle() {
        return dnnl_memory_get_data_handle.HANDLE;
    }

    public static MemorySegment dnnl_memory_get_data_handle$address() {
        return dnnl_memory_get_data_handle.ADDR;
    }

    /** {@snippet lang=c : dnnl_status_t dnnl_memory_get_data_handle(const_dnnl_memory_t memory, void **handle) } */
    public static int dnnl_memory_get_data_handle(MemorySegment memory, MemorySegment handle) {
        var mh$ = dnnl_memory_get_data_handle.HANDLE;
        try {
            return (int) mh$.invokeExact(memory, handle);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class dnnl_memory_set_data_handle {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER);
        static final MemorySegment ADDR = findOrThrow("dnnl_memory_set_data_handle");
        static final MethodHandle HANDLE = LINKER.downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor dnnl_memory_set_data_handle$descriptor() {
        return dnnl_memory_set_data_handle.DESC;
    }

    public static MethodHandle dnnl_memory_set_data_handle$handle() {
        return dnnl_memory_set_data_handle.HANDLE;
    }

    public static MemorySegment dnnl_memory_set_data_handle$address() {
        return dnnl_memory_set_data_handle.ADDR;
    }

    /** {@snippet lang=c : dnnl_status_t dnnl_memory_set_data_handle(dnnl_memory_t memory, void *handle) } */
    public static int dnnl_memory_set_data_handle(MemorySegment memory, MemorySegment handle) {
        var mh$ = dnnl_memory_set_data_handle.HANDLE;
        try {
            return (int) mh$.invokeExact(memory, handle);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class dnnl_memory_destroy {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER);
        static final MemorySegment ADDR = findOrThrow("dnnl_memory_destroy");
        static final MethodHandle HANDLE = LINKER.downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor dnnl_memory_destroy$descriptor() {
        return dnnl_memory_destroy.DESC;
    }

    public static MethodHandle dnnl_memory_destroy$handle() {
        return dnnl_memory_destroy.HANDLE;
    }

    public static MemorySegment dnnl_memory_destroy$address() {
        return dnnl_memory_destroy.ADDR;
    }

    /** {@snippet lang=c : dnnl_status_t dnnl_memory_destroy(dnnl_memory_t memory) } */
    public static int dnnl_memory_destroy(MemorySegment memory) {
        var mh$ = dnnl_memory_destroy.HANDLE;
        try {
            return (int) mh$.invokeExact(memory);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class dnnl_matmul_desc_init {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER);
        static final MemorySegment ADDR = findOrThrow("dnnl_matmul_desc_init");
        static final MethodHandle HANDLE = LINKER.downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor dnnl_matmul_desc_init$descriptor() {
        return dnnl_matmul_desc_init.DESC;
    }

    public static MethodHandle dnnl_matmul_desc_init$handle() {
        return dnnl_matmul_desc_init.HANDLE;
    }

    public static MemorySegment dnnl_matmul_desc_init$address() {
        return dnnl_matmul_desc_init.ADDR;
    }

    /** {@snippet lang=c : dnnl_status_t dnnl_matmul_desc_init(dnnl_matmul_desc_t *matmul_desc, const dnnl_memory_desc_t *src_desc, const dnnl_memory_desc_t *weights_desc, const dnnl_memory_desc_t *bias_desc, const dnnl_memory_desc_t *dst_desc) } */
    public static int dnnl_matmul_desc_init(MemorySegment matmul_desc, MemorySegment src_desc, MemorySegment weights_desc, MemorySegment bias_desc, MemorySegment dst_desc) {
        var mh$ = dnnl_matmul_desc_init.HANDLE;
        try {
            return (int) mh$.invokeExact(matmul_desc, src_desc, weights_desc, bias_desc, dst_desc);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class dnnl_softmax_forward_desc_init {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_INT, C_POINTER, C_INT);
        static final MemorySegment ADDR = findOrThrow("dnnl_softmax_forward_desc_init");
        static final MethodHandle HANDLE = LINKER.downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor dnnl_softmax_forward_desc_init$descriptor() {
        return dnnl_softmax_forward_desc_init.DESC;
    }

    public static MethodHandle dnnl_softmax_forward_desc_init$handle() {
        return dnnl_softmax_forward_desc_init.HANDLE;
    }

    public static MemorySegment dnnl_softmax_forward_desc_init$address() {
        return dnnl_softmax_forward_desc_init.ADDR;
    }

    /** {@snippet lang=c : dnnl_status_t dnnl_softmax_forward_desc_init(dnnl_softmax_desc_t *softmax_desc, dnnl_prop_kind_t prop_kind, const dnnl_memory_desc_t *data_desc, int softmax_axis) } */
    public static int dnnl_softmax_forward_desc_init(MemorySegment softmax_desc, int prop_kind, MemorySegment data_desc, int softmax_axis) {
        var mh$ = dnnl_softmax_forward_desc_init.HANDLE;
        try {
            return (int) mh$.invokeExact(softmax_desc, prop_kind, data_desc, softmax_axis);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class dnnl_primitive_attr_create {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER);
        static final MemorySegment ADDR = findOrThrow("dnnl_primitive_attr_create");
        static final MethodHandle HANDLE = LINKER.downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor dnnl_primitive_attr_create$descriptor() {
        return dnnl_primitive_attr_create.DESC;
    }

    public static MethodHandle dnnl_primitive_attr_create$handle() {
        return dnnl_primitive_attr_create.HANDLE;
    }

    public static MemorySegment dnnl_primitive_attr_create$address() {
        return dnnl_primitive_attr_create.ADDR;
    }

    /** {@snippet lang=c : dnnl_status_t dnnl_primitive_attr_create(dnnl_primitive_attr_t *attr) } */
    public static int dnnl_primitive_attr_create(MemorySegment attr) {
        var mh$ = dnnl_primitive_attr_create.HANDLE;
        try {
            return (int) mh$.invokeExact(attr);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class dnnl_primitive_attr_destroy {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER);
        static final MemorySegment ADDR = findOrThrow("dnnl_primitive_attr_destroy");
        static final MethodHandle HANDLE = LINKER.downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor dnnl_primitive_attr_destroy$descriptor() {
        return dnnl_primitive_attr_destroy.DESC;
    }

    public static MethodHandle dnnl_primitive_attr_destroy$handle() {
        return dnnl_primitive_attr_destroy.HANDLE;
    }

    public static MemorySegment dnnl_primitive_attr_destroy$address() {
        return dnnl_primitive_attr_destroy.ADDR;
    }

    /** {@snippet lang=c : dnnl_status_t dnnl_primitive_attr_destroy(dnnl_primitive_attr_t attr) } */
    public static int dnnl_primitive_attr_destroy(MemorySegment attr) {
        var mh$ = dnnl_primitive_attr_destroy.HANDLE;
        try {
            return (int) mh$.invokeExact(attr);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class dnnl_primitive_attr_set_scratchpad_mode {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_INT);
        static final MemorySegment ADDR = findOrThrow("dnnl_primitive_attr_set_scratchpad_mode");
        static final MethodHandle HANDLE = LINKER.downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor dnnl_primitive_attr_set_scratchpad_mode$descriptor() {
        return dnnl_primitive_attr_set_scratchpad_mode.DESC;
    }

    public static MethodHandle dnnl_primitive_attr_set_scratchpad_mode$handle() {
        return dnnl_primitive_attr_set_scratchpad_mode.HANDLE;
    }

    public static MemorySegment dnnl_primitive_attr_set_scratchpad_mode$address() {
        return dnnl_primitive_attr_set_scratchpad_mode.ADDR;
    }

    /** {@snippet lang=c : dnnl_status_t dnnl_primitive_attr_set_scratchpad_mode(dnnl_primitive_attr_t attr, dnnl_scratchpad_mode_t mode) } */
    public static int dnnl_primitive_attr_set_scratchpad_mode(MemorySegment attr, int mode) {
        var mh$ = dnnl_primitive_attr_set_scratchpad_mode.HANDLE;
        try {
            return (int) mh$.invokeExact(attr, mode);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class dnnl_primitive_desc_create {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER);
        static final MemorySegment ADDR = findOrThrow("dnnl_primitive_desc_create");
        static final MethodHandle HANDLE = LINKER.downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor dnnl_primitive_desc_create$descriptor() {
        return dnnl_primitive_desc_create.DESC;
    }

    public static MethodHandle dnnl_primitive_desc_create$handle() {
        return dnnl_primitive_desc_create.HANDLE;
    }

    public static MemorySegment dnnl_primitive_desc_create$address() {
        return dnnl_primitive_desc_create.ADDR;
    }

    /** {@snippet lang=c : dnnl_status_t dnnl_primitive_desc_create(dnnl_primitive_desc_t *primitive_desc, const_dnnl_op_desc_t op_desc, const_dnnl_primitive_attr_t attr, dnnl_engine_t engine, const_dnnl_primitive_desc_t hint_forward_primitive_desc) } */
    public static int dnnl_primitive_desc_create(MemorySegment primitive_desc, MemorySegment op_desc, MemorySegment attr, MemorySegment engine, MemorySegment hint_forward_primitive_desc) {
        var mh$ = dnnl_primitive_desc_create.HANDLE;
        try {
            return (int) mh$.invokeExact(primitive_desc, op_desc, attr, engine, hint_forward_primitive_desc);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class dnnl_primitive_desc_query {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_INT, C_INT, C_POINTER);
        static final MemorySegment ADDR = findOrThrow("dnnl_primitive_desc_query");
        static final MethodHandle HANDLE = LINKER.downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor dnnl_primitive_desc_query$descriptor() {
        return dnnl_primitive_desc_query.DESC;
    }

    public static MethodHandle dnnl_primitive_desc_query$handle() {
        return dnnl_primitive_desc_query.HANDLE;
    }

    public static MemorySegment dnnl_primitive_desc_query$address() {
        return dnnl_primitive_desc_query.ADDR;
    }

    /** {@snippet lang=c : dnnl_status_t dnnl_primitive_desc_query(const_dnnl_primitive_desc_t primitive_desc, dnnl_query_t what, int index, void *result) } */
    public static int dnnl_primitive_desc_query(MemorySegment primitive_desc, int what, int index, MemorySegment result) {
        var mh$ = dnnl_primitive_desc_query.HANDLE;
        try {
            return (int) mh$.invokeExact(primitive_desc, what, index, result);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class dnnl_primitive_desc_query_md {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_POINTER, C_POINTER, C_INT, C_INT);
        static final MemorySegment ADDR = findOrThrow("dnnl_primitive_desc_query_md");
        static final MethodHandle HANDLE = LINKER.downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor dnnl_primitive_desc_query_md$descriptor() {
        return dnnl_primitive_desc_query_md.DESC;
    }

    public static MethodHandle dnnl_primitive_desc_query_md$handle() {
        return dnnl_primitive_desc_query_md.HANDLE;
    }

    public static MemorySegment dnnl_primitive_desc_query_md$address() {
        return dnnl_primitive_desc_query_md.ADDR;
    }

    /** {@snippet lang=c : const dnnl_memory_desc_t * dnnl_primitive_desc_query_md(const_dnnl_primitive_desc_t primitive_desc, dnnl_query_t what, int index) } */
    public static MemorySegment dnnl_primitive_desc_query_md(MemorySegment primitive_desc, int what, int index) {
        var mh$ = dnnl_primitive_desc_query_md.HANDLE;
        try {
            return (MemorySegment) mh$.invokeExact(primitive_desc, what, index);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class dnnl_primitive_desc_destroy {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER);
        static final MemorySegment ADDR = findOrThrow("dnnl_primitive_desc_destroy");
        static final MethodHandle HANDLE = LINKER.downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor dnnl_primitive_desc_destroy$descriptor() {
        return dnnl_primitive_desc_destroy.DESC;
    }

    public static MethodHandle dnnl_primitive_desc_destroy$handle() {
        return dnnl_primitive_desc_destroy.HANDLE;
    }

    public static MemorySegment dnnl_primitive_desc_destroy$address() {
        return dnnl_primitive_desc_destroy.ADDR;
    }

    /** {@snippet lang=c : dnnl_status_t dnnl_primitive_desc_destroy(dnnl_primitive_desc_t primitive_desc) } */
    public static int dnnl_primitive_desc_destroy(MemorySegment primitive_desc) {
        var mh$ = dnnl_primitive_desc_destroy.HANDLE;
        try {
            return (int) mh$.invokeExact(primitive_desc);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class dnnl_reorder_primitive_desc_create {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER);
        static final MemorySegment ADDR = findOrThrow("dnnl_reorder_primitive_desc_create");
        static final MethodHandle HANDLE = LINKER.downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor dnnl_reorder_primitive_desc_create$descriptor() {
        return dnnl_reorder_primitive_desc_create.DESC;
    }

    public static MethodHandle dnnl_reorder_primitive_desc_create$handle() {
        return dnnl_reorder_primitive_desc_create.HANDLE;
    }

    public static MemorySegment dnnl_reorder_primitive_desc_create$address() {
        return dnnl_reorder_primitive_desc_create.ADDR;
    }

    /** {@snippet lang=c : dnnl_status_t dnnl_reorder_primitive_desc_create(dnnl_primitive_desc_t *reorder_primitive_desc, const dnnl_memory_desc_t *src_desc, dnnl_engine_t src_engine, const dnnl_memory_desc_t *dst_desc, dnnl_engine_t dst_engine, const_dnnl_primitive_attr_t attr) } */
    public static int dnnl_reorder_primitive_desc_create(MemorySegment reorder_primitive_desc, MemorySegment src_desc, MemorySegment src_engine, MemorySegment dst_desc, MemorySegment dst_engine, MemorySegment attr) {
        var mh$ = dnnl_reorder_primitive_desc_create.HANDLE;
        try {
            return (int) mh$.invokeExact(reorder_primitive_desc, src_desc, src_engine, dst_desc, dst_engine, attr);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class dnnl_primitive_create {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER);
        static final MemorySegment ADDR = findOrThrow("dnnl_primitive_create");
        static final MethodHandle HANDLE = LINKER.downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor dnnl_primitive_create$descriptor() {
        return dnnl_primitive_create.DESC;
    }

    public static MethodHandle dnnl_primitive_create$handle() {
        return dnnl_primitive_create.HANDLE;
    }

    public static MemorySegment dnnl_primitive_create$address() {
        return dnnl_primitive_create.ADDR;
    }

    /** {@snippet lang=c : dnnl_status_t dnnl_primitive_create(dnnl_primitive_t *primitive, const_dnnl_primitive_desc_t primitive_desc) } */
    public static int dnnl_primitive_create(MemorySegment primitive, MemorySegment primitive_desc) {
        var mh$ = dnnl_primitive_create.HANDLE;
        try {
            return (int) mh$.invokeExact(primitive, primitive_desc);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class dnnl_primitive_execute {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER, C_INT, C_POINTER);
        static final MemorySegment ADDR = findOrThrow("dnnl_primitive_execute");
        static final MethodHandle HANDLE = LINKER.downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor dnnl_primitive_execute$descriptor() {
        return dnnl_primitive_execute.DESC;
    }

    public static MethodHandle dnnl_primitive_execute$handle() {
        return dnnl_primitive_execute.HANDLE;
    }

    public static MemorySegment dnnl_primitive_execute$address() {
        return dnnl_primitive_execute.ADDR;
    }

    /** {@snippet lang=c : dnnl_status_t dnnl_primitive_execute(const_dnnl_primitive_t primitive, dnnl_stream_t stream, int nargs, const dnnl_exec_arg_t *args) } */
    public static int dnnl_primitive_execute(MemorySegment primitive, MemorySegment stream, int nargs, MemorySegment args) {
        var mh$ = dnnl_primitive_execute.HANDLE;
        try {
            return (int) mh$.invokeExact(primitive, stream, nargs, args);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class dnnl_primitive_destroy {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER);
        static final MemorySegment ADDR = findOrThrow("dnnl_primitive_destroy");
        static final MethodHandle HANDLE = LINKER.downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor dnnl_primitive_destroy$descriptor() {
        return dnnl_primitive_destroy.DESC;
    }

    public static MethodHandle dnnl_primitive_destroy$handle() {
        return dnnl_primitive_destroy.HANDLE;
    }

    public static MemorySegment dnnl_primitive_destroy$address() {
        return dnnl_primitive_destroy.ADDR;
    }

    /** {@snippet lang=c : dnnl_status_t dnnl_primitive_destroy(dnnl_primitive_t primitive) } */
    public static int dnnl_primitive_destroy(MemorySegment primitive) {
        var mh$ = dnnl_primitive_destroy.HANDLE;
        try {
            return (int) mh$.invokeExact(primitive);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }
}
