package dev.pyramidkv.bench;

import dev.pyramidkv.cache.StagingBuffer;
import dev.pyramidkv.dnnl.DnnlEngine;
import dev.pyramidkv.dnnl.Softmax;
import dev.pyramidkv.engine.kernels.GgmlMath;
import dev.pyramidkv.engine.kernels.onednn.PrefillAttention;
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
 * Attention and softmax at SmolLM2's shape (9 query heads, 3 KV heads, head size 64), for prompts of n tokens:
 * <ul>
 *   <li>{@code prefillAttention}: one layer's causal attention over an n-token prompt on oneDNN (blocked,
 *       {@link PrefillAttention}), what a oneDNN prefill runs 30 times;</li>
 *   <li>{@code softmaxOnednn}: oneDNN softmax of 9 rows of n scores (one decode token's rows, or one block's);</li>
 *   <li>{@code expJava}: the Java decode softmax's exponentials (ggml's expf, {@link GgmlMath#expGroups}) over the
 *       same 9 rows, the part of the decode softmax that grows with n.</li>
 * </ul>
 * Decode attention inside a whole token step: {@link DecodeBench} with {@code context} 0 and 1792.
 * oneDNN's threads are OpenMP's: run with {@code OMP_NUM_THREADS=2}.
 */
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class AttentionBench {
    static final int HEADS = 9, KV_HEADS = 3, HEAD_DIM = 64;

    @State(Scope.Thread)
    public static class Shapes {
        @Param({"512", "2048"})
        public int n;

        DnnlEngine engine;
        Arena arena;
        PrefillAttention attention;
        StagingBuffer kv;
        Softmax softmax;
        MemorySegment queries, att, scores, expScratch;

        @Setup(Level.Trial)
        public void setUp() {
            engine = DnnlEngine.create();
            arena = Arena.ofShared();
            Random rnd = new Random(3);
            attention = new PrefillAttention(engine, arena, HEADS, KV_HEADS, HEAD_DIM, n);
            kv = StagingBuffer.allocate(arena, KV_HEADS, PrefillAttention.stagingRows(n), HEAD_DIM);
            fill(kv.keys(), rnd);
            fill(kv.values(), rnd);
            queries = arena.allocate(4L * n * HEADS * HEAD_DIM, 64);
            fill(queries, rnd);
            att = arena.allocate(4L * n * HEADS * HEAD_DIM, 64);
            scores = arena.allocate(4L * HEADS * n, 64);
            expScratch = arena.allocate(4L * HEADS * n, 64);
            fill(scores, rnd);
            softmax = Softmax.create(engine, HEADS, n);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            softmax.close();
            attention.close();
            arena.close();
            engine.close();
        }

        private static void fill(MemorySegment s, Random rnd) {
            for (long i = 0; i < s.byteSize() / 4; i++) s.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) rnd.nextGaussian());
        }
    }

    @Benchmark
    public MemorySegment prefillAttention(Shapes s) {
        long rowBytes = 4L * HEADS * HEAD_DIM;
        s.attention.run(s.queries, 0, rowBytes, 0, s.n, s.n, s.kv, s.att, rowBytes, null, 0, null);
        return s.att;
    }

    @Benchmark
    public MemorySegment softmaxOnednn(Shapes s) {
        s.softmax.execute(s.scores, s.expScratch);
        return s.expScratch;
    }

    @Benchmark
    public int expJava(Shapes s) {
        MemorySegment.copy(s.scores, 0, s.expScratch, 0, s.scores.byteSize());
        int done = 0;
        for (int h = 0; h < HEADS; h++) done += GgmlMath.expGroups(s.expScratch, 4L * h * s.n, s.n, 3f);
        return done;
    }
}
