package dev.pyramidkv.dnnl;

import dev.pyramidkv.dnnl.c.dnnl_h;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;

import static org.junit.jupiter.api.Assertions.*;

/** Memory descriptors built through the bindings, read back through the struct accessors. */
class MemoryDescTest {

    @Test
    void rowMajorIsTheAbTagAndNotItsTranspose() {
        try (Arena arena = Arena.ofConfined()) {
            MemoryDesc byStrides = MemoryDesc.rowMajor(arena, DataType.F32, 3, 5);
            MemoryDesc ab = MemoryDesc.tagged(arena, DataType.F32, dnnl_h.dnnl_ab(), 3, 5);
            MemoryDesc ba = MemoryDesc.tagged(arena, DataType.F32, dnnl_h.dnnl_ba(), 3, 5);
            assertTrue(byStrides.sameAs(ab));
            assertFalse(byStrides.sameAs(ba));
            assertArrayEquals(new long[]{5, 1}, ab.strides());
            assertArrayEquals(new long[]{1, 3}, ba.strides());
            assertArrayEquals(new long[]{3, 5}, ba.dims());
            assertEquals(DataType.F32, ba.dataType());
            assertEquals(dnnl_h.dnnl_blocked(), ab.formatKind());
            assertEquals(3 * 5 * 4, ab.byteSize());
            assertEquals("F32 [3, 5] strides [5, 1]", ab.toString());
        }
    }

    /** A row-strided view (one head's columns of Q) spans less than rows x stride. */
    @Test
    void spanOfAStridedViewEndsAtItsLastElement() {
        try (Arena arena = Arena.ofConfined()) {
            MemoryDesc view = MemoryDesc.strided(arena, DataType.BF16, new long[]{4, 64}, new long[]{512, 1});
            assertEquals((3 * 512 + 64) * 2, view.spanBytes());
            assertTrue(view.byteSize() >= view.spanBytes());
        }
    }

    @Test
    void anyLayoutBecomesAConcreteLayoutChosenByTheMatmul() {
        MatmulTest.assumeBf16();
        try (DnnlEngine engine = DnnlEngine.create(); Arena arena = Arena.ofConfined()) {
            MemoryDesc any = MemoryDesc.any(arena, DataType.BF16, 256, 256);
            assertEquals(dnnl_h.dnnl_format_kind_any(), any.formatKind());
            try (Matmul mm = Matmul.create(engine, MatmulSpec.bf16(32, 256, 256, WeightsLayout.ANY))) {
                MemoryDesc chosen = mm.weightsDesc();
                assertEquals(dnnl_h.dnnl_blocked(), chosen.formatKind(), chosen.toString());
                assertArrayEquals(new long[]{256, 256}, chosen.dims());
                assertTrue(mm.weightsBytes() >= 256 * 256 * 2, chosen.toString());
            }
        }
    }

    /** A matmul's weights descriptor lives as long as the matmul: described after close, it says so and reads nothing. */
    @Test
    void aFreedDescriptorIsDescribedWithoutReadingIt() {
        try (DnnlEngine engine = DnnlEngine.create()) {
            Matmul mm = Matmul.create(engine, MatmulSpec.f32(32, 256, 256, WeightsLayout.ANY));
            MemoryDesc chosen = mm.weightsDesc();
            assertTrue(chosen.toString().startsWith("F32 [256, 256] strides "), chosen.toString());
            mm.close();
            assertEquals("a freed memory descriptor", chosen.toString());
        }
    }

    @Test
    void mismatchedDimsAndStridesAreRejected() {
        try (Arena arena = Arena.ofConfined()) {
            var e = assertThrows(IllegalArgumentException.class,
                    () -> MemoryDesc.strided(arena, DataType.F32, new long[]{2, 3}, new long[]{3}));
            assertTrue(e.getMessage().contains("same length"), e.getMessage());
        }
    }
}
