package dev.pyramidkv.dnnl;

import dev.pyramidkv.dnnl.c.dnnl_h;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Real oneDNN matmuls against a scalar Java reference on random data. */
class MatmulTest {

    static DnnlEngine engine;

    @BeforeAll
    static void open() {
        engine = DnnlEngine.create();
    }

    @AfterAll
    static void close() {
        engine.close();
    }

    /** bf16 tests run where oneDNN implements bf16 (AVX-512); {@link #bf16IsRefusedWithAClearReasonWhereUnimplemented} covers the rest. */
    static void assumeBf16() {
        assumeTrue(Dnnl.bf16Unsupported().isEmpty(), Dnnl.bf16Unsupported());
    }

    /** Without bf16 (AVX2 CPUs), the probe names why, and creating a bf16 matmul fails as unimplemented, not worse. */
    @Test
    void bf16IsRefusedWithAClearReasonWhereUnimplemented() {
        String why = Dnnl.bf16Unsupported();
        if (why.isEmpty()) {
            try (Matmul mm = Matmul.create(engine, MatmulSpec.bf16(M, K, N, WeightsLayout.ANY))) {
                assertTrue(mm.weightsBytes() > 0);
            }
        } else {
            assertTrue(why.contains("bf16") && why.contains(Dnnl.cpuIsaName(Dnnl.effectiveCpuIsa())), why);
            DnnlException e = assertThrows(DnnlException.class, () -> Matmul.create(engine, MatmulSpec.bf16(M, K, N, WeightsLayout.ANY)));
            assertEquals(dnnl_h.dnnl_unimplemented(), e.status(), e.getMessage());
        }
    }

    // Odd sizes so every kernel's tail handling runs.
    static final int M = 37, K = 129, N = 53;

    @Test
    void f32WeightsKN() {
        double err = run(MatmulSpec.f32(M, K, N, WeightsLayout.KN), false);
        assertTrue(err < 1e-6, "max relative error " + err);
    }

    /** GGUF layout: weights stored [N][K], each output's K weights contiguous; transposed by strides. */
    @Test
    void f32WeightsNK() {
        double err = run(MatmulSpec.f32(M, K, N, WeightsLayout.NK), false);
        assertTrue(err < 1e-6, "max relative error " + err);
    }

    @Test
    void f32WeightsPackedByOneDnn() {
        double err = run(MatmulSpec.f32(M, K, N, WeightsLayout.ANY), false);
        assertTrue(err < 1e-6, "max relative error " + err);
    }

    /** bf16 inputs, f32 accumulation and output: against a reference fed the same bf16-rounded inputs. */
    @Test
    void bf16WeightsNK() {
        assumeBf16();
        double err = run(MatmulSpec.bf16(M, K, N, WeightsLayout.NK), false);
        assertTrue(err < 1e-6, "max relative error vs bf16-rounded reference " + err);
        double errVsF32 = run(MatmulSpec.bf16(M, K, N, WeightsLayout.NK), true);
        assertTrue(errVsF32 < 1e-2, "bf16 rounding error should be ~2^-8 of the dot product scale, was " + errVsF32);
    }

    @Test
    void bf16WeightsKNAndPacked() {
        assumeBf16();
        assertTrue(run(MatmulSpec.bf16(M, K, N, WeightsLayout.KN), false) < 1e-6);
        assertTrue(run(MatmulSpec.bf16(M, K, N, WeightsLayout.ANY), false) < 1e-6);
    }

    /** Packing converts too: f32 weights as stored in the file, bf16 in oneDNN's chosen layout. */
    @Test
    void f32WeightsPackedIntoBf16() {
        assumeBf16();
        double err = run(MatmulSpec.bf16(M, K, N, WeightsLayout.ANY), false, DataType.F32);
        assertTrue(err < 1e-6, "max relative error vs bf16-rounded reference " + err);
    }

    /** Row-strided views: src/dst rows inside wider matrices; bytes between rows stay untouched. */
    @Test
    void rowStridedOperands() {
        MatmulSpec spec = MatmulSpec.f32(M, K, N, WeightsLayout.NK).withRowStrides(K + 7, K + 3, N + 11);
        double err = run(spec, false);
        assertTrue(err < 1e-6, "max relative error " + err);
    }

    @Test
    void largerSquareMatmulBf16() {
        assumeBf16();
        double err = run(MatmulSpec.bf16(64, 512, 256, WeightsLayout.ANY), false);
        assertTrue(err < 1e-6, "max relative error " + err);
    }

