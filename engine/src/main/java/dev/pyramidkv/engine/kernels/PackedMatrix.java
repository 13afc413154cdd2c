package dev.pyramidkv.engine.kernels;

import dev.pyramidkv.engine.gguf.GgmlType;
import dev.pyramidkv.engine.gguf.GgufTensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A quantized weight matrix {@code [N][K]} repacked once, at load, for the GEMV ({@link Gemv}): rows in
 * groups of G = {@link VectorShape#LANES} (16 with 512-bit vectors, 8 with 256-bit), so that one vector of
 * 2G shorts holds two elements of each of G rows and one int broadcast of two activation values multiplies
 * them (no horizontal sums: each pair of short lanes, one int lane, accumulates one output row).
 * <p>
 * Two regions, both ordered by group g (rows Gg..Gg+G-1, zero-padded past N) then block b (elements
 * 32b..32b+31); in each chunk of 4G bytes (one vector), short lane {@code 2i+j} belongs to row {@code Gg+i}:
 * <pre>
 * quants [groups][blocks][chunks][4G B]   from byte 0
 *   Q4_1: 4 chunks; chunk c, lane 2i+j: nibble n (bits 4n..4n+3) = q[8c + 2n + j], n = 0..3
 *   Q8_0:       8 chunks; chunk c, lane 2i+j: low byte q[4c + j], high byte q[4c + 2 + j]
 * scales [groups][blocks][fields][G] f16 from byte {@link #scalesAt}
 *   Q4_1: d then m; Q8_0: d
 * </pre>
 * Same bytes as the GGUF tensor plus padding rows, so the packed copy costs one more copy of the quantized
 * weights, off-heap in the model's arena (SmolLM2-135M Q4_1: ~96 MB); decode then reads only the packed copy.
 * f16 scales must be finite: the kernels convert them with integer arithmetic.
 */
public final class PackedMatrix {
    /** Rows per group: the int lanes of one kernel vector. */
    public static final int GROUP = VectorShape.LANES;
    /** Bytes of one chunk of quants: a kernel vector. */
    static final int CHUNK = 4 * GROUP;
    static final int QK = 32;

    public final String name;
    public final GgmlType type;
    public final int rows;      // N
    public final int k;         // K, a multiple of 32
    public final int groups;    // ceil(N / GROUP)
    public final int blocks;    // K / 32
    final int chunks;           // chunks of quants per group and block
    final int fields;           // f16 scale fields per row and block
    final long scalesAt;
    final MemorySegment data;

    private PackedMatrix(String name, GgmlType type, int rows, int k, MemorySegment data) {
        this.name = name;
        this.type = type;
        this.rows = rows;
        this.k = k;
        this.groups = groups(rows);
        this.blocks = k / QK;
        this.chunks = chunks(type);
        this.fields = fields(type);
        this.scalesAt = (long) groups * blocks * chunks * CHUNK;
        this.data = data;
    }

    /** Q4_1 and Q8_0 (Q4_0 rows stay on the row kernels: llama.cpp itself repacks Q4_0 with another order). */
    public static boolean supports(GgmlType t) {
        return t == GgmlType.Q4_1 || t == GgmlType.Q8_0;
    }

    private static int groups(long rows) { return (int) ((rows + GROUP - 1) / GROUP); }

    private static int chunks(GgmlType t) { return t == GgmlType.Q8_0 ? 8 : 4; }

    private static int fields(GgmlType t) { return t == GgmlType.Q4_1 ? 2 : 1; }

    /** Bytes the packed copy of {@code t} occupies. */
    public static long bytesFor(GgufTensor t) {
        long groupBlocks = (long) groups(t.rows()) * (t.rowLength() / QK);
        return groupBlocks * ((long) chunks(t.type()) * CHUNK + fields(t.type()) * 2L * GROUP);
    }

    public long bytes() { return data.byteSize(); }

    /** Copies {@code t} ({@code [N][K]} Q4_1 or Q8_0) into the packed layout, allocated in {@code arena}. */
    public static PackedMatrix pack(GgufTensor t, Arena arena) {
        if (!supports(t.type())) throw new IllegalArgumentException("tensor '" + t.name() + "' has type " + t.type() + ", which has no packed layout (Q4_1, Q8_0)");
        if (t.rows() > Integer.MAX_VALUE || t.rowLength() > Integer.MAX_VALUE) throw new IllegalArgumentException("tensor '" + t.name() + "' is too large to pack: " + t.shape());
        PackedMatrix p = new PackedMatrix(t.name(), t.type(), (int) t.rows(), (int) t.rowLength(), arena.allocate(bytesFor(t), 64));
        p.copyFrom(t);
        return p;
    }

    private void copyFrom(GgufTensor t) {
        MemorySegment src = t.data();
        long rowBytes = t.rowBytes();
        int quantsAt = 2 * fields;                      // the GGUF block: f16 fields, then quants
        for (int row = 0; row < rows; row++) {
            int g = row / GROUP, i = row % GROUP;
            for (int b = 0; b < blocks; b++) {
                long s = row * rowBytes + (long) b * type.blockBytes;
                long gb = (long) g * blocks + b;        // group-block index
                for (int f = 0; f < fields; f++) {
                    short h = src.get(ValueLayout.JAVA_SHORT_UNALIGNED, s + 2L * f);
                    if ((h & 0x7C00) == 0x7C00) {
                        throw new IllegalArgumentException("tensor '" + t.name() + "' row " + row + " block " + b + " has a non-finite "
                                + (f == 0 ? "scale d" : "min m") + " (f16 bits 0x" + Integer.toHexString(h & 0xFFFF) + ")");
                    }
                    data.set(ValueLayout.JAVA_SHORT, scalesAt + ((gb * fields + f) * GROUP + i) * 2, h);
                }
                for (int c = 0; c < chunks; c++) {
                    for (int j = 0; j < 2; j++) {
                        int lane;
                        if (type == GgmlType.Q8_0) {
                            int lo = src.get(ValueLayout.JAVA_BYTE, s + quantsAt + 4 * c + j) & 0xFF;
                            int hi = src.get(ValueLayout.JAVA_BYTE, s + quantsAt + 4 * c + 2 + j) & 0xFF;
                            lane = lo | hi << 8;
                        } else {
                            lane = 0;
                            for (int n = 0; n < 4; n++) lane |= nibble(src, s + quantsAt, 8 * c + 2 * n + j) << (4 * n);
                        }
                        data.set(ValueLayout.JAVA_SHORT, ((gb * chunks + c) * 2 * GROUP + 2 * i + j) * 2, (short) lane);
                    }
                }
            }
        }
    }

    /** Element e (0..31) of a GGUF Q4 block whose 16 bytes of quants start at {@code qs}: byte j holds q[j] | q[j+16] << 4. */
    private static int nibble(MemorySegment src, long qs, int e) {
        int b = src.get(ValueLayout.JAVA_BYTE, qs + (e & 15)) & 0xFF;
        return e < 16 ? b & 0xF : b >>> 4;
    }

    @Override
    public String toString() {
        return "packed " + type + " '" + name + "' [" + rows + "][" + k + "]";
    }
}
