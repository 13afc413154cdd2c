package dev.pyramidkv.engine.gguf;

import org.junit.jupiter.api.Tag;
import dev.pyramidkv.engine.testing.GgufBuilder;
import dev.pyramidkv.engine.testing.TestModels;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.*;

@Tag("download")
class GgufFileTest {

    private static GgufBuilder small() {
        return new GgufBuilder()
                .kvString("general.architecture", "llama")
                .kvU32("llama.block_count", 2)
                .kvF32("llama.rope.freq_base", 10000f)
                .kvStringArray("tokenizer.ggml.tokens", "a", "b", "ü")
                .tensorF32("w", new long[]{4, 2}, new float[]{1, 2, 3, 4, 5, 6, 7, 8})
                .tensorF32("n", new long[]{4}, new float[]{.5f, .25f, 0, -1});
    }

    private static GgufFile parse(byte[] bytes) {
        MemorySegment seg = Arena.ofAuto().allocate(bytes.length, 64);
        seg.copyFrom(MemorySegment.ofArray(bytes));
        return GgufFile.parse(seg);
    }

    @Test
    void readsWhatTheBuilderWrote() {
        GgufFile f = parse(small().build());
        assertEquals(3, f.version());
        assertEquals("llama", f.metadata().getString("general.architecture"));
        assertEquals(2, f.metadata().getInt("llama.block_count"));
        assertEquals(10000.0, f.metadata().getDouble("llama.rope.freq_base"));
        assertArrayEquals(new String[]{"a", "b", "ü"}, f.metadata().getStringArray("tokenizer.ggml.tokens"));
        GgufTensor w = f.tensor("w");
        assertEquals(GgmlType.F32, w.type());
        assertEquals(2, w.rows());
        assertEquals(4, w.rowLength());
        assertEquals(7f, w.data().get(ValueLayout.JAVA_FLOAT_UNALIGNED, 6 * 4));
        assertEquals(-1f, f.tensor("n").data().get(ValueLayout.JAVA_FLOAT_UNALIGNED, 12));
        assertEquals(0, f.dataOffset() % 32);
    }

    @Test
    void everyTruncationOfTheHeaderIsAFormatError() {
        byte[] full = small().build();
        GgufFile ok = parse(full);
        long headerEnd = ok.dataOffset();
        for (int cut = 0; cut < full.length; cut++) {
            byte[] part = Arrays.copyOf(full, cut);
            int c = cut;
            GgufFormatException e = assertThrows(GgufFormatException.class, () -> parse(part), () -> "cut at " + c);
            assertNotNull(e.field());
            assertTrue(e.offset() >= 0 && e.offset() <= Math.max(cut, headerEnd), e.getMessage());
        }
    }

    private static byte[] patched(byte[] image, int at, Consumer<ByteBuffer> write) {
        byte[] copy = image.clone();
        ByteBuffer b = ByteBuffer.wrap(copy).order(ByteOrder.LITTLE_ENDIAN);
        b.position(at);
        write.accept(b);
        return copy;
    }

    private static void assertFormatError(byte[] image, String fieldPart) {
        GgufFormatException e = assertThrows(GgufFormatException.class, () -> parse(image));
        assertTrue(e.getMessage().contains(fieldPart), () -> "message '" + e.getMessage() + "' lacks '" + fieldPart + "'");
    }

    @Test
    void badMagicVersionAndCounts() {
        byte[] img = small().build();
        assertFormatError(patched(img, 0, b -> b.putInt(0x12345678)), "magic");
        assertFormatError(patched(img, 4, b -> b.putInt(1)), "version");
        assertFormatError(patched(img, 4, b -> b.putInt(99)), "version");
        assertFormatError(patched(img, 8, b -> b.putLong(Long.MAX_VALUE)), "tensor_count");
        assertFormatError(patched(img, 8, b -> b.putLong(-1)), "tensor_count");
        assertFormatError(patched(img, 16, b -> b.putLong(1L << 40)), "metadata_kv_count");
    }

