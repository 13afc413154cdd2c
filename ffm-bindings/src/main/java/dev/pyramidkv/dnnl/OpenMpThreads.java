package dev.pyramidkv.dnnl;

import dev.pyramidkv.natives.DnnlLibrary;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * How many threads oneDNN's primitives use. Debian's oneDNN runs on OpenMP (libgomp, a dependency of
 * libdnnl, so its symbols resolve through libdnnl's handle); without a call here a primitive uses
 * {@code OMP_NUM_THREADS} or every core. The setting belongs to the calling thread: set it on the thread
 * that executes the primitives. A build of oneDNN without OpenMP has no such switch: then
 * {@link #isControllable()} is false and {@link #set} does nothing.
 */
@SuppressWarnings("restricted")
public final class OpenMpThreads {
    private OpenMpThreads() {}

    private static final class Handles {
        static final MethodHandle SET = find("omp_set_num_threads", FunctionDescriptor.ofVoid(JAVA_INT));
        static final MethodHandle GET = find("omp_get_max_threads", FunctionDescriptor.of(JAVA_INT));

        private static MethodHandle find(String name, FunctionDescriptor d) {
            return DnnlLibrary.lookup().find(name).map(a -> Linker.nativeLinker().downcallHandle(a, d)).orElse(null);
        }
    }

    /** True if oneDNN's thread count can be set from here (an OpenMP build). */
    public static boolean isControllable() {
        return Handles.SET != null && Handles.GET != null;
    }

    /** Parallel regions that the calling thread starts from now on (oneDNN primitives it executes) use {@code threads} threads. */
    public static void set(int threads) {
        if (threads < 1) throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        if (Handles.SET == null) return;
        try {
            Handles.SET.invokeExact(threads);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** Threads the calling thread's next oneDNN primitive would use, or -1 if not an OpenMP build. */
    public static int get() {
        if (Handles.GET == null) return -1;
        try {
            return (int) Handles.GET.invokeExact();
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }
}
