package dev.pyramidkv.engine.kernels;

import org.junit.jupiter.api.Tag;
import dev.pyramidkv.engine.gguf.GgmlType;
import dev.pyramidkv.engine.gguf.GgufFile;
import dev.pyramidkv.engine.gguf.GgufTensor;
import dev.pyramidkv.engine.testing.GgufBuilder;
import dev.pyramidkv.engine.testing.TestModels;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

@Tag("download")
class DotTest {

    /** A hand-computed Q4_1 block: d = 0.5, m = -1, nibbles j → value d·q + m. */
    @Test
    void q4_1BlockDequantizesAsComputedByHand() {
        ByteBuffer b = ByteBuffer.allocate(20).order(ByteOrder.LITTLE_ENDIAN);
        b.putShort(Float.floatToFloat16(0.5f)).putShort(Float.floatToFloat16(-1f));
        for (int j = 0; j < 16; j++) b.put((byte) ((j & 0xF) | ((15 - j) << 4)));
        GgufTensor t = tensor(GgmlType.Q4_1, 32, 1, b.array());
        float[] out = dequant(t);
        for (int j = 0; j < 16; j++) {
            assertEquals(0.5f * j - 1f, out[j], "element " + j);
            assertEquals(0.5f * (15 - j) - 1f, out[j + 16], "element " + (j + 16));
        }
    }

    @Test
    void q4_0AndQ8_0BlocksDequantizeAsComputedByHand() {
        ByteBuffer b = ByteBuffer.allocate(18).order(ByteOrder.LITTLE_ENDIAN);
        b.putShort(Float.floatToFloat16(2f));
        for (int j = 0; j < 16; j++) b.put((byte) (j | (0xF0)));
        float[] q40 = dequant(tensor(GgmlType.Q4_0, 32, 1, b.array()));
        for (int j = 0; j < 16; j++) {
            assertEquals(2f * (j - 8), q40[j]);
            assertEquals(2f * (15 - 8), q40[j + 16]);
        }
        ByteBuffer c = ByteBuffer.allocate(34).order(ByteOrder.LITTLE_ENDIAN);
        c.putShort(Float.floatToFloat16(0.25f));
        for (int j = 0; j < 32; j++) c.put((byte) (j * 8 - 128));
        float[] q80 = dequant(tensor(GgmlType.Q8_0, 32, 1, c.array()));
        for (int j = 0; j < 32; j++) assertEquals(0.25f * (j * 8 - 128), q80[j]);
    }

    @Test
    void quantizedKernelsMatchTheScalarReferenceOnRandomBlocks() {
        Random rnd = new Random(7);
        int k = 256, rows = 8;
        for (GgmlType type : new GgmlType[]{GgmlType.Q4_1, GgmlType.Q4_0, GgmlType.Q8_0, GgmlType.F32, GgmlType.F16, GgmlType.BF16}) {
            byte[] bytes = new byte[(int) type.bytesFor((long) k * rows)];
            rnd.nextBytes(bytes);
            ByteBuffer bb = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
            // sane scales and values: every f16/f32 field gets a small finite number
            if (type == GgmlType.F32) for (int i = 0; i < k * rows; i++) bb.putFloat(4 * i, (float) rnd.nextGaussian());
            else if (type == GgmlType.F16) for (int i = 0; i < k * rows; i++) bb.putShort(2 * i, Float.floatToFloat16((float) rnd.nextGaussian()));
            else if (type == GgmlType.BF16) for (int i = 0; i < k * rows; i++) bb.putShort(2 * i, (short) (Float.floatToIntBits((float) rnd.nextGaussian()) >>> 16));
            else {
                for (int blk = 0; blk < k * rows / 32; blk++) {
                    int o = blk * type.blockBytes;
                    bb.putShort(o, Float.floatToFloat16(0.01f + rnd.nextFloat() * 0.1f));
                    if (type == GgmlType.Q4_1) bb.putShort(o + 2, Float.floatToFloat16(-rnd.nextFloat()));
                }
            }
            GgufTensor w = tensor(type, k, rows, bytes);
            try (Arena arena = Arena.ofShared(); WorkerPool pool = new WorkerPool(2)) {
                int m = 3;
                float[][] xs = new float[m][k];
                MemorySegment x = arena.allocate(4L * m * k, 64);
                for (int r = 0; r < m; r++) for (int i = 0; i < k; i++) {
                    xs[r][i] = (float) (rnd.nextGaussian() * (i % 37 == 0 ? 8 : 1));
                    x.setAtIndex(ValueLayout.JAVA_FLOAT, (long) r * k + i, xs[r][i]);
                }
                MemorySegment out = arena.allocate(4L * m * rows, 64);
                MatMul mm = new MatMul(arena, pool, m, k);
                mm.prepare(x, m, k, MatMul.needsQ8(type), false);
                mm.apply(w, out);
                double worst = 0;
                for (int r = 0; r < m; r++) {
                    for (int j = 0; j < rows; j++) {
                        double ref = MatMul.needsQ8(type) ? ScalarReference.quantizedDot(w, j, xs[r]) : referenceFloat(type, w, j, xs[r]);
                        double got = out.getAtIndex(ValueLayout.JAVA_FLOAT, (long) r * rows + j);
                        double rel = Math.abs(got - ref) / Math.max(1e-3, Math.abs(ref));
                        worst = Math.max(worst, rel);
                        assertEquals(ref, got, 1e-4 * Math.max(1, Math.abs(ref)), type + " row " + j + " input " + r);
                    }
                }
            }
        }
    }