    @Test
    void absurdStringAndArrayLengths() {
        byte[] img = small().build();
        // first key's length
        assertFormatError(patched(img, 24, b -> b.putLong(1L << 50)), "metadata key #0 length");
        assertFormatError(patched(img, 24, b -> b.putLong(-5)), "metadata key #0 length");
        // the tokens array follows the first three keys
        int kvEnd = new GgufBuilder().kvString("general.architecture", "llama").kvU32("llama.block_count", 2)
                .kvF32("llama.rope.freq_base", 10000f).tensorInfoStart();
        int lenAt = kvEnd + 8 + "tokenizer.ggml.tokens".length() + 4 + 4;
        assertFormatError(patched(img, lenAt, b -> b.putLong(1L << 60)), "array length");
        assertFormatError(patched(img, lenAt - 4, b -> b.putInt(77)), "array element type");
        assertFormatError(patched(img, kvEnd + 8 + "tokenizer.ggml.tokens".length(), b -> b.putInt(13)), "type");
    }

    @Test
    void tensorInfoErrors() {
        GgufBuilder builder = small();
        byte[] img = builder.build();
        int t0 = builder.tensorInfoStart();
        int nDimsAt = t0 + 8 + 1;
        int dim0At = nDimsAt + 4;
        int typeAt = dim0At + 16;
        int offsetAt = typeAt + 4;
        assertFormatError(patched(img, nDimsAt, b -> b.putInt(0)), "n_dims");
        assertFormatError(patched(img, nDimsAt, b -> b.putInt(9)), "n_dims");
        assertFormatError(patched(img, dim0At, b -> b.putLong(0)), "dims[0]");
        assertFormatError(patched(img, dim0At, b -> b.putLong(1L << 62)), "dims");
        assertFormatError(patched(img, dim0At, b -> b.putLong(1L << 40)), "outside the data section");
        assertFormatError(patched(img, typeAt, b -> b.putInt(5)), "unknown ggml type 5");
        assertFormatError(patched(img, typeAt, b -> b.putInt(1000)), "unknown ggml type");
        assertFormatError(patched(img, typeAt, b -> b.putInt(GgmlType.Q8_0.id)), "block size");
        assertFormatError(patched(img, offsetAt, b -> b.putLong(7)), "alignment");
        assertFormatError(patched(img, offsetAt, b -> b.putLong(1L << 20)), "outside the data section");
        assertFormatError(patched(img, offsetAt, b -> b.putLong(-32)), "alignment");
    }

    @Test
    void invalidUtf8AndDuplicates() {
        byte[] img = small().build();
        assertFormatError(patched(img, 24 + 8, b -> b.put((byte) 0xC3).put((byte) 0x28)), "UTF-8");
        byte[] dup = new GgufBuilder().kvU32("a", 1).kvU32("a", 2).build();
        assertFormatError(dup, "duplicate key");
        byte[] dupT = new GgufBuilder().tensorF32("t", new long[]{1}, new float[]{1})
                .tensorF32("t", new long[]{1}, new float[]{2}).build();
        assertFormatError(dupT, "duplicate tensor name");
    }

    @Test
    void textFromTheFileIsEscapedAndCutInMessages() {
        String key = "a\u0000b\nc\u001b[2J\u202Ed" + "x".repeat(200);
        byte[] img = new GgufBuilder().kvU32(key, 1).kvU32(key, 2).build();
        GgufFormatException e = assertThrows(GgufFormatException.class, () -> parse(img));
        // The second key starts after the header (24 bytes) and the first entry (8 + 213 bytes of UTF-8 + 4 + 4).
        assertEquals("metadata key 'a\\x00b\\x0Ac\\x1B[2J\\x{202E}d" + "x".repeat(53) + "'... (147 more) at byte 253: duplicate key",
                e.getMessage());
        assertEquals(1, e.getMessage().lines().count());
        assertEquals("plain text, ünïcödé and \\ stay", GgufFormatException.printable("plain text, ünïcödé and \\ stay"));
    }

