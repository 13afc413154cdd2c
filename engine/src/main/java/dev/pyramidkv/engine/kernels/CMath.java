package dev.pyramidkv.engine.kernels;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

/**
 * The platform C library's float functions, for the values llama.cpp takes from it (RoPE angles, the
 * scalar tails of SiLU): libm's sincosf/powf/expf are not correctly rounded, so Java's Math gives a
 * different last bit for ~1% of them.
 */
public final class CMath {
    private CMath() {}

    private static final Linker LINKER = Linker.nativeLinker();
    private static final MethodHandle POWF = function("powf", FunctionDescriptor.of(JAVA_FLOAT, JAVA_FLOAT, JAVA_FLOAT));
    private static final MethodHandle EXPF = function("expf", FunctionDescriptor.of(JAVA_FLOAT, JAVA_FLOAT));
    private static final MethodHandle SINCOSF = function("sincosf", FunctionDescriptor.ofVoid(JAVA_FLOAT, ADDRESS, ADDRESS));

    public static float powf(float x, float y) {
        try {
            return (float) POWF.invokeExact(x, y);
        } catch (Throwable t) {
            throw new IllegalStateException("powf failed", t);
        }
    }

    public static float expf(float x) {
        try {
            return (float) EXPF.invokeExact(x);
        } catch (Throwable t) {
            throw new IllegalStateException("expf failed", t);
        }
    }

    /** Writes cos(x) and sin(x) (libm sincosf) to {@code out} at byte offsets {@code cosOff} and {@code sinOff}. */
    public static void sincosf(float x, MemorySegment out, long cosOff, long sinOff) {
        try {
            SINCOSF.invokeExact(x, out.asSlice(sinOff, 4), out.asSlice(cosOff, 4));
        } catch (Throwable t) {
            throw new IllegalStateException("sincosf failed", t);
        }
    }

    private static MethodHandle function(String name, FunctionDescriptor fd) {
        MemorySegment f = LINKER.defaultLookup().find(name)
                .orElseThrow(() -> new IllegalStateException("the C library has no " + name + " (needed for llama.cpp-identical RoPE)"));
        return LINKER.downcallHandle(f, fd);
    }
}
