package dev.pyramidkv.engine.kernels.onednn;

import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Random;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;
import static org.junit.jupiter.api.Assertions.*;

/** The element-wise prefill steps against their formulas in double; lengths with vector tails. */
class PrefillRowsTest {
    static final Random RND = new Random(11);

    /** Rows of ordinary size and rows so small that eps dominates (a wrong eps shows there). */
    @Test
    void rmsNormToBf16() {
        int n = 16 * 36 + 5;
        float eps = 1e-5f;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment x = arena.allocate(4L * n), w = arena.allocate(4L * n), out = arena.allocate(2L * n);
            for (double magnitude : new double[]{3, 1e-3}) {
                double sum = 0;
                for (int i = 0; i < n; i++) {
                    float v = (float) (RND.nextGaussian() * magnitude);
                    x.setAtIndex(JAVA_FLOAT, i, v);
                    w.setAtIndex(JAVA_FLOAT, i, (float) (0.5 + RND.nextDouble()));
                    sum += (double) v * v;
                }
                PrefillRows.rmsNormToBf16(x, 0, w, n, eps, out, 0);
                double scale = 1 / Math.sqrt(sum / n + eps);
                for (int i = 0; i < n; i++) {
                    double expected = x.getAtIndex(JAVA_FLOAT, i) * scale * w.getAtIndex(JAVA_FLOAT, i);
                    assertBf16(expected, out, i, "magnitude " + magnitude + " element " + i);
                }
            }
        }
    }

    /**
     * The sum of squares in its documented lane order, bit for bit, on the first (interpreted) call and after C2
     * has compiled it: a prompt must prefill to the same logits whatever the JIT has done so far.
     */
    @Test
    void sumOfSquaresHasTheSameBitsColdAndCompiled() {
        int n = 16 * 36 + 5;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment x = arena.allocate(4L * n);
            for (int i = 0; i < n; i++) x.setAtIndex(JAVA_FLOAT, i, (float) (RND.nextGaussian() * Math.exp(RND.nextGaussian() * 4)));
            float[] acc = new float[16];
            for (int i = 0; i + 16 <= n; i += 16) {
                for (int l = 0; l < 16; l++) acc[l] = Math.fma(x.getAtIndex(JAVA_FLOAT, i + l), x.getAtIndex(JAVA_FLOAT, i + l), acc[l]);
            }
            float[] a = new float[8];
            for (int l = 0; l < 8; l++) a[l] = acc[l] + acc[l + 8];
            float expected = ((a[0] + a[4]) + (a[2] + a[6])) + ((a[1] + a[5]) + (a[3] + a[7]));
            for (int i = n & ~15; i < n; i++) expected += x.getAtIndex(JAVA_FLOAT, i) * x.getAtIndex(JAVA_FLOAT, i);

            assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(PrefillRows.sumOfSquares(x, 0, n)), "cold");
            for (int call = 0; call < 200_000; call++) {
                float got = PrefillRows.sumOfSquares(x, 0, n);
                if (Float.floatToRawIntBits(got) != Float.floatToRawIntBits(expected)) fail("call " + call + ": " + got + " != " + expected);
            }
        }
    }

    @Test
    void siluTimesUpToBf16AndAdd() {
        int n = 16 * 96 + 3;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment gate = arena.allocate(4L * n), up = arena.allocate(4L * n), out = arena.allocate(2L * n);
            for (int i = 0; i < n; i++) {
                gate.setAtIndex(JAVA_FLOAT, i, (float) (RND.nextGaussian() * 6));
                up.setAtIndex(JAVA_FLOAT, i, (float) RND.nextGaussian());
            }
            float[] g = gate.toArray(JAVA_FLOAT);
            PrefillRows.siluMulToBf16(gate, 0, up, 0, n, out, 0);
            for (int i = 0; i < n; i++) {
                assertBf16(g[i] / (1 + Math.exp(-g[i])) * up.getAtIndex(JAVA_FLOAT, i), out, i, "element " + i);
            }
            float[] x0 = new float[n];
            for (int i = 0; i < n; i++) gate.setAtIndex(JAVA_FLOAT, i, x0[i] = (float) RND.nextGaussian());
            PrefillRows.add(gate, 0, up, 0, n);
            for (int i = 0; i < n; i++) assertEquals(x0[i] + up.getAtIndex(JAVA_FLOAT, i), gate.getAtIndex(JAVA_FLOAT, i), "sum " + i);
        }
    }

    /** Within one bf16 rounding of the double value (2⁻⁸ relative, plus f32 noise). */
    private static void assertBf16(double expected, MemorySegment out, int i, String what) {
        float got = Float.intBitsToFloat(out.getAtIndex(JAVA_SHORT, i) << 16);
        assertEquals(expected, got, Math.abs(expected) * 0x1p-8 * 1.0001 + 1e-30, what);
    }
}
