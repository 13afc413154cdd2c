package dev.pyramidkv.engine.gguf;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A GGUF file (v2, v3) mapped read-only into one {@link MemorySegment}; every tensor is a slice of it.
 * Everything is validated while reading; a malformed file throws {@link GgufFormatException}.
 * Closing unmaps the file: tensors must not be used after that.
 */
public final class GgufFile implements AutoCloseable {
    public static final int MAGIC = 0x46554747; // "GGUF" little-endian
    static final int MAX_DIMS = 4;              // GGML_MAX_DIMS
    static final int DEFAULT_ALIGNMENT = 32;

    private final Path path;
    private final Arena arena;
    private final MemorySegment file;
    private final int version;
    private final GgufMetadata metadata;
    private final Map<String, GgufTensor> tensors;
    private final long dataOffset;

    private GgufFile(Path path, Arena arena, MemorySegment file) {
        this.path = path;
        this.arena = arena;
        this.file = file;
        Reader r = new Reader(file);
        if (file.byteSize() < 4 || r.u32("magic") != MAGIC) {
            throw new GgufFormatException("magic", 0, "expected \"GGUF\" (47 47 55 46), this is not a GGUF file");
        }
        long versionAt = r.pos;
        version = (int) r.u32("version");
        if (version != 2 && version != 3) {
            throw new GgufFormatException("version", versionAt, "expected 2 or 3, found " + Integer.toUnsignedString(version));
        }
        long tensorCountAt = r.pos;
        long tensorCount = r.u64("tensor_count");
        long kvCountAt = r.pos;
        long kvCount = r.u64("metadata_kv_count");
        // Each tensor info takes at least 8+0+4+8+4+8 bytes and each key/value at least 8+4+1: bound the counts.
        if (tensorCount < 0 || tensorCount > r.remaining() / 32) {
            throw new GgufFormatException("tensor_count", tensorCountAt,
                    "value " + Long.toUnsignedString(tensorCount) + " cannot fit in a file of " + file.byteSize() + " bytes");
        }
        if (kvCount < 0 || kvCount > r.remaining() / 13) {
            throw new GgufFormatException("metadata_kv_count", kvCountAt,
                    "value " + Long.toUnsignedString(kvCount) + " cannot fit in a file of " + file.byteSize() + " bytes");
        }

        LinkedHashMap<String, GgufValue> kv = new LinkedHashMap<>();
        for (long i = 0; i < kvCount; i++) {
            long keyAt = r.pos;
            String key = r.string("metadata key #" + i);
            if (kv.containsKey(key)) throw new GgufFormatException("metadata key " + GgufFormatException.quote(key), keyAt, "duplicate key");
            kv.put(key, r.value("metadata " + GgufFormatException.quote(key)));
        }
        metadata = new GgufMetadata(kv);

        int alignment = DEFAULT_ALIGNMENT;
        if (metadata.has("general.alignment")) {
            GgufValue a = metadata.get("general.alignment");
            long al = a.isInteger() ? (Long) a.value() : -1;
            if (al <= 0 || al > 1 << 20 || Long.bitCount(al) != 1) {
                throw new GgufFormatException("metadata 'general.alignment'", 0, "expected a power of two, found " + a);
            }
            alignment = (int) al;
        }

        record Info(String name, GgmlType type, long[] dims, long offset, long bytes, long at) {}
        Info[] infos = new Info[(int) tensorCount];
        for (int i = 0; i < tensorCount; i++) {
            long at = r.pos;
            String name = r.string("tensor #" + i + " name");
            String field = "tensor " + GgufFormatException.quote(name);
            long nDimsAt = r.pos;
            long nDims = r.u32(field + " n_dims");
            if (nDims < 1 || nDims > MAX_DIMS) {
                throw new GgufFormatException(field + " n_dims", nDimsAt, "expected 1.." + MAX_DIMS + ", found " + nDims);
            }
            long[] dims = new long[(int) nDims];
            long elements = 1;
            for (int d = 0; d < nDims; d++) {
                long dimAt = r.pos;
                dims[d] = r.u64(field + " dims[" + d + "]");
                if (dims[d] <= 0) {
                    throw new GgufFormatException(field + " dims[" + d + "]", dimAt,
                            "expected a positive size, found " + Long.toUnsignedString(dims[d]));
                }
                try {
                    elements = Math.multiplyExact(elements, dims[d]);
                } catch (ArithmeticException e) {
                    throw new GgufFormatException(field + " dims", dimAt, "element count overflows 64 bits");
                }
            }
            long typeAt = r.pos;
            long typeId = r.u32(field + " type");
            GgmlType type = GgmlType.byId(typeId);
            if (type == null) throw new GgufFormatException(field + " type", typeAt, "unknown ggml type " + typeId);
            if (dims[0] % type.blockSize != 0) {
                throw new GgufFormatException(field + " dims[0]", nDimsAt + 4,
                        "row length " + dims[0] + " is not a multiple of " + type + "'s block size " + type.blockSize);
            }
            long offsetAt = r.pos;
            long offset = r.u64(field + " offset");
            if (offset < 0 || offset % alignment != 0) {
                throw new GgufFormatException(field + " offset", offsetAt,
                        "expected a multiple of the alignment " + alignment + ", found " + Long.toUnsignedString(offset));
            }
            long bytes;
            try {
                bytes = type.bytesFor(elements);
            } catch (ArithmeticException e) {
                throw new GgufFormatException(field + " dims", nDimsAt, "byte size overflows 64 bits");
            }
            infos[i] = new Info(name, type, dims, offset, bytes, at);
        }

        dataOffset = align(r.pos, alignment);
        if (tensorCount > 0 && dataOffset > file.byteSize()) {
            throw new GgufFormatException("tensor data", r.pos, "file ends before the aligned data section at " + dataOffset);
        }
        long dataSize = file.byteSize() - Math.min(dataOffset, file.byteSize());
        LinkedHashMap<String, GgufTensor> ts = new LinkedHashMap<>();
        for (Info t : infos) {
            String field = "tensor " + GgufFormatException.quote(t.name);
            if (ts.containsKey(t.name)) throw new GgufFormatException(field, t.at, "duplicate tensor name");
            if (t.offset > dataSize || t.bytes > dataSize - t.offset) {
                throw new GgufFormatException(field + " offset", t.at,
                        "data [" + t.offset + ", " + t.offset + "+" + t.bytes + ") lies outside the data section of "
                                + dataSize + " bytes");
            }
            MemorySegment slice = file.asSlice(dataOffset + t.offset, t.bytes);
            ts.put(t.name, new GgufTensor(t.name, t.type, t.dims, t.offset, slice));
        }
        tensors = Collections.unmodifiableMap(ts);
    }

