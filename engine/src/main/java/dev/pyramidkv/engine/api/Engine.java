package dev.pyramidkv.engine.api;

import dev.pyramidkv.dnnl.Dnnl;
import dev.pyramidkv.dnnl.DnnlEngine;
import dev.pyramidkv.engine.chat.ChatTemplate;
import dev.pyramidkv.engine.gguf.GgufFile;
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
 * sessions and unmaps the file.
 */
public final class Engine implements AutoCloseable {
    private final Path path;
    private final GgufFile file;
    private final Arena arena;
    private final Llama model;
    private final Tokenizer tokenizer;
    private final ChatTemplate chatTemplate;
    private final Set<Session> sessions = ConcurrentHashMap.newKeySet();
    private PrefillWeights prefillWeights;   // packed on the first oneDNN session, shared by all
    private static final System.Logger LOG = System.getLogger(Engine.class.getName());
    private static volatile boolean warnedNoDnnl;
    private volatile boolean warnedModel;

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
        GgufFile file = GgufFile.open(path);
        Arena arena = Arena.ofShared();
        try {
            return new Engine(path, file, arena);
        } catch (RuntimeException e) {
            arena.close();
            file.close();
            throw e;
        }
    }

    /** Opens a conversation; close it to free its native memory. */
    public Session newSession(SessionConfig config) {
        Session s = new Session(this, config);
        sessions.add(s);
        return s;
    }

    void closed(Session s) { sessions.remove(s); }

    /**
     * The backend a session asking for {@code requested} gets: {@link Backend#JAVA} if oneDNN is asked for
     * but cannot be loaded, or cannot prefill this model (said once per JVM, as a warning naming why).
     */
    Backend effective(Backend requested) {
        if (requested != Backend.ONEDNN) return requested;
        if (!Dnnl.isAvailable()) {
            if (!warnedNoDnnl) {
                warnedNoDnnl = true;
                LOG.log(System.Logger.Level.WARNING, "oneDNN is not available, prefill runs on the Java backend: " + Dnnl.unavailableReason());
            }
            return Backend.JAVA;
        }
        if (!model.dnnlPrefillable()) {
            if (!warnedModel) {
                warnedModel = true;
                LOG.log(System.Logger.Level.WARNING, "the oneDNN prefill runs llama models without Q/K/V biases and with NORM RoPE;"
                        + " this " + model.config.architecture() + " model prefills on the Java backend");
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
        for (Session s : sessions) s.close();
        arena.close();
        file.close();
    }
}
