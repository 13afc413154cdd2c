package dev.pyramidkv.engine.kernels;

import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GgmlMathTest {

    /** ggml_v_expf is accurate to 1.5 ulp where the result is a normal float. */
    @Test
    void expfIsWithinTwoUlpsOfExp() {
        for (float x = -87f; x <= 88f; x += 0.0137f) {
            double exact = Math.exp(x);
            float got = GgmlMath.expf(x);
            assertTrue(Math.abs(got - exact) <= 2 * Math.ulp((float) exact), "expf(" + x + ") = " + got + ", exp = " + exact);
        }
    }

    /** The range ends: masked attention cells (−inf) give exactly 0; past the float range, +inf. */
    @Test
    void expfSaturatesAsGgmlDoes() {
        assertEquals(1f, GgmlMath.expf(0f));
        assertEquals(0f, GgmlMath.expf(Float.NEGATIVE_INFINITY));
        assertEquals(0f, GgmlMath.expf(-104f));
        assertEquals(Float.POSITIVE_INFINITY, GgmlMath.expf(88.8f));
        assertEquals(Float.POSITIVE_INFINITY, GgmlMath.expf(Float.POSITIVE_INFINITY));
        assertTrue(Float.isNaN(GgmlMath.expf(Float.NaN)));
        // subnormal results come out of the two-factor path, still within a couple of ulps
        float tiny = GgmlMath.expf(-95f);
        assertEquals(Math.exp(-95), tiny, 4 * Math.ulp(tiny));
    }

    @Test
    void siluOfARowIsCloseToTheDefinitionInBothThePackedAndTheTailPart() {
        int n = 172;   // 21 groups of 8, then a tail of 4 through libm's expf
        for (int i = 0; i < n; i++) {
            float x = (i - 86) * 0.13f;
            double exact = x / (1 + Math.exp(-x));
            float got = GgmlMath.silu(x, i, n);
            assertEquals(exact, got, 3 * Math.ulp((float) exact) + 1e-30, "silu(" + x + ") at " + i);
        }
    }

    @Test
    void cLibraryFunctionsAreCloseToJavasOwn() {
        assertEquals(Math.pow(1e5, -2.0 / 64), CMath.powf(1e5f, -2f / 64), Math.ulp(0.7f));
        assertEquals(Math.exp(-1.5), CMath.expf(-1.5f), Math.ulp(0.22f));
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(8);
            for (float x : new float[]{0f, 1f, 3.1f, 100f, 5000.5f}) {
                CMath.sincosf(x, out, 0, 4);
                assertEquals(Math.cos(x), out.get(ValueLayout.JAVA_FLOAT, 0), 1e-7, "cos " + x);
                assertEquals(Math.sin(x), out.get(ValueLayout.JAVA_FLOAT, 4), 1e-7, "sin " + x);
            }
        }
    }

    /** expGroups is the scalar expf lane by lane, bit for bit, and stops at the first group with a lane on the |n| > 126 path. */
    @Test
    void expGroupsEqualsTheScalarExpfAndStopsBeforeTheSlowPath() {
        int n = 8 * 600 + 5;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment x = arena.allocate(4L * n);
            float[] in = new float[n];
            for (int i = 0; i < n; i++) x.setAtIndex(ValueLayout.JAVA_FLOAT, i, in[i] = -80f + i * 0.0203f);   // up to ~17.6
            int done = GgmlMath.expGroups(x, 0, n, 3f);
            assertEquals(n & ~15, done);
            for (int i = 0; i < n; i++) {
                float want = i < done ? GgmlMath.expf(in[i] - 3f) : in[i];
                assertEquals(Float.floatToRawIntBits(want), Float.floatToRawIntBits(x.getAtIndex(ValueLayout.JAVA_FLOAT, i)), "element " + i);
            }
            x.setAtIndex(ValueLayout.JAVA_FLOAT, 21, -150f);             // e^-150: the two-factor path, in the second group of 16
            assertEquals(16, GgmlMath.expGroups(x, 0, n, 0f));
        }
    }

    /** siluMul equals silu(g, i, n)·u element by element, over two rows with vector, declined and tail parts. */
    @Test
    void siluMulEqualsTheScalarDefinitionBitForBit() {
        int row = 172, n = 2 * row;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment g = arena.allocate(4L * n), u = arena.allocate(4L * n);
            float[] expected = new float[n];
            java.util.Random rnd = new java.util.Random(3);
            for (int i = 0; i < n; i++) {
                float gi = i == 40 ? -100f : (float) (rnd.nextGaussian() * 6), ui = (float) rnd.nextGaussian();   // -100: e^100 needs the slow path
                g.setAtIndex(ValueLayout.JAVA_FLOAT, i, gi);
                u.setAtIndex(ValueLayout.JAVA_FLOAT, i, ui);
                expected[i] = GgmlMath.silu(gi, i % row, row) * ui;
            }
            GgmlMath.siluMul(g, 0, u, 0, n, row);
            for (int i = 0; i < n; i++) {
                assertEquals(Float.floatToRawIntBits(expected[i]), Float.floatToRawIntBits(g.getAtIndex(ValueLayout.JAVA_FLOAT, i)), "element " + i);
            }
        }
    }
}
