package dev.pyramidkv.dnnl;

import dev.pyramidkv.dnnl.c.dnnl_h;
import dev.pyramidkv.dnnl.c.dnnl_version_t;
import dev.pyramidkv.natives.DnnlLibrary;
import dev.pyramidkv.natives.NativeLibraryUnavailableException;

import java.lang.foreign.MemorySegment;

import static dev.pyramidkv.dnnl.c.dnnl_h.*;

/**
 * Library-wide facts and switches: whether oneDNN can be used here, its version, verbose mode,
 * the CPU instruction set it dispatches to.
 */
public final class Dnnl {

    private Dnnl() {}

    /** What {@code dnnl_version()} reports about the loaded library. */
    public record Version(int major, int minor, int patch, String hash, int cpuRuntime, int gpuRuntime) {
        @Override
        public String toString() {
            return major + "." + minor + "." + patch;
        }
    }

    /** True if libdnnl.so.2 loads and is the 2.x API these bindings describe. */
    public static boolean isAvailable() {
        return unavailableReason().isEmpty();
    }

    /** Why oneDNN cannot be used (what was searched, what to do), or "" if it can. */
    public static String unavailableReason() {
        if (!DnnlLibrary.isAvailable()) return DnnlLibrary.unavailableReason();
        Version v = version();
        if (v.major() != DNNL_VERSION_MAJOR()) {
            return "libdnnl at " + DnnlLibrary.library().location().orElse("?") + " is oneDNN " + v
                    + ", but pyramidkv's bindings are for oneDNN " + DNNL_VERSION_MAJOR() + ".x"
                    + " (install Debian's libdnnl2: apt-get install libdnnl2, or set " + DnnlLibrary.OVERRIDE_ENV + ")";
        }
        return "";
    }

    private static volatile String bf16Reason;

    /**
     * Why oneDNN has no bf16 matmul on this machine, or "" if it has one. oneDNN 2.x implements bf16 only from
     * AVX-512 on (natively with avx512_core_bf16, emulated on avx512_core); on AVX2 CPUs, or under
     * {@code ONEDNN_MAX_CPU_ISA=AVX2}, creating a bf16 matmul returns dnnl_unimplemented. Probed once, by creating one.
     */
    public static String bf16Unsupported() {
        String why = bf16Reason;
        if (why != null) return why;
        synchronized (Dnnl.class) {
            if (bf16Reason != null) return bf16Reason;
            why = unavailableReason();
            if (why.isEmpty()) {
                try (DnnlEngine engine = DnnlEngine.create();
                     Matmul probe = Matmul.create(engine, MatmulSpec.bf16(16, 32, 16, WeightsLayout.ANY))) {
                    why = "";
                } catch (DnnlException e) {
                    if (e.status() != dnnl_unimplemented()) throw e;
                    why = "oneDNN " + version() + " has no bf16 matmul for this CPU's instruction set ("
                            + cpuIsaName(effectiveCpuIsa()) + "; bf16 needs AVX-512)";
                }
            }
            bf16Reason = why;
            return why;
        }
    }

    /** Throws {@link NativeLibraryUnavailableException} (with {@link #unavailableReason()}) unless oneDNN is usable. */
    public static void requireAvailable() {
        String why = unavailableReason();
        if (!why.isEmpty()) throw new NativeLibraryUnavailableException(why);
    }

    public static Version version() {
        MemorySegment v = dnnl_version().reinterpret(dnnl_version_t.sizeof());
        MemorySegment hash = dnnl_version_t.hash(v);
        return new Version(dnnl_version_t.major(v), dnnl_version_t.minor(v), dnnl_version_t.patch(v),
                hash.address() == 0 ? "" : hash.getString(0),
                dnnl_version_t.cpu_runtime(v), dnnl_version_t.gpu_runtime(v));
    }

    /** 0: quiet, 1: print each primitive execution, 2: also creation. Same as {@code ONEDNN_VERBOSE}. */
    public static void setVerbose(int level) {
        DnnlException.check(dnnl_set_verbose(level), "dnnl_set_verbose", "setting verbose level " + level);
    }

    /**
     * Caps the instruction set oneDNN's JIT may use (a {@code dnnl_cpu_isa_t}, e.g.
     * {@link dnnl_h#dnnl_cpu_isa_avx2()}). Works only before the first primitive is created.
     */
    public static void setMaxCpuIsa(int isa) {
        DnnlException.check(dnnl_set_max_cpu_isa(isa), "dnnl_set_max_cpu_isa", "capping the ISA at " + cpuIsaName(isa));
    }

    /** The instruction set oneDNN dispatches to on this machine (a {@code dnnl_cpu_isa_t}). */
    public static int effectiveCpuIsa() {
        return dnnl_get_effective_cpu_isa();
    }

    public static String cpuIsaName(int isa) {
        if (isa == dnnl_cpu_isa_all()) return "all";
        if (isa == dnnl_cpu_isa_sse41()) return "sse41";
        if (isa == dnnl_cpu_isa_avx()) return "avx";
        if (isa == dnnl_cpu_isa_avx2()) return "avx2";
        if (isa == dnnl_cpu_isa_avx512_core()) return "avx512_core";
        if (isa == dnnl_cpu_isa_avx512_core_vnni()) return "avx512_core_vnni";
        if (isa == dnnl_cpu_isa_avx512_core_bf16()) return "avx512_core_bf16";
        if (isa == dnnl_cpu_isa_avx512_core_amx()) return "avx512_core_amx";
        return "isa 0x" + Integer.toHexString(isa);
    }

    /** One line for logs, e.g. {@code oneDNN 2.6.3 (libdnnl.so.2 from /usr/lib/..., ISA avx512_core_bf16)}. */
    public static String describe() {
        String why = unavailableReason();
        if (!why.isEmpty()) return "oneDNN unavailable: " + why;
        return "oneDNN " + version() + " (" + DnnlLibrary.SONAME + " from "
                + DnnlLibrary.library().location().orElse("?") + ", ISA " + cpuIsaName(effectiveCpuIsa()) + ")";
    }
}
