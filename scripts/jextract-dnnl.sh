#!/usr/bin/env bash
# Regenerates the oneDNN bindings in ffm-bindings/src/main/java/dev/pyramidkv/dnnl/c/ with jextract:
# builds jextract from its source at a pinned commit with plain javac (once, into a cache directory),
# then runs it on the installed oneDNN header with exactly the functions, structs and constants the
# wrapper classes of dev.pyramidkv.dnnl use. See the README.md next to the generated files.
#
# Needs:
#   - jextract's source as a git directory holding commit JEXTRACT_COMMIT, named by JEXTRACT_GIT, e.g.
#       git clone --bare https://github.com/openjdk/jextract /tmp/jextract.git
#       JEXTRACT_GIT=/tmp/jextract.git scripts/jextract-dnnl.sh
#   - a JDK 25 (JAVA_HOME, default /usr/lib/jvm/temurin-25-jdk-amd64);
#   - libclang and clang's own headers (LLVM_HOME, default /usr/lib/llvm-14):
#       apt-get install libclang1-14 libclang-common-14-dev
#   - the oneDNN 2.x headers: apt-get install libdnnl-dev
#
# The one change made to jextract's output: dnnl_h.SYMBOL_LOOKUP asks DnnlLibrary (which finds
# libdnnl.so.2 on first use, honouring PYRAMIDKV_DNNL) instead of the class loader's libraries.
set -euo pipefail

JEXTRACT_COMMIT=f9866df3a178baa2e4a3746a7a6e458d783ace92   # openjdk/jextract master, 2026-08-21
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="$REPO/ffm-bindings/src/main/java/dev/pyramidkv/dnnl/c"
PACKAGE=dev.pyramidkv.dnnl.c
HEADER=/usr/include/oneapi/dnnl/dnnl.h
JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
LLVM_HOME="${LLVM_HOME:-/usr/lib/llvm-14}"
CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/pyramidkv/jextract-$JEXTRACT_COMMIT"

FUNCTIONS=(
    dnnl_version dnnl_set_verbose dnnl_set_max_cpu_isa dnnl_get_effective_cpu_isa
    dnnl_engine_create dnnl_engine_destroy
    dnnl_stream_create dnnl_stream_wait dnnl_stream_destroy
    dnnl_memory_desc_init_by_tag dnnl_memory_desc_init_by_strides dnnl_memory_desc_get_size dnnl_memory_desc_equal
    dnnl_memory_create dnnl_memory_set_data_handle dnnl_memory_destroy
    dnnl_matmul_desc_init dnnl_softmax_forward_desc_init
    dnnl_primitive_attr_create dnnl_primitive_attr_set_scratchpad_mode dnnl_primitive_attr_destroy
    dnnl_primitive_desc_create dnnl_reorder_primitive_desc_create
    dnnl_primitive_desc_query dnnl_primitive_desc_query_md dnnl_primitive_desc_destroy
    dnnl_primitive_create dnnl_primitive_execute dnnl_primitive_destroy
)
# The structs are anonymous, named by their typedefs. The last three are there only because
# dnnl_memory_desc_t's layout is made of them.
STRUCT_TYPEDEFS=(
    dnnl_version_t dnnl_exec_arg_t dnnl_memory_desc_t dnnl_blocking_desc_t dnnl_matmul_desc_t dnnl_softmax_desc_t
    dnnl_wino_desc_t dnnl_rnn_packed_desc_t dnnl_memory_extra_desc_t
)
CONSTANTS=(
    dnnl_success dnnl_out_of_memory dnnl_invalid_arguments dnnl_unimplemented dnnl_iterator_ends
    dnnl_runtime_error dnnl_not_required
    dnnl_f32 dnnl_bf16 dnnl_f16 dnnl_s32 dnnl_s8 dnnl_u8
    dnnl_blocked dnnl_format_kind_any
    dnnl_format_tag_any dnnl_ab dnnl_ba
    dnnl_cpu dnnl_stream_default_flags dnnl_forward_inference dnnl_scratchpad_mode_user
    dnnl_query_impl_info_str dnnl_query_exec_arg_md dnnl_query_scratchpad_md
    dnnl_cpu_isa_all dnnl_cpu_isa_sse41 dnnl_cpu_isa_avx dnnl_cpu_isa_avx2 dnnl_cpu_isa_avx512_core
    dnnl_cpu_isa_avx512_core_vnni dnnl_cpu_isa_avx512_core_bf16 dnnl_cpu_isa_avx512_core_amx
    DNNL_ARG_SRC DNNL_ARG_WEIGHTS DNNL_ARG_DST DNNL_ARG_FROM DNNL_ARG_TO DNNL_ARG_SCRATCHPAD
    DNNL_MAX_NDIMS DNNL_VERSION_MAJOR DNNL_VERSION_MINOR DNNL_VERSION_PATCH
)

