/*
 * Layout probe for dev.pyramidkv.dnnl (module ffm-bindings): prints what the installed oneDNN 2.x
 * headers say about every C type, struct field, constant and function prototype that the
 * hand-written Java bindings assume. BindingsMatchHeadersTest compiles this with gcc, runs it, and
 * compares the output with the Java side in both directions, so a binding added without a line
 * here (or a line here without a binding) fails the test.
 *
 * Output, one fact per line:
 *   typedef  <name> <sizeof> <alignof>
 *   struct   <name> <sizeof> <alignof>
 *   field    <struct>.<member path> <offset> <sizeof>     (members of anonymous unions are walked)
 *   const    <name> <value>
 *   function <name> <return carrier>(<argument carriers>)  carriers: C_INT C_LONG C_FLOAT C_POINTER
 *
 * Each FUNC line also asserts at compile time that the prototype written here is the header's.
 */
#include <stddef.h>
#include <stdio.h>

#include <oneapi/dnnl/dnnl.h>

/* The Java carrier (the FFM layout) a C type is passed as, on x86-64 Linux. */
static const char *carrier(int type_class, size_t size) {
    switch (type_class) {
        case 1: /* integer */
        case 3: /* enumeral */ return size == 4 ? "C_INT" : size == 8 ? "C_LONG" : "?";
        case 5: /* pointer */ return "C_POINTER";
        case 8: /* real */ return size == 4 ? "C_FLOAT" : "?";
        default: return "?";
    }
}
#define CARRIER(T) carrier(__builtin_classify_type((T)0), sizeof(T))

#define TYPEDEF(name, T) printf("typedef %s %zu %zu\n", name, sizeof(T), _Alignof(T));
#define STRUCT(T) printf("struct %s %zu %zu\n", #T, sizeof(T), _Alignof(T));
#define FIELD(T, path) printf("field %s.%s %zu %zu\n", #T, #path, offsetof(T, path), sizeof(((T *)0)->path));
#define CONST(x) printf("const %s %lld\n", #x, (long long)(x));

