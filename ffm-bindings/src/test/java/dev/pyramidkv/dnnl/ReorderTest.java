package dev.pyramidkv.dnnl;

import dev.pyramidkv.dnnl.c.dnnl_h;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

class ReorderTest {

    /** f32 -> bf16 conversion rounds to nearest even, exactly like the Java reference conversion. */
    @Test
    void f32ToBf16RoundsToNearestEven() {
        int rows = 3, cols = 1001;
        Random rnd = new Random(7);
        try (DnnlEngine engine = DnnlEngine.create(); Arena arena = Arena.ofConfined()) {
            Reorder r = Reorder.create(engine,
                    MemoryDesc.rowMajor(arena, DataType.F32, rows, cols),
                    MemoryDesc.rowMajor(arena, DataType.BF16, rows, cols));
            MemorySegment src = arena.allocate((long) rows * cols * 4, 64);
            MemorySegment dst = arena.allocate((long) rows * cols * 2, 64);
            for (int i = 0; i < rows * cols; i++) src.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) (rnd.nextGaussian() * 100));
            src.setAtIndex(ValueLayout.JAVA_FLOAT, 0, Float.intBitsToFloat(0x3F808000));   // a tie: rounds to even (down)
            src.setAtIndex(ValueLayout.JAVA_FLOAT, 1, Float.intBitsToFloat(0x3F818000));   // a tie: rounds to even (up)
            r.execute(src, dst);
            for (int i = 0; i < rows * cols; i++) {
                float f = src.getAtIndex(ValueLayout.JAVA_FLOAT, i);
                assertEquals(MatmulTest.toBf16(f), dst.getAtIndex(ValueLayout.JAVA_SHORT, i), "element " + i + " = " + f);
            }
            assertEquals((short) 0x3F80, dst.getAtIndex(ValueLayout.JAVA_SHORT, 0));
            assertEquals((short) 0x3F82, dst.getAtIndex(ValueLayout.JAVA_SHORT, 1));
        }
    }

    /** Transposing by descriptors: [R][C] row-major to the same logical tensor stored column-major. */
    @Test
    void transposeByStrides() {
        int rows = 5, cols = 7;
        try (DnnlEngine engine = DnnlEngine.create(); Arena arena = Arena.ofConfined()) {
            Reorder r = Reorder.create(engine,
                    MemoryDesc.rowMajor(arena, DataType.F32, rows, cols),
                    MemoryDesc.tagged(arena, DataType.F32, dnnl_h.dnnl_ba(), rows, cols));
            MemorySegment src = arena.allocate(rows * cols * 4L), dst = arena.allocate(rows * cols * 4L);
            for (int i = 0; i < rows * cols; i++) src.setAtIndex(ValueLayout.JAVA_FLOAT, i, i);
            r.execute(src, dst);
            for (int i = 0; i < rows; i++)
                for (int j = 0; j < cols; j++)
                    assertEquals(i * cols + j, dst.getAtIndex(ValueLayout.JAVA_FLOAT, (long) j * rows + i));
        }
    }
}
