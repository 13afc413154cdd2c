package dev.pyramidkv.bench;

import dev.pyramidkv.engine.gguf.GgufFile;
import dev.pyramidkv.engine.gguf.GgufTensor;
import dev.pyramidkv.engine.kernels.MatMul;
import dev.pyramidkv.engine.kernels.PackedMatrix;
import dev.pyramidkv.engine.kernels.PackedWeights;
import dev.pyramidkv.engine.kernels.WorkerPool;
import dev.pyramidkv.engine.registry.FetchProgress;
import dev.pyramidkv.engine.registry.KnownModel;
import dev.pyramidkv.engine.registry.ModelRegistry;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Single-row products (decode GEMV) with every matrix shape of SmolLM2-135M Q4_1: q and o (576→576),
 * k and v (576→192), gate and up (576→1536), down (1536→576), the tied Q8_0 output (576→49152).
 * {@code kernel=packed} is the decode path ({@link PackedMatrix}), {@code rows} the row-at-a-time kernel on
 * the GGUF layout. {@code cache=cold} cycles through enough copies of the matrix (≥ 96 MB) that every call
 * reads it from memory, as in a real decode step (the model is 3× the L3); {@code hot} reuses one copy.
 * <p>
 * The {@code gigabytes} secondary result is weight bytes read per second (GB/s). Run, after
 * {@code mvn -B -pl benchmarks -am package -DskipTests}:
 * {@code java --add-modules jdk.incubator.vector -cp <benchmarks classpath> org.openjdk.jmh.Main GemvBench}.
 */
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class GemvBench {

    @State(Scope.Benchmark)
    public static class Shape {
        @Param({"attn_q", "attn_k", "ffn_gate", "ffn_down", "output"})
        public String matrix;

        @Param({"1", "2"})
        public int threads;

        @Param({"packed"})
        public String kernel;

        @Param({"cold"})
        public String cache;

        GgufFile file;
        Arena arena;
        WorkerPool pool;
        MatMul mm;
        GgufTensor[] copies;
        MemorySegment out;
        double gbPerCall;
        int next;

        @Setup(Level.Trial)
        public void setUp() throws IOException {
            file = GgufFile.open(ModelRegistry.standard().ensure(KnownModel.SMOLLM2, FetchProgress.SILENT));
            GgufTensor w = file.tensor(matrix.equals("output") ? "token_embd.weight" : "blk.0." + matrix + ".weight");
            boolean packed = kernel.equals("packed");
            arena = Arena.ofShared();
            pool = new WorkerPool(threads);
            long bytes = packed ? PackedMatrix.bytesFor(w) : w.type().bytesFor(w.elements());
            int n = cache.equals("cold") ? (int) Math.max(2, (96L << 20) / bytes) : 1;
            copies = new GgufTensor[n];
            for (int i = 0; i < n; i++) {
                MemorySegment data = arena.allocate(w.data().byteSize(), 64);
                MemorySegment.copy(w.data(), 0, data, 0, data.byteSize());
                copies[i] = new GgufTensor(w.name(), w.type(), w.dims(), w.offset(), data);
            }
            PackedWeights pw = packed ? PackedWeights.pack(List.of(copies), arena) : PackedWeights.NONE;
            int k = (int) w.rowLength();
            MemorySegment x = arena.allocate(4L * k, 64);
            Random rnd = new Random(1);
            for (int i = 0; i < k; i++) x.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) rnd.nextGaussian());
            out = arena.allocate(4L * w.rows(), 64);
            mm = new MatMul(arena, pool, 1, k, pw);
            mm.prepare(x, 1, k, true, false);    // the same input for every copy
            gbPerCall = bytes / 1e9;
            System.out.printf("%n%s: %d copies of %.2f MB%n", w.name(), n, bytes / 1e6);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            pool.close();
            arena.close();
            file.close();
        }
    }

    /** Counts weight gigabytes read; JMH reports them per second. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Bytes {
        public double gigabytes;
    }

    @Benchmark
    public void gemv(Shape s, Bytes b) {
        GgufTensor w = s.copies[s.next];
        s.next = s.next + 1 == s.copies.length ? 0 : s.next + 1;
        s.mm.apply(w, s.out);
        b.gigabytes += s.gbPerCall;
    }

    /** The activation quantization before each group of products (576 and 1536 wide). */
    @State(Scope.Benchmark)
    public static class Input {
        @Param({"576", "1536"})
        public int k;
        Arena arena;
        WorkerPool pool;
        MatMul mm;
        MemorySegment x;

        @Setup(Level.Trial)
        public void setUp() {
            arena = Arena.ofShared();
            pool = new WorkerPool(1);
            mm = new MatMul(arena, pool, 1, k);
            x = arena.allocate(4L * k, 64);
            Random rnd = new Random(2);
            for (int i = 0; i < k; i++) x.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) rnd.nextGaussian());
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            pool.close();
            arena.close();
        }
    }

    @Benchmark
    public void quantize(Input in) {
        in.mm.prepare(in.x, 1, in.k, true, false);
    }
}
