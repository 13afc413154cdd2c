package dev.pyramidkv.bench;

import dev.pyramidkv.cache.KvCache;
import dev.pyramidkv.cache.KvShape;
import dev.pyramidkv.cache.KvType;
import dev.pyramidkv.cache.LayerRegion;
import dev.pyramidkv.cache.PolicyConfig;
import dev.pyramidkv.cache.PrefillScores;
import dev.pyramidkv.cache.StagingBuffer;
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
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * In-place compaction of a full {@link LayerRegion} (every KV head) against one plain
 * {@code MemorySegment.copy} of the same number of bytes. "Bytes" are what compaction actually moves: K + V +
 * position of every kept entry that is not already in place ({@code movedBytes}, printed at setup).
 * Bandwidth = movedBytes / time per op (count it twice for read + write). Every timed op starts with cold
 * caches (a 96 MiB sweep before it, not timed), so all variants are DRAM-bound alike.
 *
 * <p>Baselines: {@code copySameBytes} copies movedBytes between two distinct segments;
 * {@code copyInPlaceSameBytes} moves movedBytes one row down inside one segment (an overlapping
 * memmove, the access pattern of the "oldest" compaction).
 *
 * <p>Patterns, per head: {@code oldest} drops slot 4 (StreamingLLM decode eviction: one long run moves);
 * {@code random1} drops one random slot (H2O/SnapKV decode eviction); {@code half} keeps a random half
 * (prefill-like, many short runs); {@code everyOther} keeps every other slot (worst case, runs of one row).
 *
 * <p>{@code decodeStep} is the steady state of a capped cache: one layer (32 query heads, 8 KV heads, head
 * dim 128, 4096 slots per head, full), where each op appends one token (every head evicts
 * {@code evictBatch} entries and compacts when full) and reports that step's attention. It is what one layer
 * pays per decode token under a decode cap.
 *
 * <p>Run: {@code java --enable-native-access=ALL-UNNAMED -cp <benchmarks classpath> org.openjdk.jmh.Main CompactionBench}
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Xmx2g"})
public class CompactionBench {

    /** Region shape, the pristine contents, the keep lists and the copy baseline's segments. */
    @State(Scope.Thread)
    public static class Data {
        @Param({"8"}) public int kvHeads;
        @Param({"4096"}) public int capacity;
        @Param({"64", "128"}) public int headDim;
        @Param({"oldest", "random1", "half", "everyOther"}) public String pattern;

        Arena arena;
        MemorySegment pristineKeys, pristineValues;
        int[][] keep;
        int[] keepCount;
        long movedBytes;
        MemorySegment copySource, copyTarget;
        MemorySegment sweep;
        byte sweepValue;

        /** Writes a buffer three times the L3 of the dev machine (32 MiB). */
        void flushCaches() { sweep.fill(++sweepValue); }

