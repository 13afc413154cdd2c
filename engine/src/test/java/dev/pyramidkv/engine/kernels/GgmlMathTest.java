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
}