    /** The kernels sum in llama.cpp's order: bit-identical to a lane-by-lane restatement of ggml's AVX2 code. */
    @Test
    void quantizedKernelsSumInGgmlsOrderBitForBit() {
        Random rnd = new Random(11);
        int k = 576, rows = 16;
        for (GgmlType type : new GgmlType[]{GgmlType.Q4_1, GgmlType.Q4_0, GgmlType.Q8_0}) {
            GgufTensor w = randomQuantized(type, k, rows, rnd);
            try (Arena arena = Arena.ofConfined()) {
                int m = 2;
                MemorySegment x = arena.allocate(4L * m * k, 64);
                for (int i = 0; i < m * k; i++) x.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) (rnd.nextGaussian() * (i % 41 == 0 ? 30 : 1)));
                Q8Activations q = new Q8Activations(arena, m, k);
                q.quantize(x, m, k);
                for (int r = 0; r < m; r++) {
                    for (int j = 0; j < rows; j++) {
                        long off = j * w.rowBytes();
                        float got = switch (type) {
                            case Q4_1 -> Dot.q4_1(w.data(), off, q, r, k);
                            case Q4_0 -> Dot.q4_0(w.data(), off, q, r, k);
                            default -> Dot.q8_0(w.data(), off, q, r, k);
                        };
                        assertEquals(ScalarReference.ggmlQuantizedDot(w, j, q, r), got, 0f, type + " row " + j + " input " + r);
                    }
                }
            }
        }
    }

    /** F32 in both of llama.cpp's orders, with every kind of tail (k mod 32 = 0, 1, 7, 8, 12). */
    @Test
    void f32KernelsSumInGgmlAndTinyBlasOrderBitForBit() {
        Random rnd = new Random(5);
        for (int k : new int[]{8, 12, 64, 172, 39, 33, 200}) {
            float[] w = new float[k], x = new float[k];
            for (int i = 0; i < k; i++) { w[i] = (float) rnd.nextGaussian(); x[i] = (float) (rnd.nextGaussian() * 1e3); }
            MemorySegment ws = MemorySegment.ofArray(w), xs = MemorySegment.ofArray(x);
            assertEquals(ScalarReference.ggmlF32Dot(w, x), Dot.f32(ws, 0, xs, 0, k), 0f, "ggml_vec_dot_f32 order, k = " + k);
            if (k % 8 == 0) assertEquals(ScalarReference.tinyBlasF32Dot(w, x), Dot.f32Tiled(ws, 0, xs, 0, k), 0f, "tinyBLAS order, k = " + k);
        }
    }

    /** Scores of one query against many keys: each the ggml-order dot times the scale, for k = 64 (x in registers) and others. */
    @Test
    void f32RowsAreScaledGgmlOrderDotsBitForBit() {
        Random rnd = new Random(8);
        for (int k : new int[]{64, 8, 96, 40}) {
            int rows = 37;
            long stride = 4L * k + 4 * 3;   // rows with padding between them
            float[] w = new float[(int) (stride / 4 * rows)], x = new float[k + 5];
            for (int i = 0; i < w.length; i++) w[i] = (float) rnd.nextGaussian();
            for (int i = 0; i < x.length; i++) x[i] = (float) (rnd.nextGaussian() * 30);
            MemorySegment ws = MemorySegment.ofArray(w), xs = MemorySegment.ofArray(x), out = MemorySegment.ofArray(new float[rows + 2]);
            float scale = 0.125f;
            Dot.f32Rows(ws, 0, stride, rows, xs, 20, k, scale, out, 8);
            for (int j = 0; j < rows; j++) {
                float expected = Dot.f32(ws, j * stride, xs, 20, k) * scale;
                float[] row = new float[k], q = new float[k];
                MemorySegment.copy(ws, ValueLayout.JAVA_FLOAT, j * stride, row, 0, k);
                MemorySegment.copy(xs, ValueLayout.JAVA_FLOAT, 20, q, 0, k);
                assertEquals(ScalarReference.ggmlF32Dot(row, q) * scale, expected, 0f, "reference, k = " + k);
                assertEquals(expected, out.getAtIndex(ValueLayout.JAVA_FLOAT, 2 + j), 0f, "k = " + k + ", row " + j);
            }
            assertEquals(0f, out.getAtIndex(ValueLayout.JAVA_FLOAT, 0), "nothing written before outOff");
            assertEquals(0f, out.getAtIndex(ValueLayout.JAVA_FLOAT, 1), "nothing written before outOff");
        }
    }

    private static GgufTensor randomQuantized(GgmlType type, int k, int rows, Random rnd) {
        byte[] bytes = new byte[(int) type.bytesFor((long) k * rows)];
        rnd.nextBytes(bytes);
        ByteBuffer bb = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        for (int blk = 0; blk < k * rows / 32; blk++) {
            int o = blk * type.blockBytes;
            bb.putShort(o, Float.floatToFloat16(0.001f + rnd.nextFloat() * 0.05f));
            if (type == GgmlType.Q4_1) bb.putShort(o + 2, Float.floatToFloat16(-rnd.nextFloat()));
        }
        return tensor(type, k, rows, bytes);
    }

    private static double referenceFloat(GgmlType type, GgufTensor w, int row, float[] x) {
        float[] xr = x.clone();
        for (int i = 0; i < xr.length; i++) {
            if (type == GgmlType.F16) xr[i] = Fp16.round(xr[i]);
            if (type == GgmlType.BF16) xr[i] = Fp16.roundBf16(xr[i]);
        }
        return ScalarReference.floatDot(w, row, xr);
    }

    /** On real SmolLM2 weights: the quantized path stays within activation-quantization error of f64 math. */
    @Test
    void smollm2RowsAgreeWithFloatMath() throws IOException {
        try (GgufFile f = GgufFile.open(TestModels.smollm2()); Arena arena = Arena.ofShared(); WorkerPool pool = new WorkerPool(1)) {
            GgufTensor w = f.tensor("blk.3.ffn_gate.weight");
            int k = (int) w.rowLength();
            Random rnd = new Random(3);
            float[] xs = new float[k];
            MemorySegment x = arena.allocate(4L * k, 64);
            for (int i = 0; i < k; i++) x.setAtIndex(ValueLayout.JAVA_FLOAT, i, xs[i] = (float) rnd.nextGaussian());
            MemorySegment out = arena.allocate(4L * w.rows(), 64);
            MatMul mm = new MatMul(arena, pool, 1, k);
            mm.prepare(x, 1, k, true, false);
            mm.apply(w, out);
            for (int j = 0; j < w.rows(); j += 97) {
                double exact = ScalarReference.quantizedDot(w, j, xs);
                double fl = ScalarReference.floatDot(w, j, xs);
                float got = out.getAtIndex(ValueLayout.JAVA_FLOAT, j);
                assertEquals(exact, got, 1e-4 * Math.max(1, Math.abs(exact)));
                assertEquals(fl, got, 0.05 * Math.max(1, Math.abs(fl)), "activation quantization error too large at row " + j);
            }
        }
    }

    private static float[] dequant(GgufTensor t) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(4 * t.rowLength());
            Dequant.row(t, 0, out, 0);
            return out.toArray(ValueLayout.JAVA_FLOAT);
        }
    }

    static GgufTensor tensor(GgmlType type, int k, int rows, byte[] bytes) {
        byte[] img = new GgufBuilder().tensor("w", new long[]{k, rows}, type.id, bytes).build();
        MemorySegment seg = Arena.ofAuto().allocate(img.length, 64);
        seg.copyFrom(MemorySegment.ofArray(img));
        return GgufFile.parse(seg).tensor("w");
    }
}
