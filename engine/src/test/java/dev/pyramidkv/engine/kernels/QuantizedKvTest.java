package dev.pyramidkv.engine.kernels;

import dev.pyramidkv.cache.KvType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The attention kernels on quantized K/V rows against a double-precision sum over the rows' decoded values
 * ({@link KvType#decode}): the kernels read the same stored values, so only float rounding separates them.
 */
class QuantizedKvTest {

    @ParameterizedTest
    @CsvSource({"q8_0, 64, 300", "q8_0, 128, 7", "q8_0, 32, 1", "f16, 64, 300", "f16, 128, 33", "f16, 8, 5", "f16, 40, 17",
            "q4_0, 64, 300", "q4_0, 128, 7", "q4_0, 32, 1", "bf16, 64, 300", "bf16, 128, 33", "bf16, 8, 5", "bf16, 40, 17"})
    void scoresAndWeightedValuesMatchTheDecodedRows(String typeName, int hd, int rows) {
        KvType type = KvType.parse(typeName);
        SplittableRandom rnd = new SplittableRandom(hd * 31L + rows);
        try (Arena arena = Arena.ofConfined()) {
            long rowBytes = type.rowBytes(hd), pad = 3 * rowBytes;   // rows start at an unaligned base
            MemorySegment keys = arena.allocate(pad + rows * rowBytes), values = arena.allocate(pad + rows * rowBytes);
            MemorySegment src = arena.allocate(4L * hd), q = arena.allocate(4L * hd + 4), p = arena.allocate(4L * rows + 8);
            for (int j = 0; j < rows; j++) {
                for (int d = 0; d < hd; d++) src.setAtIndex(JAVA_FLOAT, d, (float) (rnd.nextGaussian() * (1 + j % 5)));
                type.encode(src, 0, keys, pad + j * rowBytes, hd);
                for (int d = 0; d < hd; d++) src.setAtIndex(JAVA_FLOAT, d, (float) rnd.nextGaussian());
                type.encode(src, 0, values, pad + j * rowBytes, hd);
            }
            for (int d = 0; d < hd; d++) q.set(JAVA_FLOAT, 4 + 4L * d, (float) rnd.nextGaussian());
            double total = 0;
            for (int j = 0; j < rows; j++) {
                float w = (float) rnd.nextDouble();
                p.set(JAVA_FLOAT, 8 + 4L * j, w);
                total += w;
            }
            float scale = 0.125f;
            MemorySegment scores = arena.allocate(4L * rows), out = arena.allocate(4L * hd);
            QuantizedKv.scores(type, keys, pad, rowBytes, rows, q, 4, hd, scale, scores, 0);
            QuantizedKv.weightedValues(type, values, pad, rowBytes, rows, p, 8, hd, out, 0);
            for (int j = 0; j < rows; j++) {
                double ref = 0, mag = 0;
                for (int d = 0; d < hd; d++) {
                    double t = (double) type.decode(keys, pad + j * rowBytes, d) * q.get(JAVA_FLOAT, 4 + 4L * d);
                    ref += t;
                    mag += Math.abs(t);
                }
                assertEquals(ref * scale, scores.getAtIndex(JAVA_FLOAT, j), 1e-6 * mag * scale + 1e-30, type.cliName() + " score of row " + j);
            }
            for (int d = 0; d < hd; d++) {
                double ref = 0, mag = 0;
                for (int j = 0; j < rows; j++) {
                    double t = (double) p.get(JAVA_FLOAT, 8 + 4L * j) * type.decode(values, pad + j * rowBytes, d);
                    ref += t;
                    mag += Math.abs(t);
                }
                assertEquals(ref, out.getAtIndex(JAVA_FLOAT, d), 1e-6 * mag + 1e-30, type.cliName() + " value element " + d + " (Σp = " + total + ")");
            }
        }
    }
}