/* FUNC(return type, name, parameter types...): checks the prototype, prints the carriers. */
#define ARG(T) printf("%s%s", sep, CARRIER(T)); sep = ",";
#define ARGS_1(a) ARG(a)
#define ARGS_2(a, ...) ARG(a) ARGS_1(__VA_ARGS__)
#define ARGS_3(a, ...) ARG(a) ARGS_2(__VA_ARGS__)
#define ARGS_4(a, ...) ARG(a) ARGS_3(__VA_ARGS__)
#define ARGS_5(a, ...) ARG(a) ARGS_4(__VA_ARGS__)
#define ARGS_6(a, ...) ARG(a) ARGS_5(__VA_ARGS__)
#define COUNT(...) COUNT_(__VA_ARGS__, 6, 5, 4, 3, 2, 1, 0)
#define COUNT_(_1, _2, _3, _4, _5, _6, N, ...) N
#define CAT(a, b) CAT_(a, b)
#define CAT_(a, b) a##b
#define FUNC(R, name, ...) { \
        _Static_assert(__builtin_types_compatible_p(__typeof__(name), R(__VA_ARGS__)), \
                #name ": the prototype here differs from the header"); \
        const char *sep = ""; \
        printf("function %s %s(", #name, CARRIER(R)); \
        CAT(ARGS_, COUNT(__VA_ARGS__))(__VA_ARGS__) \
        printf(")\n"); \
        (void)sep; }
#define FUNC0(R, name) { \
        _Static_assert(__builtin_types_compatible_p(__typeof__(name), R(void)), \
                #name ": the prototype here differs from the header"); \
        printf("function %s %s()\n", #name, CARRIER(R)); }

int main(void) {
    /* C types and typedefs (dnnl_h's layout constants) */
    TYPEDEF("C_CHAR", char)
    TYPEDEF("C_INT", int)
    TYPEDEF("C_LONG", long)
    TYPEDEF("C_FLOAT", float)
    TYPEDEF("C_POINTER", void *)
    TYPEDEF("size_t", size_t)
    TYPEDEF("dnnl_dim_t", dnnl_dim_t)
    TYPEDEF("dnnl_dims_t", dnnl_dims_t)
    TYPEDEF("dnnl_status_t", dnnl_status_t)
    TYPEDEF("dnnl_data_type_t", dnnl_data_type_t)
    TYPEDEF("dnnl_format_kind_t", dnnl_format_kind_t)
    TYPEDEF("dnnl_format_tag_t", dnnl_format_tag_t)
    TYPEDEF("dnnl_prop_kind_t", dnnl_prop_kind_t)
    TYPEDEF("dnnl_primitive_kind_t", dnnl_primitive_kind_t)
    TYPEDEF("dnnl_engine_kind_t", dnnl_engine_kind_t)
    TYPEDEF("dnnl_stream_flags_t", dnnl_stream_flags_t)
    TYPEDEF("dnnl_scratchpad_mode_t", dnnl_scratchpad_mode_t)
    TYPEDEF("dnnl_query_t", dnnl_query_t)
    TYPEDEF("dnnl_cpu_isa_t", dnnl_cpu_isa_t)
    TYPEDEF("dnnl_wino_memory_format_t", dnnl_wino_memory_format_t)
    TYPEDEF("dnnl_rnn_packed_memory_format_t", dnnl_rnn_packed_memory_format_t)
    TYPEDEF("dnnl_engine_t", dnnl_engine_t)
    TYPEDEF("dnnl_stream_t", dnnl_stream_t)
    TYPEDEF("dnnl_memory_t", dnnl_memory_t)
    TYPEDEF("dnnl_primitive_desc_t", dnnl_primitive_desc_t)
    TYPEDEF("dnnl_primitive_t", dnnl_primitive_t)
    TYPEDEF("dnnl_primitive_attr_t", dnnl_primitive_attr_t)
    TYPEDEF("dnnl_op_desc_t", dnnl_op_desc_t)

    /* structs, every member (paddings are implied by the offsets) */
    STRUCT(dnnl_blocking_desc_t)
    FIELD(dnnl_blocking_desc_t, strides)
    FIELD(dnnl_blocking_desc_t, inner_nblks)
    FIELD(dnnl_blocking_desc_t, inner_blks)
    FIELD(dnnl_blocking_desc_t, inner_idxs)
    STRUCT(dnnl_wino_desc_t)
    FIELD(dnnl_wino_desc_t, wino_format)
    FIELD(dnnl_wino_desc_t, r)
    FIELD(dnnl_wino_desc_t, alpha)
    FIELD(dnnl_wino_desc_t, ic)
    FIELD(dnnl_wino_desc_t, oc)
    FIELD(dnnl_wino_desc_t, ic_block)
    FIELD(dnnl_wino_desc_t, oc_block)
    FIELD(dnnl_wino_desc_t, ic2_block)
    FIELD(dnnl_wino_desc_t, oc2_block)
    FIELD(dnnl_wino_desc_t, adj_scale)
    FIELD(dnnl_wino_desc_t, size)
    STRUCT(dnnl_rnn_packed_desc_t)
    FIELD(dnnl_rnn_packed_desc_t, format)
    FIELD(dnnl_rnn_packed_desc_t, n_parts)
    FIELD(dnnl_rnn_packed_desc_t, n)
    FIELD(dnnl_rnn_packed_desc_t, ldb)
    FIELD(dnnl_rnn_packed_desc_t, parts)
    FIELD(dnnl_rnn_packed_desc_t, part_pack_size)
    FIELD(dnnl_rnn_packed_desc_t, pack_part)
    FIELD(dnnl_rnn_packed_desc_t, offset_compensation)
    FIELD(dnnl_rnn_packed_desc_t, size)
    FIELD(dnnl_rnn_packed_desc_t, reserved)
    STRUCT(dnnl_memory_extra_desc_t)
    FIELD(dnnl_memory_extra_desc_t, flags)
    FIELD(dnnl_memory_extra_desc_t, compensation_mask)
    FIELD(dnnl_memory_extra_desc_t, scale_adjust)
    FIELD(dnnl_memory_extra_desc_t, asymm_compensation_mask)
    FIELD(dnnl_memory_extra_desc_t, reserved)
    STRUCT(dnnl_memory_desc_t)
    FIELD(dnnl_memory_desc_t, ndims)
    FIELD(dnnl_memory_desc_t, dims)
    FIELD(dnnl_memory_desc_t, data_type)
    FIELD(dnnl_memory_desc_t, padded_dims)
    FIELD(dnnl_memory_desc_t, padded_offsets)
    FIELD(dnnl_memory_desc_t, offset0)
    FIELD(dnnl_memory_desc_t, format_kind)
    FIELD(dnnl_memory_desc_t, format_desc)
    FIELD(dnnl_memory_desc_t, format_desc.blocking)
    FIELD(dnnl_memory_desc_t, format_desc.wino_desc)
    FIELD(dnnl_memory_desc_t, format_desc.rnn_packed_desc)
    FIELD(dnnl_memory_desc_t, extra)
    STRUCT(dnnl_matmul_desc_t)
    FIELD(dnnl_matmul_desc_t, primitive_kind)
    FIELD(dnnl_matmul_desc_t, src_desc)
    FIELD(dnnl_matmul_desc_t, weights_desc)
    FIELD(dnnl_matmul_desc_t, bias_desc)
    FIELD(dnnl_matmul_desc_t, dst_desc)
    FIELD(dnnl_matmul_desc_t, accum_data_type)
    STRUCT(dnnl_softmax_desc_t)
    FIELD(dnnl_softmax_desc_t, primitive_kind)
    FIELD(dnnl_softmax_desc_t, prop_kind)
    FIELD(dnnl_softmax_desc_t, data_desc)
    FIELD(dnnl_softmax_desc_t, diff_desc)
    FIELD(dnnl_softmax_desc_t, softmax_axis)
    STRUCT(dnnl_exec_arg_t)
    FIELD(dnnl_exec_arg_t, arg)
    FIELD(dnnl_exec_arg_t, memory)
    STRUCT(dnnl_version_t)
    FIELD(dnnl_version_t, major)
    FIELD(dnnl_version_t, minor)
    FIELD(dnnl_version_t, patch)
    FIELD(dnnl_version_t, hash)
    FIELD(dnnl_version_t, cpu_runtime)
    FIELD(dnnl_version_t, gpu_runtime)

    /* constants */
    /* dnnl_status_t */
    CONST(dnnl_success)
    CONST(dnnl_out_of_memory)
    CONST(dnnl_invalid_arguments)
    CONST(dnnl_unimplemented)
    CONST(dnnl_iterator_ends)
    CONST(dnnl_runtime_error)
    CONST(dnnl_not_required)
    /* dnnl_data_type_t */
    CONST(dnnl_data_type_undef)
    CONST(dnnl_f16)
    CONST(dnnl_bf16)
    CONST(dnnl_f32)
    CONST(dnnl_s32)
    CONST(dnnl_s8)
    CONST(dnnl_u8)
    /* dnnl_format_kind_t */
    CONST(dnnl_format_kind_undef)
    CONST(dnnl_format_kind_any)
    CONST(dnnl_blocked)
    CONST(dnnl_format_kind_wino)
    CONST(dnnl_format_kind_rnn_packed)
    /* dnnl_format_tag_t (the plain tags we use; the header has ~500) */
    CONST(dnnl_format_tag_undef)
    CONST(dnnl_format_tag_any)
    CONST(dnnl_a)
    CONST(dnnl_ab)
    CONST(dnnl_abc)
    CONST(dnnl_abcd)
    CONST(dnnl_ba)
    CONST(dnnl_acb)
    CONST(dnnl_bac)
    CONST(dnnl_abdc)
    CONST(dnnl_acbd)
    /* dnnl_prop_kind_t */
    CONST(dnnl_prop_kind_undef)
    CONST(dnnl_forward_training)
    CONST(dnnl_forward_inference)
    CONST(dnnl_forward_scoring)
    CONST(dnnl_forward)
    /* dnnl_primitive_kind_t */
    CONST(dnnl_undefined_primitive)
    CONST(dnnl_reorder)
    CONST(dnnl_softmax)
    CONST(dnnl_matmul)
    /* dnnl_engine_kind_t */
    CONST(dnnl_any_engine)
    CONST(dnnl_cpu)
    CONST(dnnl_gpu)
    /* dnnl_stream_flags_t */
    CONST(dnnl_stream_in_order)
    CONST(dnnl_stream_out_of_order)
    CONST(dnnl_stream_default_flags)
    /* dnnl_scratchpad_mode_t */
    CONST(dnnl_scratchpad_mode_library)
    CONST(dnnl_scratchpad_mode_user)
    /* dnnl_query_t */
    CONST(dnnl_query_undef)
    CONST(dnnl_query_engine)
    CONST(dnnl_query_primitive_kind)
    CONST(dnnl_query_impl_info_str)
    CONST(dnnl_query_some_md)
    CONST(dnnl_query_src_md)
    CONST(dnnl_query_weights_md)
    CONST(dnnl_query_dst_md)
    CONST(dnnl_query_scratchpad_md)
    CONST(dnnl_query_exec_arg_md)
    /* dnnl_cpu_isa_t */
    CONST(dnnl_cpu_isa_all)
    CONST(dnnl_cpu_isa_sse41)
    CONST(dnnl_cpu_isa_avx)
    CONST(dnnl_cpu_isa_avx2)
    CONST(dnnl_cpu_isa_avx512_core)
    CONST(dnnl_cpu_isa_avx512_core_vnni)
    CONST(dnnl_cpu_isa_avx512_core_bf16)
    CONST(dnnl_cpu_isa_avx512_core_amx)
    /* execute argument indices (#define DNNL_ARG_*) */
    CONST(DNNL_ARG_SRC)
    CONST(DNNL_ARG_FROM)
    CONST(DNNL_ARG_WEIGHTS)
    CONST(DNNL_ARG_BIAS)
    CONST(DNNL_ARG_DST)
    CONST(DNNL_ARG_TO)
    CONST(DNNL_ARG_SCRATCHPAD)
    /* limits and versions (#define) */
    CONST(DNNL_MAX_NDIMS)
    CONST(DNNL_RUNTIME_DIM_VAL)
    CONST(DNNL_VERSION_MAJOR)
    CONST(DNNL_VERSION_MINOR)
    CONST(DNNL_VERSION_PATCH)

    /* functions: FUNC(return type, name, parameter types as in dnnl.h) */
    FUNC0(const dnnl_version_t *, dnnl_version)
    FUNC(dnnl_status_t, dnnl_set_verbose, int)
    FUNC(dnnl_status_t, dnnl_set_max_cpu_isa, dnnl_cpu_isa_t)
    FUNC0(dnnl_cpu_isa_t, dnnl_get_effective_cpu_isa)
    FUNC(size_t, dnnl_engine_get_count, dnnl_engine_kind_t)
    FUNC(dnnl_status_t, dnnl_engine_create, dnnl_engine_t *, dnnl_engine_kind_t, size_t)
    FUNC(dnnl_status_t, dnnl_engine_destroy, dnnl_engine_t)
    FUNC(dnnl_status_t, dnnl_stream_create, dnnl_stream_t *, dnnl_engine_t, unsigned)
    FUNC(dnnl_status_t, dnnl_stream_wait, dnnl_stream_t)
    FUNC(dnnl_status_t, dnnl_stream_destroy, dnnl_stream_t)
    FUNC(dnnl_status_t, dnnl_memory_desc_init_by_tag, dnnl_memory_desc_t *, int, const dnnl_dim_t *, dnnl_data_type_t, dnnl_format_tag_t)
    FUNC(dnnl_status_t, dnnl_memory_desc_init_by_strides, dnnl_memory_desc_t *, int, const dnnl_dim_t *, dnnl_data_type_t, const dnnl_dim_t *)
    FUNC(size_t, dnnl_memory_desc_get_size, const dnnl_memory_desc_t *)
    FUNC(int, dnnl_memory_desc_equal, const dnnl_memory_desc_t *, const dnnl_memory_desc_t *)
    FUNC(dnnl_status_t, dnnl_memory_create, dnnl_memory_t *, const dnnl_memory_desc_t *, dnnl_engine_t, void *)
    FUNC(dnnl_status_t, dnnl_memory_get_memory_desc, const_dnnl_memory_t, const dnnl_memory_desc_t **)
    FUNC(dnnl_status_t, dnnl_memory_get_data_handle, const_dnnl_memory_t, void **)
    FUNC(dnnl_status_t, dnnl_memory_set_data_handle, dnnl_memory_t, void *)
    FUNC(dnnl_status_t, dnnl_memory_destroy, dnnl_memory_t)
    FUNC(dnnl_status_t, dnnl_matmul_desc_init, dnnl_matmul_desc_t *, const dnnl_memory_desc_t *, const dnnl_memory_desc_t *, const dnnl_memory_desc_t *, const dnnl_memory_desc_t *)
    FUNC(dnnl_status_t, dnnl_softmax_forward_desc_init, dnnl_softmax_desc_t *, dnnl_prop_kind_t, const dnnl_memory_desc_t *, int)
    FUNC(dnnl_status_t, dnnl_primitive_attr_create, dnnl_primitive_attr_t *)
    FUNC(dnnl_status_t, dnnl_primitive_attr_destroy, dnnl_primitive_attr_t)
    FUNC(dnnl_status_t, dnnl_primitive_attr_set_scratchpad_mode, dnnl_primitive_attr_t, dnnl_scratchpad_mode_t)
    FUNC(dnnl_status_t, dnnl_primitive_desc_create, dnnl_primitive_desc_t *, const_dnnl_op_desc_t, const_dnnl_primitive_attr_t, dnnl_engine_t, const_dnnl_primitive_desc_t)
    FUNC(dnnl_status_t, dnnl_primitive_desc_query, const_dnnl_primitive_desc_t, dnnl_query_t, int, void *)
    FUNC(const dnnl_memory_desc_t *, dnnl_primitive_desc_query_md, const_dnnl_primitive_desc_t, dnnl_query_t, int)
    FUNC(dnnl_status_t, dnnl_primitive_desc_destroy, dnnl_primitive_desc_t)
    FUNC(dnnl_status_t, dnnl_reorder_primitive_desc_create, dnnl_primitive_desc_t *, const dnnl_memory_desc_t *, dnnl_engine_t, const dnnl_memory_desc_t *, dnnl_engine_t, const_dnnl_primitive_attr_t)
    FUNC(dnnl_status_t, dnnl_primitive_create, dnnl_primitive_t *, const_dnnl_primitive_desc_t)
    FUNC(dnnl_status_t, dnnl_primitive_execute, const_dnnl_primitive_t, dnnl_stream_t, int, const dnnl_exec_arg_t *)
    FUNC(dnnl_status_t, dnnl_primitive_destroy, dnnl_primitive_t)
    return 0;
}
