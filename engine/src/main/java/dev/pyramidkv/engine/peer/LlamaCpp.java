package dev.pyramidkv.engine.peer;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BOOLEAN;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * The peer llama.cpp (build b4916, as bundled in the pinned de.kherud:llama jar as libjllama.so), driven
 * through its exported C API with FFM: exact logits after each {@code llama_decode}, where the jar's Java
 * API only offers sampled text. Context as our comparisons use it: F32 KV cache, no flash attention,
 * default micro-batch (512), {@code threads} threads. The struct layouts below are llama.h's of that build
 * (their sizes are checked against the library's defaults). Linux x86-64 only.
 */
public final class LlamaCpp implements AutoCloseable {
    private static final String RESOURCE = "/de/kherud/llama/Linux/x86_64/libjllama.so";
    private static final int GGML_TYPE_F32 = 0;

    private static final StructLayout MODEL_PARAMS = MemoryLayout.structLayout(
            ADDRESS.withName("devices"), JAVA_INT.withName("n_gpu_layers"), JAVA_INT.withName("split_mode"),
            JAVA_INT.withName("main_gpu"), MemoryLayout.paddingLayout(4), ADDRESS.withName("tensor_split"),
            ADDRESS.withName("progress_callback"), ADDRESS.withName("progress_callback_user_data"),
            ADDRESS.withName("kv_overrides"), JAVA_BOOLEAN.withName("vocab_only"), JAVA_BOOLEAN.withName("use_mmap"),
            JAVA_BOOLEAN.withName("use_mlock"), JAVA_BOOLEAN.withName("check_tensors"), MemoryLayout.paddingLayout(4));

    private static final StructLayout CONTEXT_PARAMS = MemoryLayout.structLayout(
            JAVA_INT.withName("n_ctx"), JAVA_INT.withName("n_batch"), JAVA_INT.withName("n_ubatch"),
            JAVA_INT.withName("n_seq_max"), JAVA_INT.withName("n_threads"), JAVA_INT.withName("n_threads_batch"),
            JAVA_INT.withName("rope_scaling_type"), JAVA_INT.withName("pooling_type"), JAVA_INT.withName("attention_type"),
            JAVA_FLOAT.withName("rope_freq_base"), JAVA_FLOAT.withName("rope_freq_scale"),
            JAVA_FLOAT.withName("yarn_ext_factor"), JAVA_FLOAT.withName("yarn_attn_factor"),
            JAVA_FLOAT.withName("yarn_beta_fast"), JAVA_FLOAT.withName("yarn_beta_slow"),
            JAVA_INT.withName("yarn_orig_ctx"), JAVA_FLOAT.withName("defrag_thold"), MemoryLayout.paddingLayout(4),
            ADDRESS.withName("cb_eval"), ADDRESS.withName("cb_eval_user_data"),
            JAVA_INT.withName("type_k"), JAVA_INT.withName("type_v"),
            JAVA_BOOLEAN.withName("logits_all"), JAVA_BOOLEAN.withName("embeddings"), JAVA_BOOLEAN.withName("offload_kqv"),
            JAVA_BOOLEAN.withName("flash_attn"), JAVA_BOOLEAN.withName("no_perf"), MemoryLayout.paddingLayout(3),
            ADDRESS.withName("abort_callback"), ADDRESS.withName("abort_callback_data"));

    private static final StructLayout BATCH = MemoryLayout.structLayout(
            JAVA_INT.withName("n_tokens"), MemoryLayout.paddingLayout(4), ADDRESS.withName("token"),
            ADDRESS.withName("embd"), ADDRESS.withName("pos"), ADDRESS.withName("n_seq_id"),
            ADDRESS.withName("seq_id"), ADDRESS.withName("logits"));

    static {
        if (MODEL_PARAMS.byteSize() != 64 || CONTEXT_PARAMS.byteSize() != 120) throw new AssertionError("llama.h layouts");
    }

    private static SymbolLookup library;   // loaded once per JVM, never unloaded (its threads may outlive a context)
    private static final Linker LINKER = Linker.nativeLinker();

    private final Arena arena = Arena.ofShared();
    private final MethodHandle decode, logitsIth, tokenize, free, modelFree, batchGetOne, clear;
    private final MemorySegment model, context, vocabHandle;
    private final MemorySegment tokenBuffer;
    public final int vocab;

    private LlamaCpp(Path gguf, int threads, int contextLength) throws IOException {
        load();
        try {
            MemorySegment mp = (MemorySegment) fn("llama_model_default_params", FunctionDescriptor.of(MODEL_PARAMS))
                    .invokeExact((SegmentAllocator) arena);
            MemorySegment path = arena.allocateFrom(gguf.toString(), StandardCharsets.UTF_8);
            model = (MemorySegment) fn("llama_model_load_from_file", FunctionDescriptor.of(ADDRESS, ADDRESS, MODEL_PARAMS))
                    .invokeExact(path, mp);
            if (model.address() == 0) throw new IllegalArgumentException("llama.cpp cannot load " + gguf);

            MemorySegment cp = (MemorySegment) fn("llama_context_default_params", FunctionDescriptor.of(CONTEXT_PARAMS))
                    .invokeExact((SegmentAllocator) arena);
            set(cp, "n_ctx", contextLength);
            set(cp, "n_batch", contextLength);   // a whole prompt in one llama_decode (micro-batches stay 512)
            set(cp, "n_threads", threads);
            set(cp, "n_threads_batch", threads);
            set(cp, "type_k", GGML_TYPE_F32);
            set(cp, "type_v", GGML_TYPE_F32);
            CONTEXT_PARAMS.varHandle(MemoryLayout.PathElement.groupElement("flash_attn")).set(cp, 0L, false);
            context = (MemorySegment) fn("llama_init_from_model", FunctionDescriptor.of(ADDRESS, ADDRESS, CONTEXT_PARAMS))
                    .invokeExact(model, cp);
            if (context.address() == 0) throw new IllegalStateException("llama.cpp cannot create a context for " + gguf);

            vocabHandle = (MemorySegment) fn("llama_model_get_vocab", FunctionDescriptor.of(ADDRESS, ADDRESS)).invokeExact(model);
            vocab = (int) fn("llama_vocab_n_tokens", FunctionDescriptor.of(JAVA_INT, ADDRESS)).invokeExact(vocabHandle);
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("llama.cpp call failed", t);
        }
        batchGetOne = fn("llama_batch_get_one", FunctionDescriptor.of(BATCH, ADDRESS, JAVA_INT));
        decode = fn("llama_decode", FunctionDescriptor.of(JAVA_INT, ADDRESS, BATCH));
        logitsIth = fn("llama_get_logits_ith", FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT));
        tokenize = fn("llama_tokenize", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT, JAVA_BOOLEAN, JAVA_BOOLEAN));
        clear = fn("llama_kv_self_clear", FunctionDescriptor.ofVoid(ADDRESS));
        free = fn("llama_free", FunctionDescriptor.ofVoid(ADDRESS));
        modelFree = fn("llama_model_free", FunctionDescriptor.ofVoid(ADDRESS));
        tokenBuffer = arena.allocate(JAVA_INT, contextLength);
    }

    /** Copies the library out of the jar, loads it, silences its log and initializes the backend. */
    private static synchronized void load() throws IOException {
        if (library != null) return;
        Path lib = Files.createTempFile("llamacpp-peer", ".so");
        try (InputStream in = LlamaCpp.class.getResourceAsStream(RESOURCE)) {
            if (in == null) throw new IllegalStateException("no " + RESOURCE + " on the class path (de.kherud:llama test dependency)");
            Files.copy(in, lib, StandardCopyOption.REPLACE_EXISTING);
            library = SymbolLookup.libraryLookup(lib, Arena.global());
        } finally {
            Files.delete(lib);   // stays mapped
        }
        try {
            MemorySegment quiet = LINKER.upcallStub(MethodHandles.lookup().findStatic(LlamaCpp.class, "quiet",
                    MethodType.methodType(void.class, int.class, MemorySegment.class, MemorySegment.class)),
                    FunctionDescriptor.ofVoid(JAVA_INT, ADDRESS, ADDRESS), Arena.global());
            fn("llama_log_set", FunctionDescriptor.ofVoid(ADDRESS, ADDRESS)).invokeExact(quiet, MemorySegment.NULL);
            fn("llama_backend_init", FunctionDescriptor.ofVoid()).invokeExact();
        } catch (Throwable t) {
            throw new IllegalStateException("llama.cpp initialization failed", t);
        }
    }

    /**
     * A function of the peer's own ggml (e.g. {@code ggml_vec_dot_q4_K_q8_K}), for kernel-level parity
     * checks: the library is loaded once, as for {@link #open}.
     */
    public static MethodHandle ggml(String name, FunctionDescriptor fd) throws IOException {
        load();
        return fn(name, fd);
    }

    private static MethodHandle fn(String name, FunctionDescriptor fd) {
        return LINKER.downcallHandle(library.find(name).orElseThrow(() -> new IllegalStateException("libjllama has no " + name)), fd);
    }

    /** Loads {@code gguf} into a fresh llama.cpp context of {@code contextLength} tokens. */
    public static LlamaCpp open(Path gguf, int threads, int contextLength) throws IOException {
        String os = System.getProperty("os.name"), arch = System.getProperty("os.arch");
        if (!os.startsWith("Linux") || !(arch.equals("amd64") || arch.equals("x86_64"))) {
            throw new UnsupportedOperationException("the llama.cpp peer runs on Linux x86-64 only, not " + os + "/" + arch);
        }
        return new LlamaCpp(gguf, threads, contextLength);
    }

    /** llama.cpp's tokenization of {@code text}; {@code special}: add BOS if the model wants it, and parse special tokens. */
    public int[] tokenize(String text, boolean special) {
        try (Arena a = Arena.ofConfined()) {
            byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
            MemorySegment s = a.allocate(utf8.length + 1L);
            s.copyFrom(MemorySegment.ofArray(utf8));
            MemorySegment out = a.allocate(JAVA_INT, utf8.length + 8L);
            int n = (int) tokenize.invokeExact(vocabHandle, s, utf8.length, out, utf8.length + 8, special, special);
            if (n < 0) throw new IllegalStateException("llama_tokenize needs " + (-n) + " tokens");
            return out.asSlice(0, 4L * n).toArray(JAVA_INT);
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("llama_tokenize failed", t);
        }
    }

    /** Decodes tokens[offset, offset+n) as one batch (split into micro-batches by llama.cpp). */
    public void decode(int[] tokens, int offset, int n) {
        MemorySegment.copy(tokens, offset, tokenBuffer, JAVA_INT, 0, n);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment batch = (MemorySegment) batchGetOne.invokeExact((SegmentAllocator) a, tokenBuffer, n);
            int rc = (int) decode.invokeExact(context, batch);
            if (rc != 0) throw new IllegalStateException("llama_decode returned " + rc);
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("llama_decode failed", t);
        }
    }

    /** Empties the KV cache: the next decode starts a new sequence at position 0. */
    public void reset() {
        try {
            clear.invokeExact(context);
        } catch (Throwable t) {
            throw new IllegalStateException("llama_kv_self_clear failed", t);
        }
    }

    /** The logits of the last decoded token, {@code [vocab]} f32, valid until the next decode. */
    public MemorySegment logits() {
        try {
            MemorySegment p = (MemorySegment) logitsIth.invokeExact(context, -1);
            return p.reinterpret(4L * vocab);
        } catch (Throwable t) {
            throw new IllegalStateException("llama_get_logits_ith failed", t);
        }
    }

    @Override
    public void close() {
        try {
            free.invokeExact(context);
            modelFree.invokeExact(model);
        } catch (Throwable t) {
            throw new IllegalStateException("llama_free failed", t);
        } finally {
            arena.close();
        }
    }

    private static void set(MemorySegment s, String field, int v) {
        VarHandle h = CONTEXT_PARAMS.varHandle(MemoryLayout.PathElement.groupElement(field));
        h.set(s, 0L, v);
    }

    @SuppressWarnings("unused")
    private static void quiet(int level, MemorySegment text, MemorySegment user) {}
}
