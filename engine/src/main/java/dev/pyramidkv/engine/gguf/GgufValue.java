package dev.pyramidkv.engine.gguf;

/**
 * One metadata value. Scalars: integers as {@code Long} (UINT64 keeps its bits), floats as {@code Double},
 * BOOL as {@code Boolean}, STRING as {@code String}. Arrays: {@code long[]} for integer elements,
 * {@code float[]}/{@code double[]} for FLOAT32/FLOAT64, {@code boolean[]}, {@code String[]}, and
 * {@code GgufValue[]} for arrays of arrays.
 */
public record GgufValue(GgufValueType type, GgufValueType elementType, Object value) {

    public boolean isInteger() {
        return switch (type) {
            case UINT8, INT8, UINT16, INT16, UINT32, INT32, UINT64, INT64 -> true;
            default -> false;
        };
    }

    public int length() {
        return switch (value) {
            case long[] a -> a.length;
            case float[] a -> a.length;
            case double[] a -> a.length;
            case boolean[] a -> a.length;
            case String[] a -> a.length;
            case GgufValue[] a -> a.length;
            default -> 1;
        };
    }

    /** Short human form: scalars as they are, arrays as {@code [TYPE × n]}. */
    @Override
    public String toString() {
        if (type == GgufValueType.ARRAY) return "[" + elementType + " × " + length() + "]";
        return String.valueOf(value);
    }
}