    /** Maps and validates the file; the caller closes it. */
    public static GgufFile open(Path path) throws IOException {
        if (Files.isDirectory(path)) throw new IOException(path + " is a directory, not a GGUF file");
        Arena arena = Arena.ofShared();
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            MemorySegment mapped = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), arena);
            // The same bytes as a plain native segment (same arena, still read-only): the Vector API loads weights
            // through JDK code whose segment-type profile the whole process shares; with mapped weights beside
            // native activations it is polymorphic, the load intrinsic fails and every vector is boxed.
            MemorySegment seg = MemorySegment.ofAddress(mapped.address()).reinterpret(mapped.byteSize(), arena, null).asReadOnly();
            return new GgufFile(path, arena, seg);
        } catch (NoSuchFileException e) {
            arena.close();
            throw new NoSuchFileException(path.toString(), null, "no such file");
        } catch (GgufFormatException e) {
            arena.close();
            throw e.in(path);
        } catch (IOException | RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    /** Validates an in-memory image (tests, fuzzing); the segment stays the caller's. */
    public static GgufFile parse(MemorySegment image) {
        return new GgufFile(null, null, image);
    }

    public Path path() { return path; }

    public int version() { return version; }

    public GgufMetadata metadata() { return metadata; }

    public Map<String, GgufTensor> tensors() { return tensors; }

    public List<GgufTensor> tensorList() { return List.copyOf(tensors.values()); }

    public long dataOffset() { return dataOffset; }

    public long byteSize() { return file.byteSize(); }

    public boolean hasTensor(String name) { return tensors.containsKey(name); }

    public GgufTensor tensor(String name) {
        GgufTensor t = tensors.get(name);
        if (t == null) throw new IllegalArgumentException("GGUF file has no tensor '" + name + "'");
        return t;
    }

    @Override
    public void close() {
        if (arena != null) arena.close();
    }

    static long align(long x, long a) {
        return (x + a - 1) / a * a;
    }

    /** A bounds-checked little-endian cursor over the header. */
    private static final class Reader {
        private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
        private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
        private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
        private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
        private static final ValueLayout.OfDouble F64 = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
        private static final int MAX_ARRAY_DEPTH = 4;

        final MemorySegment s;
        long pos;

        Reader(MemorySegment s) { this.s = s; }

        long remaining() { return s.byteSize() - pos; }

        private void need(String field, long n) {
            if (n > remaining()) {
                throw new GgufFormatException(field, pos, "needs " + n + " bytes but the file ends after " + remaining());
            }
        }

        long u32(String field) { need(field, 4); long v = Integer.toUnsignedLong(s.get(U32, pos)); pos += 4; return v; }

        long u64(String field) { need(field, 8); long v = s.get(U64, pos); pos += 8; return v; }

        String string(String field) {
            long at = pos;
            long len = u64(field + " length");
            if (len < 0 || len > remaining()) {
                throw new GgufFormatException(field + " length", at,
                        "string of " + Long.toUnsignedString(len) + " bytes, but only " + remaining() + " remain");
            }
            byte[] bytes = s.asSlice(pos, len).toArray(ValueLayout.JAVA_BYTE);
            try {
                String str = StandardCharsets.UTF_8.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(java.nio.ByteBuffer.wrap(bytes)).toString();
                pos += len;
                return str;
            } catch (CharacterCodingException e) {
                throw new GgufFormatException(field, at + 8, "string is not valid UTF-8");
            }
        }

        GgufValue value(String field) {
            long at = pos;
            GgufValueType type = GgufValueType.byId(u32(field + " type"));
            if (type == null) throw new GgufFormatException(field + " type", at, "unknown value type " + s.get(U32, at));
            if (type == GgufValueType.ARRAY) return array(field, 1);
            return new GgufValue(type, null, scalar(field, type));
        }

        private Object scalar(String field, GgufValueType t) {
            if (t == GgufValueType.STRING) return string(field);
            need(field, t.size);
            Object v = switch (t) {
                case UINT8 -> (long) Byte.toUnsignedInt(s.get(ValueLayout.JAVA_BYTE, pos));
                case INT8 -> (long) s.get(ValueLayout.JAVA_BYTE, pos);
                case UINT16 -> (long) Short.toUnsignedInt(s.get(U16, pos));
                case INT16 -> (long) s.get(U16, pos);
                case UINT32 -> Integer.toUnsignedLong(s.get(U32, pos));
                case INT32 -> (long) s.get(U32, pos);
                case UINT64, INT64 -> s.get(U64, pos);
                case FLOAT32 -> (double) s.get(F32, pos);
                case FLOAT64 -> s.get(F64, pos);
                case BOOL -> {
                    byte b = s.get(ValueLayout.JAVA_BYTE, pos);
                    if (b != 0 && b != 1) throw new GgufFormatException(field, pos, "bool must be 0 or 1, found " + b);
                    yield b == 1;
                }
                default -> throw new IllegalStateException(t.toString());
            };
            pos += t.size;
            return v;
        }

        private GgufValue array(String field, int depth) {
            long at = pos;
            GgufValueType et = GgufValueType.byId(u32(field + " array element type"));
            if (et == null) throw new GgufFormatException(field + " array element type", at, "unknown value type " + s.get(U32, at));
            long lenAt = pos;
            long n = u64(field + " array length");
            long minItem = et.size > 0 ? et.size : (et == GgufValueType.STRING ? 8 : 12);
            if (n < 0 || n > remaining() / minItem) {
                throw new GgufFormatException(field + " array length", lenAt,
                        Long.toUnsignedString(n) + " items of " + et + " cannot fit in the " + remaining() + " bytes left");
            }
            int len = (int) n;
            Object v = switch (et) {
                case STRING -> {
                    String[] a = new String[len];
                    for (int i = 0; i < len; i++) a[i] = string(field + "[" + i + "]");
                    yield a;
                }
                case FLOAT32 -> {
                    float[] a = s.asSlice(pos, 4L * len).toArray(F32);
                    pos += 4L * len;
                    yield a;
                }
                case FLOAT64 -> {
                    double[] a = s.asSlice(pos, 8L * len).toArray(F64);
                    pos += 8L * len;
                    yield a;
                }
                case BOOL -> {
                    boolean[] a = new boolean[len];
                    for (int i = 0; i < len; i++) a[i] = (Boolean) scalar(field + "[" + i + "]", et);
                    yield a;
                }
                case ARRAY -> {
                    if (depth >= MAX_ARRAY_DEPTH) throw new GgufFormatException(field, at, "arrays nested deeper than " + MAX_ARRAY_DEPTH);
                    GgufValue[] a = new GgufValue[len];
                    for (int i = 0; i < len; i++) a[i] = array(field + "[" + i + "]", depth + 1);
                    yield a;
                }
                default -> {
                    long[] a = new long[len];
                    for (int i = 0; i < len; i++) a[i] = (Long) scalar(field, et);
                    yield a;
                }
            };
            return new GgufValue(GgufValueType.ARRAY, et, v);
        }
    }
}
