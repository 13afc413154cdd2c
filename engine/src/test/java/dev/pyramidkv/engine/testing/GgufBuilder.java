package dev.pyramidkv.engine.testing;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes small GGUF images byte by byte, the way the spec lays them out, for malformed-file tests; or,
 * with {@link #reserveTensor} and {@link #header}, the head of a large image whose data the caller writes.
 */
public final class GgufBuilder {
    private final ByteArrayOutputStream kv = new ByteArrayOutputStream();
    private final List<byte[]> infos = new ArrayList<>();
    private final ByteArrayOutputStream data = new ByteArrayOutputStream();
    private int kvCount;
    private int version = 3;
    private int alignment = 32;
    private long reserved;   // data bytes laid out by reserveTensor, written by the caller

    public GgufBuilder version(int v) { version = v; return this; }

    public GgufBuilder alignment(int a) { alignment = a; return this; }

    public GgufBuilder kvString(String key, String value) {
        str(kv, key); u32(kv, 8); str(kv, value); kvCount++; return this;
    }

    public GgufBuilder kvU32(String key, int value) {
        str(kv, key); u32(kv, 4); u32(kv, value); kvCount++; return this;
    }

    public GgufBuilder kvF32(String key, float value) {
        str(kv, key); u32(kv, 6); u32(kv, Float.floatToIntBits(value)); kvCount++; return this;
    }

    public GgufBuilder kvStringArray(String key, String... values) {
        str(kv, key); u32(kv, 9); u32(kv, 8); u64(kv, values.length);
        for (String v : values) str(kv, v);
        kvCount++; return this;
    }

    /** Adds an F32 tensor with the given dims and values; its data is aligned in the data section. */
    public GgufBuilder tensorF32(String name, long[] dims, float[] values) {
        return tensor(name, dims, 0, floats(values));
    }

    /** Adds a tensor of any type id with raw data bytes. */
    public GgufBuilder tensor(String name, long[] dims, int typeId, byte[] bytes) {
        if (reserved > 0) throw new IllegalStateException("tensor '" + name + "': cannot add data after reserveTensor");
        while (data.size() % alignment != 0) data.write(0);
        info(name, dims, typeId, data.size());
        data.writeBytes(bytes);
        return this;
    }

    /**
     * Adds a tensor info for {@code bytes} of data the caller writes at the returned offset of the data
     * section (which starts {@code header().length} bytes into the image).
     */
    public long reserveTensor(String name, long[] dims, int typeId, long bytes) {
        if (data.size() > 0) throw new IllegalStateException("tensor '" + name + "': cannot reserve after tensors with data");
        long offset = (reserved + alignment - 1) / alignment * alignment;
        info(name, dims, typeId, offset);
        reserved = offset + bytes;
        return offset;
    }

    private void info(String name, long[] dims, int typeId, long offset) {
        ByteArrayOutputStream info = new ByteArrayOutputStream();
        str(info, name); u32(info, dims.length);
        for (long d : dims) u64(info, d);
        u32(info, typeId); u64(info, offset);
        infos.add(info.toByteArray());
    }

    /** Bytes of data section the reserved tensors span. */
    public long reservedBytes() { return reserved; }

    /** Header, metadata and tensor infos, padded to the alignment: everything before the data section. */
    public byte[] header() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        u32(out, 0x46554747); u32(out, version); u64(out, infos.size()); u64(out, kvCount);
        out.writeBytes(kv.toByteArray());
        for (byte[] i : infos) out.writeBytes(i);
        while (out.size() % alignment != 0) out.write(0);
        return out.toByteArray();
    }

    public byte[] build() {
        if (reserved > 0) throw new IllegalStateException("reserved tensors have no data here: use header() and write the data section");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(header());
        out.writeBytes(data.toByteArray());
        return out.toByteArray();
    }

    /** Offset of the first tensor info (after header and metadata). */
    public int tensorInfoStart() { return 24 + kv.size(); }

    static byte[] floats(float[] v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : v) b.putFloat(f);
        return b.array();
    }

    static void str(ByteArrayOutputStream o, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        u64(o, b.length); o.writeBytes(b);
    }

    static void u32(ByteArrayOutputStream o, int v) {
        o.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array());
    }

    static void u64(ByteArrayOutputStream o, long v) {
        o.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array());
    }
}
