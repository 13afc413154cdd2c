package dev.pyramidkv.engine.gguf;

/** Metadata value types of the GGUF key/value section, numbered as in the spec. */
public enum GgufValueType {
    UINT8(1), INT8(1), UINT16(2), INT16(2), UINT32(4), INT32(4), FLOAT32(4), BOOL(1), STRING(-1), ARRAY(-1),
    UINT64(8), INT64(8), FLOAT64(8);

    /** Fixed byte size, or -1 for STRING and ARRAY. */
    public final int size;

    GgufValueType(int size) { this.size = size; }

    public static GgufValueType byId(long id) {
        GgufValueType[] all = values();
        return id >= 0 && id < all.length ? all[(int) id] : null;
    }
}
