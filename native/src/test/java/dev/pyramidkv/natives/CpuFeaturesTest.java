package dev.pyramidkv.natives;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

@Tag("cc")
class CpuFeaturesTest {

    /** /proc/cpuinfo, as we read it, agrees with gcc's own CPUID detection on this machine. */
    @Test
    void detectedFeaturesMatchGccCpuid(@TempDir Path tmp) {
        List<String> lines = CProbe.compileAndRun(CProbe.source("cpu_probe.c"), tmp, List.of());
        Map<String, Boolean> cpuid = new HashMap<>();
        for (String line : lines) {
            String[] kv = line.split(" ");
            cpuid.put(kv[0], kv[1].equals("1"));
        }
        CpuFeatures f = CpuFeatures.detect();
        String ctx = f.summary() + " vs gcc " + cpuid;
        assertEquals(cpuid.get("avx512f"), f.avx512f(), ctx);
        assertEquals(cpuid.get("avx512bf16"), f.avx512bf16(), ctx);
        assertEquals(cpuid.get("avx512vnni"), f.avx512vnni(), ctx);
        assertEquals(cpuid.get("avx2"), f.avx2(), ctx);
        assertEquals(cpuid.get("fma"), f.fma(), ctx);
        assertEquals(CpuFeatures.PROC_CPUINFO.toString(), f.source());
    }

    @Test
    void summaryNamesEveryFeatureAndTheSource() {
        String s = CpuFeatures.detect().summary();
        for (String name : List.of("AVX-512F", "AVX512_BF16", "AVX512_VNNI", "AVX2", "FMA", "/proc/cpuinfo")) {
            assertTrue(s.contains(name), () -> name + " missing from: " + s);
        }
        assertFalse(s.contains("\n"), "summary must be one line");
    }

    /** A flag counts only if every processor lists it. */
    @Test
    void flagsAreIntersectedAcrossProcessors() {
        String cpuinfo = """
                processor\t: 0
                model name\t: Test CPU
                flags\t\t: fpu avx2 fma avx512f avx512_bf16 avx512_vnni

                processor\t: 1
                model name\t: Test CPU
                flags\t\t: fpu avx2 fma avx512f
                """;
        CpuFeatures f = CpuFeatures.parse(cpuinfo, "test");
        assertEquals("Test CPU", f.modelName());
        assertTrue(f.avx2());
        assertTrue(f.fma());
        assertTrue(f.avx512f());
        assertFalse(f.avx512bf16());
        assertFalse(f.avx512vnni());
    }

    /** "avx512f" must not be confused with longer flags that contain it, such as avx512fp16. */
    @Test
    void flagsAreMatchedAsWholeWords() {
        CpuFeatures f = CpuFeatures.parse("flags\t: avx512fp16 avx512_bf16x avx2\n", "test");
        assertFalse(f.avx512f());
        assertFalse(f.avx512bf16());
        assertTrue(f.avx2());
    }

    @Test
    void unreadableCpuinfoMeansNoFeaturesAndSaysWhy(@TempDir Path tmp) {
        Path missing = tmp.resolve("no-cpuinfo");
        CpuFeatures f = CpuFeatures.read(missing);
        assertFalse(f.avx2() || f.fma() || f.avx512f() || f.avx512bf16() || f.avx512vnni());
        assertTrue(f.summary().contains(missing.toString()), f.summary());
        assertTrue(f.summary().contains("not readable"), f.summary());
    }

    @Test
    void cpuinfoWithoutFlagsIsReported(@TempDir Path tmp) throws Exception {
        Path file = Files.writeString(tmp.resolve("cpuinfo"), "processor\t: 0\nmodel name\t: X\n");
        CpuFeatures f = CpuFeatures.read(file);
        assertFalse(f.avx2());
        assertTrue(f.source().contains("no \"flags\" line"), f.source());
    }
}
