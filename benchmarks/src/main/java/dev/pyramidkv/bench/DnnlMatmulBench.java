package dev.pyramidkv.bench;

import dev.pyramidkv.dnnl.DataType;
import dev.pyramidkv.dnnl.DnnlEngine;
import dev.pyramidkv.dnnl.Matmul;
import dev.pyramidkv.dnnl.MatmulSpec;
import dev.pyramidkv.dnnl.WeightsLayout;
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

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * oneDNN matmul through FFM: throughput of a prefill-sized GEMM (M=512, K=N=2048; f32, and bf16
 * inputs with f32 output; weights stored [N][K] as in GGUF, or packed by oneDNN), and the fixed
 * cost of one call on a tiny matmul (1x16 · 16x16), i.e. FFM + oneDNN dispatch + stream wait.
 *
 * <p>oneDNN's threads are OpenMP's: run with {@code OMP_NUM_THREADS=2} to compare with the
 * numbers in DESIGN.md. The {@code gflops} secondary result is GFLOP/s.
 */
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class DnnlMatmulBench {

    static final int M = 512, K = 2048, N = 2048;

    @State(Scope.Thread)
    public static class Big {
        @Param({"F32", "BF16"})
        public String type;

        @Param({"NK", "ANY"})
        public String weights;

        DnnlEngine engine;
        Arena arena;
        Matmul matmul;
        MemorySegment src, packedWeights, dst;
        double gflopPerCall;

        @Setup(Level.Trial)
        public void setUp() {
            DataType t = DataType.valueOf(type);
            WeightsLayout layout = WeightsLayout.valueOf(weights);
            MatmulSpec spec = MatmulSpec.dense(M, K, N, t, t, DataType.F32, layout);
            gflopPerCall = spec.flops() / 1e9;
            engine = DnnlEngine.create();
            arena = Arena.ofShared();
            matmul = Matmul.create(engine, spec);
            src = randomMatrix(arena, t, (long) M * K, 1);
            MemorySegment plainNK = randomMatrix(arena, t, (long) N * K, 2);
            if (layout == WeightsLayout.ANY) {
                packedWeights = arena.allocate(matmul.weightsBytes(), 64);
                matmul.packWeights(plainNK, t, WeightsLayout.NK, packedWeights);
            } else {
                packedWeights = plainNK;
            }
            dst = arena.allocate((long) M * N * 4, 64);
            System.out.println("\n" + matmul);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            matmul.close();
            engine.close();
            arena.close();
        }
    }

    /** Counts GFLOP done; JMH reports it per second. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Flops {
        public double gflops;
    }

    @State(Scope.Thread)
    public static class Tiny {
        DnnlEngine engine;
        Arena arena;
        Matmul matmul;
        MemorySegment src, weights, dst;

        @Setup(Level.Trial)
        public void setUp() {
            engine = DnnlEngine.create();
            arena = Arena.ofShared();
            matmul = Matmul.create(engine, MatmulSpec.f32(1, 16, 16, WeightsLayout.NK));
            src = randomMatrix(arena, DataType.F32, 16, 3);
            weights = randomMatrix(arena, DataType.F32, 16 * 16, 4);
            dst = arena.allocate(16 * 4, 64);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            matmul.close();
            engine.close();
            arena.close();
        }
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public void gemm512x2048x2048(Big big, Flops flops) {
        big.matmul.execute(big.src, big.packedWeights, big.dst);
        flops.gflops += big.gflopPerCall;
    }

    /** Per-call overhead: a matmul so small that the arithmetic is negligible. */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    public void tinyMatmulCall(Tiny tiny) {
        tiny.matmul.execute(tiny.src, tiny.weights, tiny.dst);
    }

    static MemorySegment randomMatrix(Arena arena, DataType type, long elements, long seed) {
        Random rnd = new Random(seed);
        MemorySegment m = arena.allocate(elements * type.byteSize(), 64);
        for (long i = 0; i < elements; i++) {
            float v = (float) rnd.nextGaussian();
            if (type == DataType.F32) m.setAtIndex(ValueLayout.JAVA_FLOAT, i, v);
            else m.setAtIndex(ValueLayout.JAVA_SHORT, i, (short) (Float.floatToRawIntBits(v) >>> 16));  // truncation is fine for timing
        }
        return m;
    }
}