die() { echo "jextract-dnnl.sh: $*" >&2; exit 1; }

[ -x "$JAVA_HOME/bin/javac" ] || die "no javac in JAVA_HOME=$JAVA_HOME (a JDK 25 is needed)"
[ -f "$HEADER" ] || die "$HEADER not found: apt-get install libdnnl-dev"
LIBCLANG="$LLVM_HOME/lib/libclang.so.1"
[ -f "$LIBCLANG" ] || die "$LIBCLANG not found: apt-get install libclang1-14 (or set LLVM_HOME)"
CLANG_INCLUDE="$(ls -d "$LLVM_HOME"/lib/clang/*/include 2>/dev/null | head -n 1)"
[ -n "$CLANG_INCLUDE" ] || die "no $LLVM_HOME/lib/clang/<version>/include: apt-get install libclang-common-14-dev"

# 1. jextract, built once per commit.
if [ ! -f "$CACHE/classes/org/openjdk/jextract/JextractTool.class" ]; then
    [ -n "${JEXTRACT_GIT:-}" ] || die "set JEXTRACT_GIT to a git directory of openjdk/jextract (see the top of this script)"
    git --git-dir="$JEXTRACT_GIT" cat-file -e "$JEXTRACT_COMMIT^{commit}" 2>/dev/null \
        || die "$JEXTRACT_GIT does not hold commit $JEXTRACT_COMMIT"
    rm -rf "$CACHE"
    mkdir -p "$CACHE/src" "$CACHE/classes" "$CACHE/lib"
    git --git-dir="$JEXTRACT_GIT" archive "$JEXTRACT_COMMIT" src/main | tar -x -C "$CACHE/src"
    (cd "$CACHE/src/src/main/java" && find . -name '*.java' > "$CACHE/sources.txt" \
        && "$JAVA_HOME/bin/javac" -nowarn -d "$CACHE/classes" @"$CACHE/sources.txt")
    cp -r "$CACHE/src/src/main/resources/." "$CACHE/classes/"
fi
# jextract loads libclang with System.loadLibrary("clang"); Debian ships only libclang.so.1 without -dev.
ln -sfn "$LIBCLANG" "$CACHE/lib/libclang.so"

# 2. The bindings.
args=(-I "$CLANG_INCLUDE" --output "$CACHE/out" --target-package "$PACKAGE" --header-class-name dnnl_h)
for f in "${FUNCTIONS[@]}"; do args+=(--include-function "$f"); done
for t in "${STRUCT_TYPEDEFS[@]}"; do args+=(--include-typedef "$t"); done
for c in "${CONSTANTS[@]}"; do args+=(--include-constant "$c"); done

rm -rf "$CACHE/out"
"$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -Djava.library.path="$CACHE/lib" \
    -cp "$CACHE/classes" org.openjdk.jextract.JextractTool "${args[@]}" "$HEADER"

GEN="$CACHE/out/${PACKAGE//.//}"
perl -0pi -e 's{    static final SymbolLookup SYMBOL_LOOKUP = SymbolLookup\.loaderLookup\(\)\n\s+\.or\(Linker\.nativeLinker\(\)\.defaultLookup\(\)\);\n}{    // pyramidkv (scripts/jextract-dnnl.sh): the symbols of the libdnnl.so.2 DnnlLibrary finds on first use\n    static final SymbolLookup SYMBOL_LOOKUP = name -> dev.pyramidkv.natives.DnnlLibrary.lookup().find(name);\n} or die "SYMBOL_LOOKUP not found\n"' "$GEN/dnnl_h.java"

mkdir -p "$OUT"
find "$OUT" -maxdepth 1 -name '*.java' -delete
cp "$GEN"/*.java "$OUT/"
echo "jextract-dnnl.sh: $(ls "$GEN" | wc -l) files in $OUT"
