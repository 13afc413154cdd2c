package dev.pyramidkv.engine.gguf;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** The key/value section of a GGUF file, in file order, with typed getters that name the key on error. */
public final class GgufMetadata {
    private final Map<String, GgufValue> values;

    GgufMetadata(LinkedHashMap<String, GgufValue> values) {
        this.values = Collections.unmodifiableMap(values);
    }

    public Map<String, GgufValue> asMap() { return values; }

    public boolean has(String key) { return values.containsKey(key); }

    public GgufValue get(String key) {
        GgufValue v = values.get(key);
        if (v == null) throw new IllegalArgumentException("GGUF metadata has no key '" + key + "'");
        return v;
    }

    public String getString(String key) {
        return as(key, String.class, "a string");
    }

    public String getString(String key, String fallback) {
        return has(key) ? getString(key) : fallback;
    }

    public long getLong(String key) {
        GgufValue v = get(key);
        if (!v.isInteger()) throw wrongType(key, v, "an integer");
        return (Long) v.value();
    }

    public int getInt(String key) {
        long x = getLong(key);
        if (x < Integer.MIN_VALUE || x > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("GGUF metadata '" + key + "' = " + x + " does not fit an int");
        }
        return (int) x;
    }

    public int getInt(String key, int fallback) {
        return has(key) ? getInt(key) : fallback;
    }

    public double getDouble(String key) {
        GgufValue v = get(key);
        if (v.isInteger()) return (Long) v.value();
        if (v.type() != GgufValueType.FLOAT32 && v.type() != GgufValueType.FLOAT64) throw wrongType(key, v, "a number");
        return (Double) v.value();
    }

    public double getDouble(String key, double fallback) {
        return has(key) ? getDouble(key) : fallback;
    }

    public boolean getBool(String key, boolean fallback) {
        return has(key) ? as(key, Boolean.class, "a bool") : fallback;
    }

    public String[] getStringArray(String key) {
        return as(key, String[].class, "an array of strings");
    }

    public float[] getFloatArray(String key) {
        return as(key, float[].class, "an array of FLOAT32");
    }

    public int[] getIntArray(String key) {
        long[] a = as(key, long[].class, "an array of integers");
        int[] out = new int[a.length];
        for (int i = 0; i < a.length; i++) {
            if (a[i] < Integer.MIN_VALUE || a[i] > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("GGUF metadata '" + key + "'[" + i + "] = " + a[i] + " does not fit an int");
            }
            out[i] = (int) a[i];
        }
        return out;
    }

    private <T> T as(String key, Class<T> type, String expected) {
        GgufValue v = get(key);
        if (!type.isInstance(v.value())) throw wrongType(key, v, expected);
        return type.cast(v.value());
    }

    private static IllegalArgumentException wrongType(String key, GgufValue v, String expected) {
        String got = v.type() == GgufValueType.ARRAY ? "an array of " + v.elementType() : v.type().toString();
        return new IllegalArgumentException("GGUF metadata '" + key + "' is " + got + ", expected " + expected);
    }
}
