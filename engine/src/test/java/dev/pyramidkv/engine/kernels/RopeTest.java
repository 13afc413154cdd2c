package dev.pyramidkv.engine.kernels;

import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Random;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** {@link Rope#rotate} against the rotation in double, both pairings; ropeDim < headDim leaves the rest alone. */
class RopeTest {
    static final Random RND = new Random(11);

    @Test
    void rotatesThePairsOfEveryHeadInBothModes() {
        for (boolean neox : new boolean[]{false, true}) {
            for (int[] shape : new int[][]{{64, 64}, {8, 8}, {48, 32}, {64, 40}, {128, 128}}) {
                int hd = shape[0], ropeDim = shape[1], heads = 3, pairs = ropeDim / 2;
                try (Arena arena = Arena.ofConfined()) {
                    MemorySegment v = arena.allocate(4L * heads * hd + 8), table = arena.allocate(4L * ropeDim + 12);
                    for (int i = 0; i < pairs; i++) {
                        double angle = RND.nextDouble() * 20 - 10;
                        table.setAtIndex(JAVA_FLOAT, 3 + 2L * i, (float) Math.cos(angle));
                        table.setAtIndex(JAVA_FLOAT, 3 + 2L * i + 1, (float) Math.sin(angle));
                    }
                    float[] before = new float[heads * hd];
                    for (int i = 0; i < before.length; i++) v.setAtIndex(JAVA_FLOAT, 2 + i, before[i] = (float) RND.nextGaussian());
                    Rope.rotate(v, 8, heads, hd, ropeDim, neox, table, 12);
                    for (int h = 0; h < heads; h++) {
                        for (int d = 0; d < hd; d++) {
                            double expected = before[h * hd + d];
                            if (d < ropeDim) {
                                int pair = neox ? d % pairs : d / 2;
                                boolean first = neox ? d < pairs : d % 2 == 0;
                                int i0 = neox ? pair : 2 * pair, i1 = neox ? pair + pairs : 2 * pair + 1;
                                double c = table.getAtIndex(JAVA_FLOAT, 3 + 2L * pair), s = table.getAtIndex(JAVA_FLOAT, 3 + 2L * pair + 1);
                                double x0 = before[h * hd + i0], x1 = before[h * hd + i1];
                                expected = first ? x0 * c - x1 * s : x0 * s + x1 * c;
                            }
                            assertEquals(expected, v.getAtIndex(JAVA_FLOAT, 2 + h * hd + d), 1e-6,
                                    (neox ? "NEOX" : "NORM") + " headDim " + hd + " ropeDim " + ropeDim + " head " + h + " dim " + d);
                        }
                    }
                }
            }
        }
    }
}