        @Setup(Level.Trial)
        public void setUp() {
            arena = Arena.ofShared();
            long rowBytes = (long) headDim * Float.BYTES;
            pristineKeys = arena.allocate(rowBytes * kvHeads * capacity, 64);
            pristineValues = arena.allocate(rowBytes * kvHeads * capacity, 64);
            SplittableRandom rnd = new SplittableRandom(42);
            for (long i = 0; i < pristineKeys.byteSize() / 4; i++) {
                pristineKeys.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) rnd.nextDouble());
                pristineValues.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) rnd.nextDouble());
            }
            keep = new int[kvHeads][capacity];
            keepCount = new int[kvHeads];
            for (int h = 0; h < kvHeads; h++) {
                int count = 0, drop = rnd.nextInt(capacity);
                for (int s = 0; s < capacity; s++) {
                    boolean kept = switch (pattern) {
                        case "oldest" -> s != 4;
                        case "random1" -> s != drop;
                        case "half" -> rnd.nextBoolean();
                        case "everyOther" -> s % 2 == 0;
                        default -> throw new IllegalArgumentException("pattern=" + pattern);
                    };
                    if (kept) {
                        if (s != count) movedBytes += 2 * rowBytes + Integer.BYTES;
                        keep[h][count++] = s;
                    }
                }
                keepCount[h] = count;
            }
            copySource = arena.allocate(movedBytes, 64);
            copyTarget = arena.allocate(movedBytes, 64);
            copySource.fill((byte) 1);
            sweep = arena.allocate(96L << 20, 64);
            System.out.printf("%n[CompactionBench] pattern=%s headDim=%d: movedBytes=%d per op%n", pattern, headDim, movedBytes);
        }

        @TearDown(Level.Trial)
        public void tearDown() { arena.close(); }
    }

    /** Evicts the caches before every timed copy (compaction's refill flushes itself, after refilling). */
    @State(Scope.Thread)
    public static class ColdCaches {
        @Setup(Level.Invocation)
        public void flush(Data d) { d.flushCaches(); }
    }

    /** The region, refilled to capacity before every compaction (refill not timed), its rows stored as {@code kvType}. */
    @State(Scope.Thread)
    public static class FullRegion {
        @Param({"f32", "f16", "bf16", "q8_0", "q4_0"}) public String kvType;
        LayerRegion region;

        @Setup(Level.Trial)
        public void allocate(Data d) { region = LayerRegion.allocate(d.arena, 0, d.kvHeads, d.capacity, d.headDim, KvType.parse(kvType)); }

        @Setup(Level.Invocation)
        public void refill(Data d) {
            region.clear();
            long rowBytes = (long) d.headDim * Float.BYTES, stride = d.capacity * rowBytes;
            for (int h = 0; h < d.kvHeads; h++)
                for (int s = 0; s < d.capacity; s++) {
                    long at = h * stride + s * rowBytes;
                    region.append(h, s, d.pristineKeys, at, d.pristineValues, at);
                }
            d.flushCaches();
        }
    }

    /** Stable in-place compaction of every head. */
    @Benchmark
    public LayerRegion compact(Data d, FullRegion full) {
        LayerRegion region = full.region;
        for (int h = 0; h < d.kvHeads; h++) region.compact(h, d.keep[h], d.keepCount[h]);
        return region;
    }

    /** One MemorySegment.copy of the same number of bytes between distinct segments. */
    @Benchmark
    public MemorySegment copySameBytes(Data d, ColdCaches cold) {
        MemorySegment.copy(d.copySource, 0, d.copyTarget, 0, d.movedBytes);
        return d.copyTarget;
    }

    /** One overlapping MemorySegment.copy of the same number of bytes, one row down inside one segment. */
    @Benchmark
    public MemorySegment copyInPlaceSameBytes(Data d, ColdCaches cold) {
        long row = (long) d.headDim * Float.BYTES;
        MemorySegment.copy(d.copySource, row, d.copySource, 0, d.movedBytes - row);
        return d.copySource;
    }

    /** A full, capped one-layer cache in steady state: every append must evict. */
    @State(Scope.Thread)
    public static class CappedLayer {
        static final KvShape SHAPE = new KvShape(1, 32, 8, 128);
        static final int SLOTS = 4096;

        @Param({"streaming", "h2o", "snapkv"}) public String decodePolicy;
        @Param({"1", "32", "0"}) public int evictBatch;   // 0 = automatic: 4096/64 = 64
        @Param({"f32", "q8_0", "q4_0"}) public String kvType;

        Arena arena;
        KvCache cache;
        MemorySegment k, v, probs;
        int position;

        @Setup(Level.Trial)
        public void setUp() {
            arena = Arena.ofShared();
            PolicyConfig config = PolicyConfig.builder(decodePolicy).budget(SLOTS).maxKvTokens(SLOTS).evictBatch(evictBatch)
                    .kvType(KvType.parse(kvType)).build();
            cache = KvCache.allocate(arena, SHAPE, config, SLOTS, 0);
            StagingBuffer staging = StagingBuffer.allocate(arena, SHAPE, SLOTS);
            SplittableRandom rnd = new SplittableRandom(7);
            MemorySegment window = arena.allocate(4L * SHAPE.qHeads() * config.window() * SLOTS, 64);
            MemorySegment columns = arena.allocate(4L * SHAPE.qHeads() * SLOTS, 64);
            for (long i = 0; i < window.byteSize() / 4; i++) window.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) rnd.nextDouble() / SLOTS);
            for (long i = 0; i < columns.byteSize() / 4; i++) columns.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) rnd.nextDouble());
            cache.compressPrefill(0, staging, SLOTS, new PrefillScores(window, columns));   // fills every head
            k = arena.allocate(4L * SHAPE.kvHeads() * SHAPE.headDim(), 64);
            v = arena.allocate(4L * SHAPE.kvHeads() * SHAPE.headDim(), 64);
            probs = arena.allocate(4L * SHAPE.qHeads() * SLOTS, 64);
            for (long i = 0; i < probs.byteSize() / 4; i++) probs.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) rnd.nextDouble() / SLOTS);
            position = SLOTS;
        }

        @TearDown(Level.Trial)
        public void tearDown() { arena.close(); }
    }

    /** One decode token through one full, capped layer: append (evicting when full) and observe. */
    @Benchmark
    public KvCache decodeStep(CappedLayer c) {
        c.cache.append(0, c.position++, c.k, 0, c.v, 0);
        c.cache.observeDecode(0, c.probs, 0, CappedLayer.SLOTS);
        return c.cache;
    }
}