    @Test
    void openNamesTheFile(@org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
        byte[] full = small().build();
        Path cut = Files.write(dir.resolve("cut.gguf"), Arrays.copyOf(full, 30));
        GgufFormatException e = assertThrows(GgufFormatException.class, () -> GgufFile.open(cut));
        assertEquals(cut, e.file());
        assertEquals(cut + ": tensor_count at byte 8: value 2 cannot fit in a file of 30 bytes", e.getMessage());
    }

    @Test
    void randomCorruptionNeverCrashesOrHangs() {
        byte[] img = small().build();
        java.util.Random rnd = new java.util.Random(42);
        int header = (int) parse(img).dataOffset();
        for (int i = 0; i < 5000; i++) {
            byte[] c = img.clone();
            int flips = 1 + rnd.nextInt(4);
            for (int k = 0; k < flips; k++) c[rnd.nextInt(header)] = (byte) rnd.nextInt(256);
            try {
                parse(c);
            } catch (GgufFormatException | IllegalArgumentException expected) {
                // a clear error is the only acceptable failure
            }
        }
    }

    @Test
    void notGgufDirectoryAndMissingFile(@org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
        Path txt = dir.resolve("model.gguf");
        Files.writeString(txt, "hello world, not a model");
        GgufFormatException e = assertThrows(GgufFormatException.class, () -> GgufFile.open(txt));
        assertTrue(e.getMessage().contains("not a GGUF file"));
        assertThrows(IOException.class, () -> GgufFile.open(dir));
        assertThrows(IOException.class, () -> GgufFile.open(dir.resolve("missing.gguf")));
        Files.write(dir.resolve("empty.gguf"), new byte[0]);
        assertThrows(GgufFormatException.class, () -> GgufFile.open(dir.resolve("empty.gguf")));
    }

    @Test
    void stories260K() throws IOException {
        try (GgufFile f = GgufFile.open(TestModels.stories260K())) {
            GgufMetadata m = f.metadata();
            assertEquals("llama", m.getString("general.architecture"));
            assertEquals(5, m.getInt("llama.block_count"));
            assertEquals(64, m.getInt("llama.embedding_length"));
            assertEquals(8, m.getInt("llama.attention.head_count"));
            assertEquals(4, m.getInt("llama.attention.head_count_kv"));
            assertEquals(512, m.getStringArray("tokenizer.ggml.tokens").length);
            assertEquals(512, m.getFloatArray("tokenizer.ggml.scores").length);
            assertEquals(48, f.tensors().size());
            assertTrue(f.tensors().values().stream().allMatch(t -> t.type() == GgmlType.F32));
            GgufTensor q = f.tensor("blk.0.attn_q.weight");
            assertEquals(64, q.rowLength());
            assertEquals(64, q.rows());
        }
    }

    @Test
    void smollm2() throws IOException {
        try (GgufFile f = GgufFile.open(TestModels.smollm2())) {
            GgufMetadata m = f.metadata();
            assertEquals(30, m.getInt("llama.block_count"));
            assertEquals(576, m.getInt("llama.embedding_length"));
            assertEquals(9, m.getInt("llama.attention.head_count"));
            assertEquals(3, m.getInt("llama.attention.head_count_kv"));
            assertEquals(8192, m.getInt("llama.context_length"));
            assertEquals("gpt2", m.getString("tokenizer.ggml.model"));
            assertEquals(49152, m.getStringArray("tokenizer.ggml.tokens").length);
            Map<GgmlType, Integer> counts = new TreeMap<>();
            for (GgufTensor t : f.tensors().values()) counts.merge(t.type(), 1, Integer::sum);
            assertEquals(Map.of(GgmlType.F32, 61, GgmlType.Q4_1, 210, GgmlType.Q8_0, 1), counts);
            long end = 0;
            for (GgufTensor t : f.tensors().values()) end = Math.max(end, f.dataOffset() + t.offset() + t.data().byteSize());
            assertTrue(end <= f.byteSize());
        }
    }
}
