package dev.pyramidkv.engine.kernels;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The one vector shape of every Vector API kernel, chosen once per process from what the JIT compiles to
 * machine vectors: 512 bits with AVX-512, 256 bits with AVX2 (or under {@code -XX:UseAVX=2}). A kernel that
 * used a wider shape than the hardware has would run the Vector API's Java fallback, which boxes every
 * vector (tens of MB per token); mixing two shapes at one JDK call site makes C2 compile virtual fallbacks
 * that box too. So each kernel uses the species below and nothing else, and lanes map to independent work
 * (rows, elements), which keeps every sum in ggml's order whatever the width (docs/NUMERICS.md).
 * <p>
 * Machines with less than 256-bit vectors are refused with one clear error ({@link #require}).
 */
public final class VectorShape {
    private VectorShape() {}

    /** Bits of the preferred float vector of this JVM, as the JIT will compile it. */
    public static final int MACHINE_BITS = FloatVector.SPECIES_PREFERRED.vectorBitSize();
    /** Bits of every kernel vector: 512 or 256. */
    public static final int BITS = MACHINE_BITS >= 512 ? 512 : 256;
    /** Float (and int) lanes of a kernel vector: 16 or 8. */
    public static final int LANES = BITS / 32;

    /** {@link #LANES} floats. */
    public static final VectorSpecies<Float> F = BITS == 512 ? FloatVector.SPECIES_512 : FloatVector.SPECIES_256;
    /** {@link #LANES} ints. */
    public static final VectorSpecies<Integer> I = BITS == 512 ? IntVector.SPECIES_512 : IntVector.SPECIES_256;
    /** 2·{@link #LANES} shorts: a full vector of int16. */
    public static final VectorSpecies<Short> S = BITS == 512 ? ShortVector.SPECIES_512 : ShortVector.SPECIES_256;
    /** {@link #LANES} shorts (half the bits): f16 scales or bf16 values, one per float lane. */
    public static final VectorSpecies<Short> S_LANES = BITS == 512 ? ShortVector.SPECIES_256 : ShortVector.SPECIES_128;
    /** {@link #LANES} bytes (a quarter of the bits): one per float lane. */
    public static final VectorSpecies<Byte> B_LANES = BITS == 512 ? ByteVector.SPECIES_128 : ByteVector.SPECIES_64;

    /** Why this machine cannot run the kernels, or null. */
    public static String unsupported() {
        if (MACHINE_BITS >= 256) return null;
        return "pyramidkv needs 256-bit vectors (AVX2) or wider, but this JVM compiles at most " + MACHINE_BITS
                + "-bit vectors (a CPU without AVX2, or -XX:UseAVX/-XX:MaxVectorSize set lower)";
    }

    /** Throws {@link UnsupportedOperationException} with {@link #unsupported()} when the kernels cannot run here. */
    public static void require() {
        String why = unsupported();
        if (why != null) throw new UnsupportedOperationException(why);
    }

    /** e.g. "256-bit vectors (8 float lanes)". */
    public static String describe() {
        return BITS + "-bit vectors (" + LANES + " float lanes)";
    }
}
