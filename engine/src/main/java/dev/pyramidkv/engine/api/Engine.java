package dev.pyramidkv.engine.api;

import dev.pyramidkv.dnnl.Dnnl;
import dev.pyramidkv.dnnl.DnnlEngine;
import dev.pyramidkv.engine.chat.ChatTemplate;
import dev.pyramidkv.engine.gguf.GgufFile;
import dev.pyramidkv.engine.kernels.VectorShape;
import dev.pyramidkv.engine.model.Llama;
import dev.pyramidkv.engine.model.LlamaConfig;
import dev.pyramidkv.engine.model.PrefillWeights;
import dev.pyramidkv.engine.tokenizer.Tokenizer;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A loaded model: the mapped GGUF file, its weights, tokenizer and chat template. Load once and share:
 * it is immutable and thread-safe; each conversation is a {@link Session}. Closing the engine closes its
 * sessions and unmaps the file; closing it again does nothing, and a closed engine refuses new sessions.
 * Close it only when no session is generating: its sessions' memory is freed under them.
 */
public final class Engine implements AutoCloseable {
    private final Path path;
    private final GgufFile file;
    private final Arena arena;
    private final Llama model;
    private final Tokenizer tokenizer;
    private final ChatTemplate chatTemplate;
    private final Set<Session> sessions = ConcurrentHashMap.newKeySet();
    private boolean closed;                   // guarded by this
    private PrefillWeights prefillWeights;   // packed on the first oneDNN session, shared by all
    private static final System.Logger LOG = System.getLogger(Engine.class.getName());
    private static volatile boolean warnedNoDnnl;

    private Engine(Path path, GgufFile file, Arena arena) {
        this.path = path;
        this.file = file;
        this.arena = arena;
        this.model = new Llama(file, arena);
        this.tokenizer = Tokenizer.fromGguf(file.metadata());
        this.chatTemplate = ChatTemplate.fromGguf(file.metadata(), tokenizer);
        if (tokenizer.vocabularySize() != model.config.vocab()) {
            throw new IllegalArgumentException("tokenizer has " + tokenizer.vocabularySize() + " tokens but the model's vocabulary is " + model.config.vocab());
        }
    }

    /** Maps and validates a GGUF model file. */
    public static Engine load(Path path) throws IOException {
        VectorShape.require();
        GgufFile file = GgufFile.open(path);
        Arena arena = Arena.ofShared();
        try {
            return new Engine(path, file, arena);
        } catch (IllegalArgumentException e) { // the file is valid GGUF but not a model we can run: name it
            arena.close();
            file.close();
            throw new IllegalArgumentException(path + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            arena.close();
            file.close();
            throw e;
        }
    }

    /** Opens a conversation; close it to free its native memory. */
    public Session newSession(SessionConfig config) {
        checkOpen();
        Session s = new Session(this, config);
        synchronized (this) {
            if (!closed) {
                sessions.add(s);
                return s;
            }
        }
        s.close();   // the engine closed while the session was being set up
        throw closedError();
    }

    public synchronized boolean isClosed() { return closed; }

    private synchronized void checkOpen() {
        if (closed) throw closedError();
    }

    private IllegalStateException closedError() {
        return new IllegalStateException("engine " + path.getFileName() + " is closed: it opens no more sessions");
    }

    void closed(Session s) { sessions.remove(s); }

    /**
     * The backend a session asking for {@code requested} gets: {@link Backend#JAVA} if oneDNN is asked for
     * but cannot be loaded or has no bf16 matmul on this CPU (AVX2 machines), said once per JVM as a warning
     * naming why. Every model this engine loads (llama, qwen2) prefills on oneDNN.
     */
    Backend effective(Backend requested) {
        if (requested != Backend.ONEDNN) return requested;
        String why = Dnnl.isAvailable() ? Dnnl.bf16Unsupported() : Dnnl.unavailableReason();
        if (!why.isEmpty()) {
            if (!warnedNoDnnl) {
                warnedNoDnnl = true;
                String what = Dnnl.isAvailable() ? "the oneDNN prefill needs bf16" : "oneDNN is not available";
                LOG.log(System.Logger.Level.WARNING, what + ", prefill runs on the Java backend: " + why);
            }
            return Backend.JAVA;
        }
        return requested;
    }

    /**
     * The model's layer weights packed for oneDNN prefill GEMMs (bf16 in oneDNN's blocked layout), made on the
     * first call (about a second for a small model) and kept until the engine closes.
     */
    public synchronized PrefillWeights prefillWeights() {
        checkOpen();
        if (prefillWeights == null) {
            try (DnnlEngine dnnl = DnnlEngine.create()) {
                prefillWeights = PrefillWeights.packed(model, dnnl, arena);
            }
        }
        return prefillWeights;
    }

    public Path path() { return path; }

    public GgufFile file() { return file; }

    public LlamaConfig config() { return model.config; }

    public Llama model() { return model; }

    public Tokenizer tokenizer() { return tokenizer; }

    /** The model's own chat template, or ChatML when the file has none. */
    public ChatTemplate chatTemplate() { return chatTemplate; }

    @Override
    public void close() {
        synchronized (this) {
            if (closed) return;
            closed = true;
        }
        for (Session s : sessions) s.close();
        arena.close();
        file.close();
    }
}
