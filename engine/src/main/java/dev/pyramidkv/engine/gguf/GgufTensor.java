package dev.pyramidkv.engine.gguf;

import java.lang.foreign.MemorySegment;

/**
 * One tensor of a GGUF file: a slice of the mapping, nothing copied. {@code dims[0]} is the innermost
 * (contiguous) dimension as in ggml: a weight with dims [in, out] is {@code out} rows of {@code in} values.
 */
public record GgufTensor(String name, GgmlType type, long[] dims, long offset, MemorySegment data) {

    public long elements() {
        long n = 1;
        for (long d : dims) n *= d;
        return n;
    }

    /** Elements per row (dims[0]). */
    public long rowLength() { return dims[0]; }

    /** Rows: the product of dims[1..]. */
    public long rows() { return elements() / dims[0]; }

    public long rowBytes() { return type.bytesFor(dims[0]); }

    public String shape() {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < dims.length; i++) sb.append(i == 0 ? "" : ", ").append(dims[i]);
        return sb.append(']').toString();
    }
}
