package dev.pyramidkv.natives;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

/**
 * The x86 features our kernels choose between, read from the kernel's view of the CPU
 * ({@code /proc/cpuinfo} "flags"). A flag counts only if every logical CPU lists it, so a kernel
 * picked here can run on whichever core the OS schedules it.
 *
 * @param modelName  the "model name" line, or "unknown"
 * @param avx512f    AVX-512 Foundation ({@code avx512f})
 * @param avx512bf16 AVX-512 bfloat16 dot products ({@code avx512_bf16})
 * @param avx512vnni AVX-512 int8 dot products ({@code avx512_vnni})
 * @param avx2       AVX2 ({@code avx2})
 * @param fma        fused multiply-add ({@code fma})
 * @param source     where the flags came from, or why none were read
 */
public record CpuFeatures(String modelName, boolean avx512f, boolean avx512bf16, boolean avx512vnni,
                          boolean avx2, boolean fma, String source) {

    public static final Path PROC_CPUINFO = Path.of("/proc/cpuinfo");

    private static final class Holder {
        static final CpuFeatures DETECTED = read(PROC_CPUINFO);
    }

    /** The features of this machine, read once. */
    public static CpuFeatures detect() {
        return Holder.DETECTED;
    }

    /** Reads a cpuinfo file; if it cannot be read, every feature is false and {@link #source} says why. */
    public static CpuFeatures read(Path cpuinfo) {
        try {
            return parse(Files.readString(cpuinfo), cpuinfo.toString());
        } catch (IOException | SecurityException e) {
            return new CpuFeatures("unknown", false, false, false, false, false,
                    cpuinfo + " not readable (" + e + "); assuming no AVX2/AVX-512");
        }
    }

    /** Parses the text of {@code /proc/cpuinfo}. */
    public static CpuFeatures parse(String cpuinfo, String source) {
        String model = "unknown";
        Set<String> common = null;   // flags present on every processor seen so far
        for (String line : cpuinfo.split("\n")) {
            int colon = line.indexOf(':');
            if (colon < 0) continue;
            String key = line.substring(0, colon).strip();
            String value = line.substring(colon + 1).strip();
            if (key.equals("model name") && model.equals("unknown")) {
                model = value;
            } else if (key.equals("flags")) {
                Set<String> flags = new HashSet<>(Set.of(value.isEmpty() ? new String[0] : value.split("\\s+")));
                if (common == null) common = flags;
                else common.retainAll(flags);
            }
        }
        if (common == null) {
            return new CpuFeatures(model, false, false, false, false, false,
                    source + " has no \"flags\" line; assuming no AVX2/AVX-512");
        }
        return new CpuFeatures(model, common.contains("avx512f"), common.contains("avx512_bf16"),
                common.contains("avx512_vnni"), common.contains("avx2"), common.contains("fma"), source);
    }

    /** One line saying what was found, e.g. {@code CPU AMD EPYC: AVX-512F yes, AVX512_BF16 yes, ... (from /proc/cpuinfo)}. */
    public String summary() {
        return "CPU " + modelName + ": AVX-512F " + yesNo(avx512f) + ", AVX512_BF16 " + yesNo(avx512bf16)
                + ", AVX512_VNNI " + yesNo(avx512vnni) + ", AVX2 " + yesNo(avx2) + ", FMA " + yesNo(fma)
                + " (" + source + ")";
    }

    private static String yesNo(boolean b) {
        return b ? "yes" : "no";
    }
}
