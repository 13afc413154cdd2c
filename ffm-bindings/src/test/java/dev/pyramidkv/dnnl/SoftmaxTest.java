package dev.pyramidkv.dnnl;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/** Real oneDNN softmax against a double-precision Java reference. */
class SoftmaxTest {

    static DnnlEngine engine;

    @BeforeAll
    static void open() {
        engine = DnnlEngine.create();
    }

    @AfterAll
    static void close() {
        engine.close();
    }

    @Test
    void outOfPlaceDenseRows() {
        check(7, 1000, 1000, false);
    }

    @Test
    void inPlaceDenseRows() {
        check(5, 333, 333, true);
    }

    /** Rows inside a wider buffer (e.g. scores with capacity > length): the gaps stay untouched. */
    @Test
    void rowStrideInPlaceAndOutOfPlace() {
        check(9, 100, 128, true);
        check(9, 100, 128, false);
    }

    @Test
    void singleElementRowsAreOne() {
        check(4, 1, 1, false);
    }

    static void check(int rows, int n, long rowStride, boolean inPlace) {
        Random rnd = new Random(rows * 1000L + n);
        float[] x = new float[rows * n];
        for (int i = 0; i < x.length; i++) x[i] = (float) (rnd.nextGaussian() * 8);   // logits with a wide range
        try (Arena arena = Arena.ofConfined(); Softmax sm = Softmax.create(engine, rows, n, rowStride)) {
            long bytes = rows * rowStride * 4;
            MemorySegment src = arena.allocate(bytes, 64);
            MemorySegment dst = inPlace ? src : arena.allocate(bytes, 64);
            src.fill((byte) 0xFF);                              // NaN in the gaps between rows
            if (!inPlace) dst.fill((byte) 0xFF);
            for (int r = 0; r < rows; r++)
                for (int j = 0; j < n; j++) src.setAtIndex(ValueLayout.JAVA_FLOAT, r * rowStride + j, x[r * n + j]);

            if (inPlace) sm.executeInPlace(src);
            else sm.execute(src, dst);

            double worst = 0;
            for (int r = 0; r < rows; r++) {
                double max = Double.NEGATIVE_INFINITY, sum = 0;
                for (int j = 0; j < n; j++) max = Math.max(max, x[r * n + j]);
                for (int j = 0; j < n; j++) sum += Math.exp(x[r * n + j] - max);
                for (int j = 0; j < n; j++) {
                    double ref = Math.exp(x[r * n + j] - max) / sum;
                    float got = dst.getAtIndex(ValueLayout.JAVA_FLOAT, r * rowStride + j);
                    worst = Math.max(worst, Math.abs(got - ref) / Math.max(ref, 1e-30));
                    if (!inPlace) assertEquals(x[r * n + j], src.getAtIndex(ValueLayout.JAVA_FLOAT, r * rowStride + j), "src changed");
                }
                for (long j = n; j < rowStride; j++) {
                    assertTrue(Float.isNaN(dst.getAtIndex(ValueLayout.JAVA_FLOAT, r * rowStride + j)), "gap written at row " + r);
                }
            }
            assertTrue(worst < 1e-5, String.format("softmax %dx%d stride %d %s [%s]: max relative error %.2e",
                    rows, n, rowStride, inPlace ? "in place" : "out of place", sm.implementation(), worst));
        }
    }
}