    /**
     * Fills src and weights (as laid out by {@code spec}) with random values, runs oneDNN, and
     * returns max over outputs of |got - ref| / sum_k |src*w| (the dot product's own scale).
     * dst starts as NaN between rows, which must survive.
     */
    static double run(MatmulSpec spec, boolean referenceOnUnroundedInputs) {
        return run(spec, referenceOnUnroundedInputs, spec.weightsType());
    }

    /** As above; with {@link WeightsLayout#ANY} the plain weights are stored as {@code plainType} and packed. */
    static double run(MatmulSpec spec, boolean referenceOnUnroundedInputs, DataType plainType) {
        int m = spec.m(), k = spec.k(), n = spec.n();
        Random rnd = new Random(42 + m * 31L + k * 7L + n);
        float[] a = new float[m * k], w = new float[k * n];   // logical src[m][k], w[k][n]
        for (int i = 0; i < a.length; i++) a[i] = (float) rnd.nextGaussian();
        for (int i = 0; i < w.length; i++) w[i] = (float) (rnd.nextGaussian() * 0.1);

        try (Arena arena = Arena.ofConfined(); Matmul mm = Matmul.create(engine, spec)) {
            MemorySegment src = arena.allocate(spec.srcRowStride() * m * spec.srcType().byteSize(), 64);
            for (int i = 0; i < m; i++)
                for (int j = 0; j < k; j++) put(src, spec.srcType(), i * spec.srcRowStride() + j, a[i * k + j]);

            // Plain weights as stored (KN or NK); for ANY, the plain copy is KN and gets packed.
            WeightsLayout stored = spec.weightsLayout() == WeightsLayout.ANY ? WeightsLayout.KN : spec.weightsLayout();
            long ldw = spec.weightsLayout() == WeightsLayout.ANY ? n : spec.weightsRowStride();
            long rowsStored = stored == WeightsLayout.KN ? k : n;
            MemorySegment plain = arena.allocate(ldw * rowsStored * plainType.byteSize(), 64);
            for (int kk = 0; kk < k; kk++)
                for (int j = 0; j < n; j++) {
                    long idx = stored == WeightsLayout.KN ? kk * ldw + j : j * ldw + kk;
                    put(plain, plainType, idx, w[kk * n + j]);
                }
            MemorySegment weights = plain;
            if (spec.weightsLayout() == WeightsLayout.ANY) {
                weights = arena.allocate(mm.weightsBytes(), 64);
                mm.packWeights(plain, plainType, WeightsLayout.KN, weights);
            }

            MemorySegment dst = arena.allocate(spec.dstRowStride() * m * 4L, 64);
            dst.fill((byte) 0xFF);   // NaN everywhere; padding must stay NaN
            mm.execute(src, weights, dst);

            double worst = 0;
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double ref = 0, scale = 0;
                    for (int kk = 0; kk < k; kk++) {
                        double x = referenceOnUnroundedInputs ? a[i * k + kk] : roundTo(spec.srcType(), a[i * k + kk]);
                        double y = referenceOnUnroundedInputs ? w[kk * n + j] : roundTo(spec.weightsType(), w[kk * n + j]);
                        ref += x * y;
                        scale += Math.abs(x * y);
                    }
                    float got = dst.getAtIndex(ValueLayout.JAVA_FLOAT, i * spec.dstRowStride() + j);
                    assertFalse(Float.isNaN(got), "dst[" + i + "][" + j + "] not written");
                    worst = Math.max(worst, Math.abs(got - ref) / scale);
                }
                for (long j = n; j < spec.dstRowStride(); j++) {
                    assertTrue(Float.isNaN(dst.getAtIndex(ValueLayout.JAVA_FLOAT, i * spec.dstRowStride() + j)),
                            "padding dst[" + i + "][" + j + "] was written");
                }
            }
            return worst;
        }
    }

    static void put(MemorySegment s, DataType t, long index, float v) {
        switch (t) {
            case F32 -> s.setAtIndex(ValueLayout.JAVA_FLOAT, index, v);
            case BF16 -> s.setAtIndex(ValueLayout.JAVA_SHORT, index, toBf16(v));
            default -> throw new IllegalArgumentException(t.toString());
        }
    }

    static float roundTo(DataType t, float v) {
        return t == DataType.BF16 ? fromBf16(toBf16(v)) : v;
    }

    /** f32 -> bf16, round to nearest even (finite inputs). */
    static short toBf16(float f) {
        int bits = Float.floatToRawIntBits(f);
        return (short) ((bits + 0x7FFF + ((bits >>> 16) & 1)) >>> 16);
    }

    static float fromBf16(short h) {
        return Float.intBitsToFloat((h & 0xFFFF) << 16);
    }
}
