package dev.pyramidkv.dnnl;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

import static dev.pyramidkv.dnnl.c.dnnl_h.*;

/**
 * A oneDNN CPU engine and one in-order stream on it. Primitives ({@link Matmul}, {@link Softmax},
 * {@link Reorder}) are created against an engine and are closed with it if still open.
 *
 * <p>Not thread-safe: an engine, its stream and its primitives are used by one thread at a time
 * (they may move between threads). oneDNN's own threads come from OpenMP ({@code OMP_NUM_THREADS}).
 */
public final class DnnlEngine implements AutoCloseable {

    private MemorySegment engine;
    private MemorySegment stream;
    private final List<BoundPrimitive> primitives = new ArrayList<>();

    private DnnlEngine(MemorySegment engine, MemorySegment stream) {
        this.engine = engine;
        this.stream = stream;
    }

    /**
     * Creates CPU engine 0 and a stream. Throws {@link dev.pyramidkv.natives.NativeLibraryUnavailableException}
     * if libdnnl.so.2 cannot be loaded (check {@link Dnnl#isAvailable()} first to fall back quietly).
     */
    public static DnnlEngine create() {
        Dnnl.requireAvailable();
        try (Arena tmp = Arena.ofConfined()) {
            MemorySegment out = tmp.allocate(C_POINTER);
            DnnlException.check(dnnl_engine_create(out, dnnl_cpu(), 0), "dnnl_engine_create", "creating CPU engine 0");
            MemorySegment engine = out.get(C_POINTER, 0);
            int status = dnnl_stream_create(out, engine, dnnl_stream_default_flags());
            if (status != dnnl_success()) {
                dnnl_engine_destroy(engine);
                throw new DnnlException(status, "dnnl_stream_create", "creating a stream on CPU engine 0");
            }
            return new DnnlEngine(engine, out.get(C_POINTER, 0));
        }
    }

    /** The {@code dnnl_engine_t} handle. */
    public MemorySegment engine() {
        requireOpen();
        return engine;
    }

    /** The {@code dnnl_stream_t} handle. */
    public MemorySegment stream() {
        requireOpen();
        return stream;
    }

    /** Blocks until everything submitted to the stream has finished. */
    public void waitForStream() {
        DnnlException.check(dnnl_stream_wait(stream()), "dnnl_stream_wait", "waiting for the stream");
    }

    public boolean isClosed() {
        return engine == null;
    }

    void register(BoundPrimitive p) {
        requireOpen();
        primitives.add(p);
    }

    void unregister(BoundPrimitive p) {
        primitives.remove(p);
    }

    private void requireOpen() {
        if (engine == null) throw new IllegalStateException("DnnlEngine is closed");
    }

    /** Closes primitives still open on this engine, then the stream and the engine. Idempotent. */
    @Override
    public void close() {
        if (engine == null) return;
        for (BoundPrimitive p : List.copyOf(primitives)) p.close();
        dnnl_stream_destroy(stream);
        dnnl_engine_destroy(engine);
        stream = null;
        engine = null;
    }
}
