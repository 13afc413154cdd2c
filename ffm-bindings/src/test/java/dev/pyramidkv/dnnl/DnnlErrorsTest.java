package dev.pyramidkv.dnnl;

import dev.pyramidkv.dnnl.c.dnnl_h;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static org.junit.jupiter.api.Assertions.*;

/** Bad input reaches oneDNN or our checks and comes back as a clear exception, never a crash. */
class DnnlErrorsTest {

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
    void mismatchedInnerDimensionsNameTheStatusAndTheCall() {
        try (Arena arena = Arena.ofConfined()) {
            MemoryDesc src = MemoryDesc.rowMajor(arena, DataType.F32, 4, 8);
            MemoryDesc weights = MemoryDesc.rowMajor(arena, DataType.F32, 9, 16);   // K = 9, src has K = 8
            MemoryDesc dst = MemoryDesc.rowMajor(arena, DataType.F32, 4, 16);
            DnnlException e = assertThrows(DnnlException.class, () -> Matmul.create(engine, src, weights, dst));
            assertEquals(dnnl_h.dnnl_invalid_arguments(), e.status());
            assertEquals("dnnl_matmul_desc_init", e.call());
            assertTrue(e.getMessage().contains("dnnl_invalid_arguments"), e.getMessage());
            assertTrue(e.getMessage().contains("[9, 16]"), e.getMessage());
        }
    }

    @Test
    void mismatchedDstDimensions() {
        try (Arena arena = Arena.ofConfined()) {
            DnnlException e = assertThrows(DnnlException.class, () -> Matmul.create(engine,
                    MemoryDesc.rowMajor(arena, DataType.F32, 4, 8),
                    MemoryDesc.rowMajor(arena, DataType.F32, 8, 16),
                    MemoryDesc.rowMajor(arena, DataType.F32, 5, 16)));
            assertEquals("dnnl_matmul_desc_init", e.call());
            assertEquals(dnnl_h.dnnl_invalid_arguments(), e.status());
        }
    }

    /** bf16 src with f32 weights has no implementation in oneDNN 2.6. */
    @Test
    void unsupportedTypeCombinationIsUnimplemented() {
        MatmulSpec spec = MatmulSpec.dense(4, 8, 16, DataType.BF16, DataType.F32, DataType.F32, WeightsLayout.KN);
        DnnlException e = assertThrows(DnnlException.class, () -> Matmul.create(engine, spec));
        assertEquals(dnnl_h.dnnl_unimplemented(), e.status());
        assertEquals("dnnl_primitive_desc_create", e.call());
        assertTrue(e.getMessage().contains("dnnl_unimplemented") && e.getMessage().contains("BF16[4x8]"), e.getMessage());
    }

    @Test
    void tooManyDimensionsIsRejectedByOneDnn() {
        try (Arena arena = Arena.ofConfined()) {
            long[] dims = new long[dnnl_h.DNNL_MAX_NDIMS() + 1];
            java.util.Arrays.fill(dims, 1);
            DnnlException e = assertThrows(DnnlException.class, () -> MemoryDesc.tagged(arena, DataType.F32, dnnl_h.dnnl_format_tag_any(), dims));
            assertEquals("dnnl_memory_desc_init_by_tag", e.call());
            assertEquals(dnnl_h.dnnl_invalid_arguments(), e.status());
        }
    }

    @Test
    void specValidationNamesTheParameter() {
        var e = assertThrows(IllegalArgumentException.class, () -> MatmulSpec.f32(0, 8, 8, WeightsLayout.KN));
        assertTrue(e.getMessage().startsWith("m is 0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> MatmulSpec.f32(4, 8, 16, WeightsLayout.NK).withRowStrides(8, 7, 16));
        assertTrue(e.getMessage().contains("weightsRowStride is 7") && e.getMessage().contains("k"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Softmax.create(engine, 3, 10, 9));
        assertTrue(e.getMessage().contains("rowStride is 9"), e.getMessage());
    }

    @Test
    void undersizedOrHeapBuffersAreRejectedBeforeExecuting() {
        try (Arena arena = Arena.ofConfined(); Matmul mm = Matmul.create(engine, MatmulSpec.f32(4, 8, 16, WeightsLayout.KN))) {
            MemorySegment src = arena.allocate(4 * 8 * 4), w = arena.allocate(8 * 16 * 4), dst = arena.allocate(4 * 16 * 4);
            mm.execute(src, w, dst);   // right sizes work
            var e = assertThrows(IllegalArgumentException.class, () -> mm.execute(src, w.asSlice(4), dst));
            assertTrue(e.getMessage().contains("weights has 508 bytes") && e.getMessage().contains("needs 512"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> mm.execute(MemorySegment.ofArray(new float[32]), w, dst));
            assertTrue(e.getMessage().contains("src must be native memory"), e.getMessage());
        }
    }

    @Test
    void usingAClosedPrimitiveThrowsInsteadOfCrashing() {
        try (Arena arena = Arena.ofConfined()) {
            Softmax sm = Softmax.create(engine, 2, 4);
            MemorySegment data = arena.allocate(2 * 4 * 4);
            sm.executeInPlace(data);
            sm.close();
            sm.close();   // idempotent
            assertThrows(IllegalStateException.class, () -> sm.executeInPlace(data));
        }
    }

    /** Closing the engine closes what was created on it; later use is an exception, not a use-after-free. */
    @Test
    void closingTheEngineClosesItsPrimitives() {
        try (Arena arena = Arena.ofConfined()) {
            DnnlEngine own = DnnlEngine.create();
            Matmul mm = Matmul.create(own, MatmulSpec.f32(2, 2, 2, WeightsLayout.KN));
            MemorySegment buf = arena.allocate(16);
            mm.execute(buf, buf, arena.allocate(16));
            own.close();
            assertTrue(own.isClosed());
            assertThrows(IllegalStateException.class, () -> mm.execute(buf, buf, buf));
            assertThrows(IllegalStateException.class, () -> Matmul.create(own, MatmulSpec.f32(2, 2, 2, WeightsLayout.KN)));
            mm.close();   // already closed by the engine: harmless
        }
    }

    @Test
    void statusNamesAreTheCNames() {
        assertEquals("dnnl_invalid_arguments", DnnlException.statusName(dnnl_h.dnnl_invalid_arguments()));
        assertEquals("dnnl_unimplemented", DnnlException.statusName(dnnl_h.dnnl_unimplemented()));
        assertEquals("dnnl_out_of_memory", DnnlException.statusName(dnnl_h.dnnl_out_of_memory()));
    }
}
