package dev.pyramidkv.dnnl;

import static dev.pyramidkv.dnnl.c.dnnl_h.*;

/** Element types of oneDNN memory ({@code dnnl_data_type_t}) with their sizes in bytes. */
public enum DataType {
    F32(dnnl_f32(), 4),
    BF16(dnnl_bf16(), 2),
    F16(dnnl_f16(), 2),
    S32(dnnl_s32(), 4),
    S8(dnnl_s8(), 1),
    U8(dnnl_u8(), 1);

    private final int code;
    private final int byteSize;

    DataType(int code, int byteSize) {
        this.code = code;
        this.byteSize = byteSize;
    }

    /** The {@code dnnl_data_type_t} value. */
    public int code() {
        return code;
    }

    public int byteSize() {
        return byteSize;
    }

    public static DataType of(int code) {
        for (DataType t : values()) if (t.code == code) return t;
        throw new IllegalArgumentException("not a dnnl_data_type_t we use: " + code);
    }
}
