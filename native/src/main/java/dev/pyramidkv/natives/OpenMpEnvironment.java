package dev.pyramidkv.natives;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * Settings the OpenMP runtime (libgomp, which Debian's oneDNN runs its threads on) reads from the process
 * environment once, when it is loaded, so they must be in place before libdnnl is.
 *
 * <p>{@code OMP_WAIT_POLICY=passive}: idle OpenMP threads sleep instead of spinning. On a machine whose
 * cores are shared (other processes, or our own Java worker threads between oneDNN calls), spinning
 * threads steal the time slices the working ones need: a bf16 GEMM of 256×576×576 ran at 10–33 GFLOP/s
 * with the default (spin) policy and 127–195 GFLOP/s with passive waiting, 2 threads, load ≈ 8. An
 * explicit {@code OMP_WAIT_POLICY} or {@code GOMP_SPINCOUNT} in the environment wins.
 */
final class OpenMpEnvironment {
    static final String WAIT_POLICY = "OMP_WAIT_POLICY";
    static final String SPIN_COUNT = "GOMP_SPINCOUNT";

    private OpenMpEnvironment() {}

    /** Sets {@code OMP_WAIT_POLICY=passive} in the C environment unless the user chose a wait policy. */
    @SuppressWarnings("restricted")
    static void preferPassiveWaiting() {
        if (getenv(WAIT_POLICY) != null || getenv(SPIN_COUNT) != null) return;
        Linker linker = Linker.nativeLinker();
        MethodHandle setenv = linker.downcallHandle(linker.defaultLookup().find("setenv").orElseThrow(),
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));
        try (Arena tmp = Arena.ofConfined()) {
            int status = (int) setenv.invokeExact(tmp.allocateFrom(WAIT_POLICY), tmp.allocateFrom("passive"), 0);
            if (status != 0) throw new IllegalStateException("setenv(" + WAIT_POLICY + ") failed with " + status);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** The variable as the C library sees it now (System.getenv is a snapshot taken at JVM start). */
    @SuppressWarnings("restricted")
    static String getenv(String name) {
        Linker linker = Linker.nativeLinker();
        MethodHandle getenv = linker.downcallHandle(linker.defaultLookup().find("getenv").orElseThrow(),
                FunctionDescriptor.of(ADDRESS, ADDRESS));
        try (Arena tmp = Arena.ofConfined()) {
            MemorySegment value = (MemorySegment) getenv.invokeExact(tmp.allocateFrom(name));
            return value.address() == 0 ? null : value.reinterpret(Long.MAX_VALUE).getString(0);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }
}
